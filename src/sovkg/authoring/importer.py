"""``sovkg import``: rows of a spreadsheet (CSV, TSV or XLSX) as Turtle in ``kg/imported/``.

One sheet kind per file, recognised from its header or named with ``--kind``; ``COLUMNS`` lists
the columns of each (the README has the same table). Every row also has ``source`` (a source
document, by name or label) and ``quote`` (its words). Names of existing things (countries, chips,
companies, base models, machines, languages) are matched by label, identifier, ISO code or language
tag; a name that matches nothing or more than one thing is reported, never guessed.

An import is a transaction. The sheet's facts are built in memory, parsed and validated together
with the rest of the graph; only if the whole graph conforms is the file written, to a temporary
file beside its target and renamed over it in one step, under a lock so that two imports never
interleave. A failure or an interrupt at any moment leaves ``kg/`` as it was. Each sheet has its
own file (its name plus a digest of where the sheet lies), so two sheets never overwrite each
other, and the same sheet imported again writes the same bytes, so it changes nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import XSD, BNode, Literal, URIRef

from sovkg.authoring import amounts, cells
from sovkg.authoring.cells import StatusVocabulary
from sovkg.authoring.errors import CellError, ImportFailed, RowProblem
from sovkg.authoring.sheets import Sheet, read_sheet
from sovkg.build.parse import Location, SourceIndex, parse_files
from sovkg.build.pipeline import Graphs, check
from sovkg.build.reason import materialise
from sovkg.build.support import renders
from sovkg.build.validate import Report
from sovkg.errors import InputError, ValidationFailed
from sovkg.namespaces import ASSERTED_GRAPH, ID_IRI, ONTOLOGY_GRAPH, RDF_TYPE, RDFS_LABEL, SOV_IRI
from sovkg.project import Project

__all__ = ["COLUMNS", "KINDS", "ImportFailed", "ImportResult", "RowProblem", "import_file"]

CITATION = ("source", "quote")
# kind -> (required columns, optional columns), without the citation columns every row has.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "models": (("country", "model"), ("modelType", "openness", "trainingData", "budget", "infrastructure",
                                      "baseModels", "languages", "trainedOn", "developer", "status")),
    "compute": (("country",), ("nameAndLocation", "name", "location", "kind", "investment", "nature", "partners",
                               "status", "chips", "chipCount", "partnerNames", "possiblePartners")),
    "actors": (("name", "kind", "country"), ("owner", "partOfGovernment")),
    "funding": (("project", "funder"), ("share", "amount")),
    "policies": (("name", "kind"), ("issuer", "appliesTo", "status")),
}
KINDS = tuple(COLUMNS)
ACTOR_KINDS = {"company": "Company", "foundation": "Foundation", "non-profit": "NonProfit", "nonprofit": "NonProfit",
               "consortium": "Consortium", "research institution": "ResearchInstitution",
               "university": "ResearchInstitution", "public body": "PublicBody", "ministry": "Ministry",
               "government agency": "GovernmentAgency", "agency": "GovernmentAgency",
               "national academy": "NationalAcademy", "national laboratory": "NationalLaboratory"}
POLICY_KINDS = {"export control": "ExportControl", "regulation": "Regulation", "legislation": "Legislation",
                "national strategy": "NationalStrategy", "strategy": "NationalStrategy",
                "funding programme": "FundingProgramme", "funding program": "FundingProgramme",
                "initiative": "Initiative"}
# The compute sheet's `kind` column; without it (or empty) a row is compute infrastructure in general.
INFRASTRUCTURE_KINDS = {"supercomputer": "Supercomputer", "cloud platform": "CloudPlatform", "cloud": "CloudPlatform",
                        "data centre": "DataCentre", "data center": "DataCentre", "cluster": "ComputeCluster",
                        "compute cluster": "ComputeCluster", "compute infrastructure": "ComputeInfrastructure"}
DEFAULT_INFRASTRUCTURE = "ComputeInfrastructure"
PUBLIC_BODIES = {"PublicBody", "Ministry", "GovernmentAgency", "NationalAcademy", "NationalLaboratory"}
PREFIXES = {"": ID_IRI, "sov": SOV_IRI, "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": str(XSD)}


def detect_kind(header: list[str]) -> str:
    columns = set(header)
    if "model" in columns:
        return "models"
    if {"nameAndLocation", "nature", "investment", "chipCount"} & columns:
        return "compute"
    if {"funder", "project"} <= columns:
        return "funding"
    if {"appliesTo", "issuer"} & columns:
        return "policies"
    if {"name", "kind", "country"} <= columns:
        return "actors"
    raise InputError("cannot tell what the sheet holds from its header: pass --kind "
                     f"({', '.join(KINDS)}); the README lists each kind's columns")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


class Resolver:
    """Finds the existing entity a name in a cell stands for."""

    def __init__(self, graphs: Graphs) -> None:
        self.types: dict[str, set[str]] = {}
        self.by_key: dict[str, set[str]] = {}
        self.investments: dict[str, list[str]] = {}
        keys = (RDFS_LABEL, SOV_IRI + "isoCode", SOV_IRI + "languageTag")
        for t in [*graphs.facts, *graphs.inferred]:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            subject, predicate = t.subject.value, t.predicate.value
            if predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                self.types.setdefault(subject, set()).add(t.object.value)
            elif predicate in keys and isinstance(t.object, ox.Literal):
                self.by_key.setdefault(_key(t.object.value), set()).add(subject)
            elif predicate == SOV_IRI + "hasInvestment" and isinstance(t.object, ox.NamedNode):
                found = self.investments.setdefault(subject, [])
                if t.object.value not in found:
                    found.append(t.object.value)
        for subject in self.types:
            if subject.startswith(ID_IRI):
                self.by_key.setdefault(_key(subject[len(ID_IRI):]), set()).add(subject)

    def exists(self, iri: str) -> bool:
        return iri in self.types

    def find(self, name: str, classes: tuple[str, ...], what: str) -> str:
        text = name.strip()
        text = text[len(ID_IRI):] if text.startswith(ID_IRI) else text.removeprefix(":")
        wanted = {SOV_IRI + c for c in classes}
        found = sorted(iri for iri in self.by_key.get(_key(text), set()) if self.types.get(iri, set()) & wanted)
        if not found:
            raise CellError(f"no {what} named {name!r} in the graph: check the spelling, write its identifier "
                            "as in kg/ (such as :FR or :NvidiaH100), or add it first")
        if len(found) > 1:
            options = ", ".join(":" + iri[len(ID_IRI):] for iri in found)
            raise CellError(f"{name!r} could be any of {options}: write the identifier of the one you mean")
        return found[0]


def mint(name: str, suffix: str = "") -> str:
    """A readable IRI for a new entity: its name in UpperCamelCase (letters and digits only)."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    local = "".join(w[:1].upper() + w[1:] for w in words) or "Unnamed"
    if local[0].isdigit():
        local = "N" + local
    return ID_IRI + local + suffix


def S(name: str) -> URIRef:
    return URIRef(SOV_IRI + name)


def lit(text: str, lang: str | None = None) -> Literal:
    return Literal(text, lang=lang)


def dec(value: Decimal) -> Literal:
    return Literal(amounts.decimal_text(value), datatype=XSD.decimal)


TRUE = Literal("true", datatype=XSD.boolean)


# ---------------------------------------------------------------- rows to nodes

@dataclass(frozen=True)
class Derivation:
    """A figure the importer computed from figures the cell states (a total of two parts).

    It is written as a second evidence of kind ``sov:DerivedFigure`` with a note saying how, as a
    curator writes a computed total by hand, and only when the row's quote renders every part:
    otherwise the support rules report the total as a figure no quote states.
    """

    note: str
    parts: tuple[Decimal, ...]
    supports: tuple[str, ...]


@dataclass
class Node:
    """What one row says about one entity (new if it has a type, else an existing one it extends)."""

    iri: str
    statements: list[tuple[URIRef, object]] = field(default_factory=list)
    evidence: bool = False
    derivation: Derivation | None = None

    def add(self, prop: URIRef, value: object) -> None:
        self.statements.append((prop, value))

    @property
    def is_new(self) -> bool:
        return any(p == rdflib.RDF.type for p, _ in self.statements)

    def label(self) -> str:
        return next((str(v) for p, v in self.statements if p == rdflib.RDFS.label), self.iri)


class RowContext:
    """One row being turned into nodes; collects its problems with their columns."""

    def __init__(self, sheet: Sheet, number: int, row: dict[str, str], importer: _Import) -> None:
        self.sheet, self.number, self.row, self.importer = sheet, number, row, importer
        self.resolver = importer.resolver
        self.problems: list[tuple[str, str]] = []

    def cell(self, column: str) -> str:
        return self.row.get(column, "").strip()

    def read(self, column: str, reader: Callable[[str], object]) -> object | None:
        text = self.cell(column)
        if not text:
            return None
        try:
            return reader(text)
        except CellError as error:
            self.problems.append((column, str(error)))
            return None

    def find(self, column: str, classes: tuple[str, ...], what: str, text: str | None = None) -> str | None:
        name = text if text is not None else self.cell(column)
        if not name:
            return None
        try:
            return self.resolver.find(name, classes, what)
        except CellError as error:
            self.problems.append((column, str(error)))
            return None

    def finds(self, column: str, classes: tuple[str, ...], what: str) -> list[str]:
        return [iri for name in cells.names(self.cell(column)) if (iri := self.find(column, classes, what, name))]

    def entity(self, name: str, *classes: str) -> Node:
        """A new entity of the row: its IRI minted from its name, its classes and its English label."""
        node = Node(mint(name))
        for cls in classes:
            node.add(rdflib.RDF.type, S(cls))
        node.add(rdflib.RDFS.label, lit(name, "en"))
        return node


def _amount_statements(node: Node, amount: amounts.Amount, cell_text: str) -> None:
    node.add(S("amountText"), lit(cell_text))
    if amount.undisclosed:
        node.add(S("disclosure"), S("Undisclosed"))
        node.add(S("qualifierText"), lit(cell_text))
    if amount.amount is not None:
        node.add(S("amount"), dec(amount.amount))
        if amount.amount_max is not None:
            node.add(S("amountMax"), dec(amount.amount_max))
        node.add(S("currency"), lit(amount.currency))
        if amount.undisclosed:
            node.add(S("isPartialFigure"), TRUE)
        if amount.parts:
            node.derivation = Derivation(
                note=f"computed on import: the sum of {' and '.join(amount.parts)}, which the cell adds up",
                parts=amount.part_figures,
                supports=("amount", "amountMax") if amount.amount_max is not None else ("amount",))
    for flag, on in (("isApproximate", amount.approximate), ("isEstimate", amount.estimate),
                     ("isUpperBound", amount.upper_bound), ("isLowerBound", amount.lower_bound)):
        if on:
            node.add(S(flag), TRUE)


def _kind(ctx: RowContext, kinds: dict[str, str], column: str = "kind", default: str | None = None) -> str | None:
    """The class a row's kind cell names (the default if empty), or None with the problem recorded."""
    text = " ".join(ctx.cell(column).lower().split())
    if not text and default is not None:
        return default
    kind = kinds.get(text)
    if kind is None:
        ctx.problems.append((column, f"{column} is one of {', '.join(sorted(kinds))}, not {ctx.cell(column)!r}"))
    return kind


def _amount_node(ctx: RowContext, owner: Node, name: str, column: str, kind: str) -> list[Node]:
    """The budget or investment a money cell states, linked from its owner; none if the cell is empty."""
    text = ctx.cell(column)
    amount = ctx.read(column, amounts.amount)
    if not isinstance(amount, amounts.Amount):
        return []
    node = Node(f"{owner.iri}-{column}")
    node.add(rdflib.RDF.type, S(kind))
    node.add(rdflib.RDFS.label, lit(f"{name}: {column} {text}", "en"))
    _amount_statements(node, amount, text)
    owner.add(S("hasInvestment"), URIRef(node.iri))
    return [node]


def _status_node(ctx: RowContext, owner: Node, column: str, text: str) -> Node | None:
    concept = ctx.read(column, lambda _: ctx.importer.statuses.read(text))
    if concept is None:
        return None
    when = ctx.read(column, lambda _: cells.date(text))
    node = Node(owner.iri + "-status")
    node.add(rdflib.RDF.type, S("StatusStatement"))
    node.add(rdflib.RDFS.label, lit(f"{owner.label()}: {text}", "en"))
    node.add(S("status"), S(str(concept)))
    if isinstance(when, tuple):
        node.add(S("date"), Literal(when[0], datatype=URIRef(str(XSD) + when[1])))
    node.add(S("statusText"), lit(text))
    owner.add(S("hasStatus"), URIRef(node.iri))
    return node


def _language(ctx: RowContext, name: str) -> tuple[str, Node | None] | None:
    """A language named by its English name or ISO 639 code: one the graph knows, else a new one."""
    try:
        return ctx.resolver.find(name, ("NaturalLanguage",), "language"), None
    except CellError as unknown:
        import pycountry

        try:
            found = pycountry.languages.lookup(name.strip())
        except LookupError:
            ctx.problems.append(("languages", f"{unknown}; nor is {name!r} an ISO 639 language name or code "
                                              "(such as German, de or deu)"))
            return None
    tag = getattr(found, "alpha_2", None) or found.alpha_3
    for key in (tag, found.alpha_3, found.name):
        with contextlib.suppress(CellError):
            return ctx.resolver.find(key, ("NaturalLanguage",), "language"), None
    iri = mint(found.name)
    if iri in ctx.importer.introduced:
        return iri, None
    node = Node(iri)
    node.add(rdflib.RDF.type, S("NaturalLanguage"))
    node.add(rdflib.RDFS.label, lit(found.name, "en"))
    node.add(S("languageTag"), lit(tag))
    ctx.importer.introduced.add(iri)
    return iri, node


def _models(ctx: RowContext) -> list[Node]:
    name = ctx.cell("model")
    model = ctx.entity(name, "SovereignModel")
    country = ctx.find("country", ("Jurisdiction",), "state or union")
    if country:
        model.add(S("isSovereignEffortOf"), URIRef(country))
    nodes = [model]
    model_type = ctx.cell("modelType")
    if model_type:
        model.add(S("modelTypeText"), lit(model_type))
        for method in cells.development_methods(model_type):
            model.add(S("developmentMethod"), S(method))
    for base in ctx.finds("baseModels", ("AIModel",), "base model"):
        model.add(S("basedOn"), URIRef(base))
    concept = ctx.read("openness", cells.openness)
    if concept:
        model.add(S("openness"), S(str(concept)))
    if ctx.cell("trainingData"):
        model.add(S("trainingDataText"), lit(ctx.cell("trainingData")))
    for language_name in cells.names(ctx.cell("languages")):
        found = _language(ctx, language_name)
        if found is not None:
            model.add(S("coversLanguage"), URIRef(found[0]))
            nodes += [found[1]] if found[1] is not None else []
    if ctx.cell("infrastructure"):
        model.add(S("infrastructureText"), lit(ctx.cell("infrastructure")))
    for machine in ctx.finds("trainedOn", ("ComputeInfrastructure",), "compute infrastructure"):
        model.add(S("trainedOn"), URIRef(machine))
    developer = ctx.find("developer", ("Actor",), "actor")
    if developer:
        model.add(S("developedBy"), URIRef(developer))
    nodes += _amount_node(ctx, model, name, "budget", "Budget")
    status_text = ctx.cell("status") or ("not yet released" if "not yet released" in model_type.lower() else "")
    if status_text:
        status = _status_node(ctx, model, "status" if ctx.cell("status") else "modelType", status_text)
        nodes += [status] if status else []
    return nodes


def _compute(ctx: RowContext) -> list[Node]:
    combined = ctx.cell("nameAndLocation")
    name, _, location = combined.partition(";") if combined else (ctx.cell("name"), "", ctx.cell("location"))
    name, location = name.strip(), location.strip()
    if not name:
        ctx.problems.append(("nameAndLocation" if "nameAndLocation" in ctx.row else "name",
                             "a compute project needs its name"))
        return []
    kind = _kind(ctx, INFRASTRUCTURE_KINDS, default=DEFAULT_INFRASTRUCTURE) or DEFAULT_INFRASTRUCTURE
    project = ctx.entity(name, "SovereignComputeProject", kind)
    country = ctx.find("country", ("Jurisdiction",), "state or union")
    if country:
        project.add(S("isSovereignEffortOf"), URIRef(country))
    if location:
        project.add(S("locationText"), lit(location))
    nodes = [project]
    nodes += _amount_node(ctx, project, name, "investment", "Investment")
    nature = ctx.cell("nature")
    if nature:
        project.add(S("natureText"), lit(nature))
        if "to be determined" in nature.lower():
            project.add(S("undeterminedAspect"), S("ChipsLayer"))
    chips = ctx.finds("chips", ("ChipProduct", "ComputeSystem"), "chip product")
    count = ctx.read("chipCount", cells.whole_number)
    if len(chips) > 1:
        ctx.problems.append(("chips", "a row counts one chip product: give each chip its own row"))
    if chips or isinstance(count, cells.Count):
        allocation = Node(project.iri + "-chips")
        allocation.add(rdflib.RDF.type, S("ChipAllocation"))
        allocation.add(rdflib.RDFS.label, lit(" ".join(f"{name}: {ctx.cell('chipCount')} {ctx.cell('chips')}"
                                                          .split()), "en"))
        for chip in chips[:1]:
            allocation.add(S("chip"), URIRef(chip))
        if not chips:
            ctx.problems.append(("chips", "a chip count needs the chip it counts"))
        if isinstance(count, cells.Count):
            allocation.add(S("quantity"), Literal(count.value, datatype=XSD.integer))
            if count.approximate:
                allocation.add(S("isApproximate"), TRUE)
        elif not ctx.cell("chipCount"):
            ctx.problems.append(("chipCount", "a chip allocation needs its count"))
        project.add(S("hasChipAllocation"), URIRef(allocation.iri))
        nodes.append(allocation)
    partners = ctx.cell("partners")
    if partners:
        project.add(S("partnersText"), lit(partners))
        if "to be determined" in partners.lower():
            project.add(S("undeterminedAspect"), S("DevelopmentLayer"))
    for partner in ctx.finds("partnerNames", ("Actor",), "partner"):
        project.add(S("hasPartner"), URIRef(partner))
    for partner in ctx.finds("possiblePartners", ("Actor",), "possible partner"):
        project.add(S("hasPossiblePartner"), URIRef(partner))
    if ctx.cell("status"):
        status = _status_node(ctx, project, "status", ctx.cell("status"))
        nodes += [status] if status else []
    return nodes


def _actors(ctx: RowContext) -> list[Node]:
    kind = _kind(ctx, ACTOR_KINDS)
    if kind is None:
        return []
    actor = ctx.entity(ctx.cell("name"), kind)
    country = ctx.find("country", ("Jurisdiction",), "state or union")
    government = ctx.read("partOfGovernment", cells.boolean)
    if kind in PUBLIC_BODIES and government is False:
        ctx.problems.append(("partOfGovernment", f"a {ctx.cell('kind')} is part of its government: write yes"))
    if country:
        actor.add(S("headquarteredIn"), URIRef(country))
        if kind in PUBLIC_BODIES or government is True:
            actor.add(S("isPartOfGovernmentOf"), URIRef(country))
    owner = ctx.find("owner", ("Organization",), "organization")
    if owner:
        actor.add(S("subsidiaryOf"), URIRef(owner))
    return [actor]


def _funding(ctx: RowContext) -> list[Node]:
    """A funding share, on the project's investment as hand-written facts put it."""
    project = ctx.find("project", ("SovereignAIProject", "Asset", "Organization"), "project")
    funder = ctx.find("funder", ("Actor",), "funder")
    fraction = ctx.read("share", cells.share)
    amount = ctx.read("amount", amounts.amount)
    if not ctx.cell("share") and not ctx.cell("amount"):
        ctx.problems.append(("share", "a funding row gives a share (such as 15%) or an amount"))
    if not project or not funder:
        return []
    nodes: list[Node] = []
    investments = ctx.resolver.investments.get(project, [])
    if len(investments) > 1:
        options = ", ".join(":" + iri[len(ID_IRI):] for iri in investments)
        ctx.problems.append(("project", f"{ctx.cell('project')!r} has {len(investments)} investments ({options}): "
                                        "write the funding share by hand on the one it belongs to"))
        return []
    if investments:
        investment = Node(investments[0])
    else:  # the project's first investment, stated by its funding shares
        investment = ctx.importer.new_investments.get(project) or Node(project + "-investment")
        if project not in ctx.importer.new_investments:
            investment.add(rdflib.RDF.type, S("Investment"))
            investment.add(rdflib.RDFS.label, lit(f"{ctx.cell('project')}: investment", "en"))
            owner = Node(project)
            owner.add(S("hasInvestment"), URIRef(investment.iri))
            nodes += [investment, owner]
            ctx.importer.new_investments[project] = investment
    share = Node(f"{investment.iri}-share-{funder[len(ID_IRI):]}")
    share.add(rdflib.RDF.type, S("FundingShare"))
    share.add(rdflib.RDFS.label, lit(f"{ctx.cell('project')}: funding from {ctx.cell('funder')}", "en"))
    share.add(S("funder"), URIRef(funder))
    if isinstance(fraction, Decimal):
        share.add(S("shareFraction"), dec(fraction))
    if isinstance(amount, amounts.Amount):
        _amount_statements(share, amount, ctx.cell("amount"))
    link = Node(investment.iri)
    link.add(S("hasFundingShare"), URIRef(share.iri))
    return [share, link, *nodes]


def _policies(ctx: RowContext) -> list[Node]:
    kind = _kind(ctx, POLICY_KINDS)
    if kind is None:
        return []
    policy = ctx.entity(ctx.cell("name"), kind)
    issuer = ctx.find("issuer", ("Actor",), "issuer")
    if issuer:
        policy.add(S("issuedBy"), URIRef(issuer))
    for target in ctx.finds("appliesTo", ("Jurisdiction",), "state or union"):
        policy.add(S("appliesTo"), URIRef(target))
    nodes = [policy]
    if ctx.cell("status"):
        status = _status_node(ctx, policy, "status", ctx.cell("status"))
        nodes += [status] if status else []
    return nodes


BUILDERS: dict[str, Callable[[RowContext], list[Node]]] = {
    "models": _models, "compute": _compute, "actors": _actors, "funding": _funding, "policies": _policies}
NAME_COLUMN = {"models": "model", "compute": "nameAndLocation", "actors": "name", "funding": "funder",
               "policies": "name"}
# Which column a property's value came from, to trace a violation back to its cell.
COLUMN_OF = {S("quantity"): "chipCount", S("chip"): "chips", S("amount"): "budget", S("currency"): "budget",
             S("isSovereignEffortOf"): "country", S("headquarteredIn"): "country", S("openness"): "openness",
             S("status"): "status", S("date"): "status", S("hasPartner"): "partnerNames",
             S("basedOn"): "baseModels", S("trainedOn"): "trainedOn", S("coversLanguage"): "languages",
             S("quote"): "quote", S("source"): "source", S("shareFraction"): "share", S("funder"): "funder"}


# ---------------------------------------------------------------- the transaction

@dataclass
class ImportResult:
    path: Path
    rows: int
    entities: int
    changed: bool
    report: Report | None = None  # the validation of the graph with the sheet's facts, if it ran


@dataclass
class _Import:
    resolver: Resolver
    statuses: StatusVocabulary
    index: SourceIndex
    root: Path
    introduced: set[str] = field(default_factory=set)
    new_investments: dict[str, Node] = field(default_factory=dict)


def imported_path(project: Project, sheet: Path) -> Path:
    """The file a sheet's facts go to: its name and a digest of where it lies, so that two sheets
    called compute.csv in different folders never share a file."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", sheet.stem).strip("-") or "sheet"
    digest = hashlib.sha256(str(sheet.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return project.kg / "imported" / f"{stem}-{digest}.ttl"


@contextlib.contextmanager
def _lock(project: Project) -> Iterator[None]:
    """One import at a time per project (the lock file lives in the ignored dist/ folder)."""
    project.dist.mkdir(parents=True, exist_ok=True)
    with (project.dist / "import.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _graphs(project: Project, without: Path, text: str | None = None) -> Graphs:
    """The project's graphs with the sheet's file replaced by ``text`` (or left out): what
    ``load_graphs`` reads, except that this file comes from memory instead of the disk."""
    index = SourceIndex()
    ontology = parse_files([project.ontology], ox.NamedNode(ONTOLOGY_GRAPH), index)
    facts = parse_files([p for p in project.kg_files() if p.resolve() != without.resolve()],
                        ox.NamedNode(ASSERTED_GRAPH), index)
    if text is not None:
        graph = ox.NamedNode(ASSERTED_GRAPH)
        try:
            parsed = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        except SyntaxError as error:  # a bug here, never the user's input: every term is serialised
            raise InputError(f"the Turtle written for the sheet does not parse: {error}") from error
        facts += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed]
        index.add_file(without, text)
    return Graphs(ontology, facts, materialise(ontology, facts, "fast"), index)


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # not *.ttl: never read as facts
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _turtle(nodes: list[Node], evidence: tuple[str, str, str] | None) -> str:
    """One row's nodes as Turtle, written by rdflib's serialiser (never by pasting strings)."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for index, node in enumerate(nodes):
        subject = URIRef(node.iri)
        for prop, value in node.statements:
            graph.add((subject, prop, value))  # type: ignore[arg-type]
        if node.evidence and evidence is not None:
            source, quote, locator = evidence
            holder = BNode(f"e{index}")
            graph.add((subject, S("hasEvidence"), holder))
            graph.add((holder, S("source"), URIRef(source)))
            graph.add((holder, S("quote"), lit(quote)))
            graph.add((holder, S("locator"), lit(locator)))
            if node.derivation is not None and _renders_all(node.derivation.parts, quote):
                derived = BNode(f"d{index}")
                graph.add((subject, S("hasEvidence"), derived))
                graph.add((derived, S("source"), URIRef(source)))
                graph.add((derived, S("quote"), lit(quote)))
                graph.add((derived, S("locator"), lit(locator)))
                graph.add((derived, S("provenanceKind"), S("DerivedFigure")))
                for prop in node.derivation.supports:
                    graph.add((derived, S("supports"), S(prop)))
                graph.add((derived, S("note"), lit(node.derivation.note)))
    text = graph.serialize(format="turtle")
    return "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip() + "\n"


def _renders_all(figures: tuple[Decimal, ...], quote: str) -> bool:
    """Whether the quote states every figure a derived total was computed from."""
    return all(renders(ox.Literal(amounts.decimal_text(f), datatype=ox.NamedNode(str(XSD.decimal))), [quote])
               for f in figures)


def _header(sheet: Sheet, kind: str) -> str:
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    # json.dumps writes the file name on one line whatever it holds (a newline cannot end the comment).
    return (f"# Imported by `sovkg import` from the {kind} sheet {json.dumps(sheet.name)}; each block names\n"
            "# its spreadsheet row. Edit the sheet and import it again: the same sheet gives the same file.\n"
            + prefixes + "\n")


def import_file(project: Project, path: Path, kind: str | None = None) -> ImportResult:
    """Import one spreadsheet into its own file in ``kg/imported/``, only if the graph stays valid.

    Raises:
        ImportFailed: rows that cannot be read or matched (FILE:ROW:COLUMN); nothing written.
        ValidationFailed: the imported facts break a rule; the report locates rows; nothing written.
        InputError: the file cannot be read as a sheet.
    """
    project.require_writable("import")
    sheet = read_sheet(path)
    if not sheet.rows:
        raise InputError(f"{sheet.name}: the sheet has no rows under its header")
    kind = kind or detect_kind(sheet.header)
    if kind not in KINDS:
        raise InputError(f"unknown sheet kind {kind!r}: choose one of {', '.join(KINDS)}")
    required, optional = COLUMNS[kind]
    problems = [RowProblem(sheet.name, sheet.header_row, c, f"the {kind} sheet needs a {c!r} column")
                for c in (*required, *CITATION) if c not in sheet.header]
    known = {*required, *optional, *CITATION}
    problems += [RowProblem(sheet.name, sheet.header_row, c, f"unknown column for a {kind} sheet; its columns are "
                            f"{', '.join([*required, *optional, *CITATION])}") for c in sheet.header if c not in known]
    if problems:
        raise ImportFailed(problems)
    target = imported_path(project, path)
    with _lock(project):
        for stale in target.parent.glob(f".{target.name}.*.tmp"):
            stale.unlink(missing_ok=True)  # left by an import killed while writing
        base = _graphs(project, without=target)
        state = _Import(Resolver(base), StatusVocabulary.from_ontology(base.ontology), base.index, project.root)
        blocks, entities = _rows_to_turtle(sheet, kind, state)
        text = _header(sheet, kind) + "\n".join(blocks)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            return ImportResult(target, len(sheet.rows), entities, changed=False)
        graphs = _graphs(project, without=target, text=text)
        report = check(project, graphs)
        if not report.conforms:
            raise ValidationFailed(_traced(report, target, text, sheet.name),
                                   f"the imported rows break {len(report.violations)} rule(s); nothing was imported")
        _write_atomically(target, text)
    return ImportResult(target, len(sheet.rows), entities, changed=True, report=report)


def _rows_to_turtle(sheet: Sheet, kind: str, state: _Import) -> tuple[list[str], int]:
    problems: list[RowProblem] = []
    blocks: list[str] = []
    seen: dict[str, int] = {}
    for number, row in sheet.rows:
        ctx = RowContext(sheet, number, row, state)
        for column in CITATION:
            if not ctx.cell(column):
                ctx.problems.append((column, f"every row cites its {column}: this cell is empty"))
        source = ctx.find("source", ("SourceDocument",), "source document")
        nodes = BUILDERS[kind](ctx)
        for node in nodes:
            if not node.is_new:
                continue
            local = node.iri[len(ID_IRI):]
            if state.resolver.exists(node.iri):
                place = state.index.where(node.iri)
                where = "elsewhere in kg/"
                if place is not None:
                    shown = place.path.relative_to(state.root) if place.path.is_relative_to(state.root) else place.path
                    where = f"in {shown}:{place.line}"
                ctx.problems.append((NAME_COLUMN[kind] if kind != "compute" or "nameAndLocation" in row else "name",
                                     f":{local} is already described {where}; edit it there instead of importing "
                                     "it (if that file came from this sheet in another folder, remove it first)"))
            elif node.iri in seen:
                ctx.problems.append((NAME_COLUMN[kind], f"row {seen[node.iri]} already describes :{local}"))
            seen.setdefault(node.iri, number)
            node.evidence = True
        problems += [RowProblem(sheet.name, number, column, message) for column, message in ctx.problems]
        evidence = (source, ctx.cell("quote"), f"{sheet.name} row {number}") if source else None
        blocks.append(f"# row {number}\n" + _turtle(nodes, evidence))
    if problems:
        raise ImportFailed(problems)
    return blocks, len(seen)


def _traced(report: Report, target: Path, text: str, sheet: str) -> Report:
    """The report with violations in the sheet's facts located at their spreadsheet row and column."""
    lines = text.splitlines()
    traced = []
    for violation in report.violations:
        location = violation.location
        if location is not None and location.path.resolve() == target.resolve():
            row = next((int(m.group(1)) for line in reversed(lines[: location.line])
                        if (m := re.match(r"# row (\d+)$", line))), None)
            if row is not None:
                column = COLUMN_OF.get(S(violation.path or ""), violation.path or "-")
                violation = type(violation)(violation.rule, violation.focus, violation.focus_label, violation.path,
                                            violation.value, f"{sheet}:{row}:{column}: {violation.message}",
                                            Location(Path(sheet), row))
        traced.append(violation)
    return type(report)(**{**report.__dict__, "violations": traced})
