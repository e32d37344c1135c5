"""``sovkg import``: rows of a spreadsheet (CSV, TSV or XLSX) as Turtle in ``kg/imported/``.

One sheet kind per file, recognised from its header or named with ``--kind``:

* ``models``: Table 1 of the Lawfare analysis: country, model, modelType, openness, trainingData,
  budget, infrastructure; optionally baseModels, languages, trainedOn, developer.
* ``compute``: Table 2: country, nameAndLocation (or name and location), investment, nature,
  partners, status; optionally chips, chipCount, partnerNames, possiblePartners.
* ``actors``: name, kind, country, owner.
* ``funding``: project, funder, amount, share.
* ``policies``: name, kind, issuer, appliesTo, status.

Every row also has ``source`` (a source document, by name or label) and ``quote`` (its words). Names
of existing things (countries, chips, companies, base models, machines) are matched by label, local
name or ISO code; a name that matches nothing or more than one thing is reported, never guessed.
Problems are reported as FILE:ROW:COLUMN. The Turtle is written only if the whole graph still
validates; a SHACL violation in it is traced back to its row. Importing the same file twice writes
the same Turtle, so it changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sovkg.authoring import cells
from sovkg.authoring.cells import CellError
from sovkg.build.pipeline import Graphs, check, load_graphs
from sovkg.build.validate import Report
from sovkg.errors import InputError, ValidationFailed
from sovkg.namespaces import ID_IRI, RDF_TYPE, RDFS_LABEL, SOV_IRI
from sovkg.project import Project

KINDS = ("models", "compute", "actors", "funding", "policies")
REQUIRED = {
    "models": ("country", "model", "source", "quote"),
    "compute": ("country", "source", "quote"),
    "actors": ("name", "kind", "country", "source", "quote"),
    "funding": ("project", "funder", "source", "quote"),
    "policies": ("name", "kind", "source", "quote"),
}
ACTOR_KINDS = {"company": "Company", "foundation": "Foundation", "non-profit": "NonProfit", "nonprofit": "NonProfit",
               "consortium": "Consortium", "research institution": "ResearchInstitution",
               "university": "ResearchInstitution", "public body": "PublicBody", "ministry": "Ministry",
               "government agency": "GovernmentAgency", "agency": "GovernmentAgency",
               "national academy": "NationalAcademy", "national laboratory": "NationalLaboratory"}
POLICY_KINDS = {"export control": "ExportControl", "regulation": "Regulation", "legislation": "Legislation",
                "national strategy": "NationalStrategy", "strategy": "NationalStrategy",
                "funding programme": "FundingProgramme", "funding program": "FundingProgramme",
                "initiative": "Initiative"}
PUBLIC_BODIES = {"PublicBody", "Ministry", "GovernmentAgency", "NationalAcademy", "NationalLaboratory"}


@dataclass(frozen=True)
class RowProblem:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class ImportFailed(InputError):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported:\n" + "\n".join(map(str, problems)))
        self.problems = problems


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV, TSV or XLSX file as dictionaries keyed by header (spreadsheet row 2 first)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if suffix in (".csv", ".tsv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t" if suffix == ".tsv" else ",")
            return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    if suffix == ".xlsx":
        try:
            import openpyxl
        except ImportError as error:
            raise InputError("reading .xlsx needs openpyxl: pip install 'sovkg[xlsx]'") from error
        sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).active
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
        header = rows[0] if rows else []
        return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]
    raise InputError(f"{path}: import reads .csv, .tsv and .xlsx files")


def detect_kind(header: Iterable[str]) -> str:
    columns = set(header)
    if "model" in columns:
        return "models"
    if {"nameAndLocation", "nature", "investment"} & columns:
        return "compute"
    if {"funder", "project"} <= columns:
        return "funding"
    if {"appliesTo", "issuer"} & columns:
        return "policies"
    if {"name", "kind", "country"} <= columns:
        return "actors"
    raise InputError("cannot tell what the sheet holds from its header: pass --kind "
                     f"({', '.join(KINDS)}); the README lists each template's columns")


class Resolver:
    """Finds the existing entity a name in a cell stands for."""

    def __init__(self, graphs: Graphs) -> None:
        self.types: dict[str, set[str]] = {}
        self.by_key: dict[str, set[str]] = {}
        triples = [*graphs.facts, *graphs.inferred]
        for t in triples:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            subject = t.subject.value
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                self.types.setdefault(subject, set()).add(t.object.value)
            elif t.predicate.value in (RDFS_LABEL, SOV_IRI + "isoCode") and isinstance(t.object, ox.Literal):
                self.by_key.setdefault(_key(t.object.value), set()).add(subject)
        for subject in self.types:
            if subject.startswith(ID_IRI):
                self.by_key.setdefault(_key(subject[len(ID_IRI):]), set()).add(subject)

    def exists(self, iri: str) -> bool:
        return iri in self.types

    def find(self, name: str, classes: tuple[str, ...], what: str) -> str:
        text = name.strip()
        if text.startswith(":"):
            text = text[1:]
        if text.startswith(ID_IRI):
            text = text[len(ID_IRI):]
        wanted = {SOV_IRI + c for c in classes}
        found = sorted(iri for iri in self.by_key.get(_key(text), set()) if self.types.get(iri, set()) & wanted)
        if not found:
            raise CellError(f"no {what} named {name!r} in the graph: check the spelling, write its identifier "
                            "as in kg/ (such as :FR or :NvidiaH100), or add it first")
        if len(found) > 1:
            options = ", ".join(":" + iri[len(ID_IRI):] for iri in found)
            raise CellError(f"{name!r} could be any of {options}: write the identifier of the one you mean")
        return found[0]


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def mint(name: str, suffix: str = "") -> str:
    """A readable IRI for a new entity: its name in UpperCamelCase."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    local = "".join(w[:1].upper() + w[1:] for w in words) or "Unnamed"
    if local[0].isdigit():
        local = "N" + local
    return ID_IRI + local + suffix


# ---------------------------------------------------------------- Turtle writing

def _term(value: object) -> str:
    if isinstance(value, ox.NamedNode):
        iri = value.value
        if iri.startswith(ID_IRI) and re.fullmatch(r"[A-Za-z][\w-]*", iri[len(ID_IRI):]):
            return ":" + iri[len(ID_IRI):]
        if iri.startswith(SOV_IRI):
            return "sov:" + iri[len(SOV_IRI):]
        if iri == RDFS_LABEL:
            return "rdfs:label"
        return f"<{iri}>"
    if isinstance(value, ox.Literal):
        datatype = value.datatype.value
        if datatype.endswith("#decimal"):
            return value.value if "." in value.value else value.value + ".0"
        if datatype.endswith("#integer") or datatype.endswith("#boolean"):
            return value.value
        return str(value)
    raise TypeError(value)


@dataclass
class Node:
    """The description of one entity, written as one Turtle block."""

    iri: str
    row: int
    statements: list[tuple[str, object]] = field(default_factory=list)
    evidence: tuple[str, str, str] | None = None

    def add(self, prop: str, value: object) -> None:
        self.statements.append((prop, value))

    def turtle(self, origin: str) -> str:
        lines = [f"# {origin}:{self.row}", _term(ox.NamedNode(self.iri))]
        types = [v for p, v in self.statements if p == "a"]
        body = []
        if types:
            body.append("a " + " , ".join(_term(t) for t in types))
        for prop, value in self.statements:
            if prop != "a":
                body.append(f"{_term(ox.NamedNode(prop)) if prop.startswith('http') else prop} {_term(value)}")
        if self.evidence is not None:
            source, quote, locator = self.evidence
            body.append(f"sov:hasEvidence [ sov:source {_term(ox.NamedNode(source))} ; "
                        f"sov:quote {_term(ox.Literal(quote))} ; sov:locator {_term(ox.Literal(locator))} ]")
        return "\n".join([*lines[:1], lines[1] + " " + " ;\n    ".join(body) + " ."]) + "\n"


def S(name: str) -> str:
    return SOV_IRI + name


def lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def dec(value: object) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def true() -> ox.Literal:
    return ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


def xsd(value: str, kind: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#" + kind))


# ---------------------------------------------------------------- rows to nodes

class RowContext:
    """One row being turned into nodes; collects its problems with their columns."""

    def __init__(self, number: int, row: dict[str, str], resolver: Resolver, problems: list[tuple[str, str]]) -> None:
        self.number, self.row, self.resolver, self.problems = number, row, resolver, problems

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
        return self.read(column, lambda _: self.resolver.find(text if text is not None else self.cell(column),
                                                              classes, what))  # type: ignore[return-value]

    def finds(self, column: str, classes: tuple[str, ...], what: str) -> list[str]:
        found = []
        for name in cells.names(self.cell(column)):
            iri = self.find(column, classes, what, name)
            if iri:
                found.append(iri)
        return found


def _amount_statements(node: Node, amount: cells.Amount, cell_text: str) -> None:
    node.add(S("amountText"), lit(cell_text))
    if amount.undisclosed:
        node.add(S("disclosure"), ox.NamedNode(S("Undisclosed")))
        node.add(S("qualifierText"), lit(cell_text))
    if amount.amount is not None:
        node.add(S("amount"), dec(amount.amount))
        if amount.amount_max is not None:
            node.add(S("amountMax"), dec(amount.amount_max))
        node.add(S("currency"), lit(amount.currency))
        if amount.undisclosed:
            node.add(S("isPartialFigure"), true())
    for flag, on in (("isApproximate", amount.approximate), ("isEstimate", amount.estimate),
                     ("isUpperBound", amount.upper_bound), ("isLowerBound", amount.lower_bound)):
        if on:
            node.add(S(flag), true())


def _entity(ctx: RowContext, name: str, *classes: str) -> Node:
    """A new entity of the row: its IRI minted from its name, its classes and its English label."""
    node = Node(mint(name), ctx.number)
    for cls in classes:
        node.add("a", ox.NamedNode(S(cls)))
    node.add(RDFS_LABEL, lit(name, "en"))
    return node


def _kind(ctx: RowContext, kinds: dict[str, str]) -> str | None:
    """The class a row's ``kind`` cell names, or None with the problem recorded."""
    kind = kinds.get(ctx.cell("kind").lower())
    if kind is None:
        ctx.problems.append(("kind", f"kind is one of {', '.join(sorted(kinds))}"))
    return kind


def _amount_node(ctx: RowContext, owner: Node, name: str, column: str, kind: str) -> list[Node]:
    """The budget or investment a money cell states, linked from its owner; none if the cell is empty."""
    text = ctx.cell(column)
    amount = ctx.read(column, cells.amount)
    if not isinstance(amount, cells.Amount):
        return []
    node = Node(f"{owner.iri}-{column}", ctx.number)
    node.add("a", ox.NamedNode(S(kind)))
    node.add(RDFS_LABEL, lit(f"{name}: {column} {text}", "en"))
    _amount_statements(node, amount, text)
    owner.add(S("hasInvestment"), ox.NamedNode(node.iri))
    return [node]


def _status_node(ctx: RowContext, owner: Node, column: str, text: str) -> Node | None:
    concept = ctx.read(column, cells.status)
    if concept is None:
        return None
    node = Node(owner.iri + "-status", ctx.number)
    node.add("a", ox.NamedNode(S("StatusStatement")))
    node.add(RDFS_LABEL, lit(f"{_label_of(owner)}: {text}", "en"))
    node.add(S("status"), ox.NamedNode(S(str(concept))))
    when = cells.date(text)
    if when:
        node.add(S("date"), xsd(*when))
    node.add(S("statusText"), lit(text))
    owner.add(S("hasStatus"), ox.NamedNode(node.iri))
    return node


def _label_of(node: Node) -> str:
    return next((v.value for p, v in node.statements if p == RDFS_LABEL and isinstance(v, ox.Literal)), node.iri)


def _models(ctx: RowContext) -> list[Node]:
    name = ctx.cell("model")
    model = _entity(ctx, name, "SovereignModel")
    country = ctx.find("country", ("Jurisdiction",), "state or union")
    if country:
        model.add(S("isSovereignEffortOf"), ox.NamedNode(country))
    nodes = [model]
    model_type = ctx.cell("modelType")
    if model_type:
        model.add(S("modelTypeText"), lit(model_type))
        for method in cells.development_methods(model_type):
            model.add(S("developmentMethod"), ox.NamedNode(S(method)))
        if "not yet released" in model_type.lower():
            status = _status_node(ctx, model, "modelType", "not yet released")
            nodes += [status] if status else []
    for base in ctx.finds("baseModels", ("AIModel",), "base model"):
        model.add(S("basedOn"), ox.NamedNode(base))
    concept = ctx.read("openness", cells.openness)
    if concept:
        model.add(S("openness"), ox.NamedNode(S(str(concept))))
    if ctx.cell("trainingData"):
        model.add(S("trainingDataText"), lit(ctx.cell("trainingData")))
    for language in ctx.finds("languages", ("NaturalLanguage",), "language"):
        model.add(S("coversLanguage"), ox.NamedNode(language))
    if ctx.cell("infrastructure"):
        model.add(S("infrastructureText"), lit(ctx.cell("infrastructure")))
    for machine in ctx.finds("trainedOn", ("ComputeInfrastructure",), "compute infrastructure"):
        model.add(S("trainedOn"), ox.NamedNode(machine))
    developer = ctx.find("developer", ("Actor",), "actor") if ctx.cell("developer") else None
    if developer:
        model.add(S("developedBy"), ox.NamedNode(developer))
    nodes += _amount_node(ctx, model, name, "budget", "Budget")
    return nodes


def _compute(ctx: RowContext) -> list[Node]:
    combined = ctx.cell("nameAndLocation")
    name, _, location = combined.partition(";") if combined else (ctx.cell("name"), "", ctx.cell("location"))
    name, location = name.strip(), location.strip()
    if not name:
        ctx.problems.append(("nameAndLocation" if "nameAndLocation" in ctx.row else "name",
                             "a compute project needs its name"))
        return []
    classes = ["SovereignComputeProject", "Supercomputer"] if "supercomputer" in name.lower() \
        else ["SovereignComputeProject"]
    project = _entity(ctx, name, *classes)
    country = ctx.find("country", ("Jurisdiction",), "state or union")
    if country:
        project.add(S("isSovereignEffortOf"), ox.NamedNode(country))
    if location:
        project.add(S("locationText"), lit(location))
    nodes = [project]
    nodes += _amount_node(ctx, project, name, "investment", "Investment")
    nature = ctx.cell("nature")
    if nature:
        project.add(S("natureText"), lit(nature))
        if "to be determined" in nature.lower():
            project.add(S("undeterminedAspect"), ox.NamedNode(S("ChipsLayer")))
    chips = ctx.finds("chips", ("ChipProduct", "ComputeSystem"), "chip product")
    count = ctx.read("chipCount", cells.whole_number)
    if chips or count:
        allocation = Node(project.iri + "-chips", ctx.number)
        allocation.add("a", ox.NamedNode(S("ChipAllocation")))
        allocation.add(RDFS_LABEL, lit(f"{name}: {count or ''} {ctx.cell('chips')}".replace("  ", " "), "en"))
        for chip in chips[:1]:
            allocation.add(S("chip"), ox.NamedNode(chip))
        if count:
            allocation.add(S("quantity"), integer(int(count)))  # type: ignore[arg-type]
        else:
            ctx.problems.append(("chipCount", "a chip allocation needs its count"))
        if "~" in ctx.cell("chipCount") or "about" in nature.lower():
            allocation.add(S("isApproximate"), true())
        project.add(S("hasChipAllocation"), ox.NamedNode(allocation.iri))
        nodes.append(allocation)
    partners = ctx.cell("partners")
    if partners:
        project.add(S("partnersText"), lit(partners))
        if "to be determined" in partners.lower():
            project.add(S("undeterminedAspect"), ox.NamedNode(S("DevelopmentLayer")))
    for partner in ctx.finds("partnerNames", ("Actor",), "partner"):
        project.add(S("hasPartner"), ox.NamedNode(partner))
    for partner in ctx.finds("possiblePartners", ("Actor",), "possible partner"):
        project.add(S("hasPossiblePartner"), ox.NamedNode(partner))
    status_text = ctx.cell("status")
    if status_text:
        status = _status_node(ctx, project, "status", status_text)
        nodes += [status] if status else []
    return nodes


def _actors(ctx: RowContext) -> list[Node]:
    kind = _kind(ctx, ACTOR_KINDS)
    if kind is None:
        return []
    actor = _entity(ctx, ctx.cell("name"), kind)
    country = ctx.find("country", ("Jurisdiction",), "state or union")
    if country:
        actor.add(S("headquarteredIn"), ox.NamedNode(country))
        if kind in PUBLIC_BODIES:
            actor.add(S("isPartOfGovernmentOf"), ox.NamedNode(country))
    owner = ctx.find("owner", ("Organization",), "organization") if ctx.cell("owner") else None
    if owner:
        actor.add(S("subsidiaryOf"), ox.NamedNode(owner))
    return [actor]


def _funding(ctx: RowContext) -> list[Node]:
    project = ctx.find("project", ("SovereignAIProject", "Asset", "Organization"), "project")
    funder = ctx.find("funder", ("Actor",), "funder")
    if not project or not funder:
        return []
    share = Node(f"{project}-share-{funder[len(ID_IRI):]}", ctx.number)
    share.add("a", ox.NamedNode(S("FundingShare")))
    share.add(RDFS_LABEL, lit(f"{ctx.cell('project')}: funding from {ctx.cell('funder')}", "en"))
    share.add(S("funder"), ox.NamedNode(funder))
    fraction = ctx.read("share", _fraction)
    if fraction is not None:
        share.add(S("shareFraction"), dec(fraction))
    amount = ctx.read("amount", cells.amount)
    if isinstance(amount, cells.Amount):
        _amount_statements(share, amount, ctx.cell("amount"))
    if fraction is None and amount is None:
        ctx.problems.append(("share", "a funding row gives a share (such as 15%) or an amount"))
    owner = Node(project, ctx.number)
    owner.add(S("hasFundingShare"), ox.NamedNode(share.iri))
    return [share, owner]


def _fraction(text: str) -> str:
    cleaned = text.strip().rstrip("%").strip()
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise CellError(f"a share is a percentage such as 15% or a fraction such as 0.15, not {text!r}")
    value = float(cleaned) / (100 if text.strip().endswith("%") or float(cleaned) > 1 else 1)
    if not 0 <= value <= 1:
        raise CellError(f"a share lies between 0% and 100%, not {text!r}")
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _policies(ctx: RowContext) -> list[Node]:
    kind = _kind(ctx, POLICY_KINDS)
    if kind is None:
        return []
    policy = _entity(ctx, ctx.cell("name"), kind)
    issuer = ctx.find("issuer", ("Actor",), "issuer") if ctx.cell("issuer") else None
    if issuer:
        policy.add(S("issuedBy"), ox.NamedNode(issuer))
    for target in ctx.finds("appliesTo", ("Jurisdiction",), "state or union"):
        policy.add(S("appliesTo"), ox.NamedNode(target))
    nodes = [policy]
    if ctx.cell("status"):
        status = _status_node(ctx, policy, "status", ctx.cell("status"))
        nodes += [status] if status else []
    return nodes


BUILDERS: dict[str, Callable[[RowContext], list[Node]]] = {
    "models": _models, "compute": _compute, "actors": _actors, "funding": _funding, "policies": _policies}
# Which column a property's value came from, to trace a violation back to its cell.
COLUMN_OF = {S("quantity"): "chipCount", S("chip"): "chips", S("amount"): "budget", S("currency"): "budget",
             S("isSovereignEffortOf"): "country", S("headquarteredIn"): "country", S("openness"): "openness",
             S("status"): "status", S("date"): "status", S("hasPartner"): "partnerNames",
             S("basedOn"): "baseModels", S("trainedOn"): "trainedOn", S("coversLanguage"): "languages",
             S("quote"): "quote", S("source"): "source", S("shareFraction"): "share", S("funder"): "funder"}


@dataclass
class ImportResult:
    path: Path
    rows: int
    entities: int
    changed: bool


def import_file(project: Project, path: Path, kind: str | None = None) -> ImportResult:
    """Import one spreadsheet into ``kg/imported/<name>.ttl``; validate before keeping it.

    Raises:
        ImportFailed: rows that cannot be read or matched (FILE:ROW:COLUMN); nothing written.
        ValidationFailed: the imported facts break a shape; the report locates rows; nothing kept.
    """
    rows = read_rows(path)
    if not rows:
        raise InputError(f"{path}: the sheet has no rows under its header")
    kind = kind or detect_kind(rows[0].keys())
    if kind not in KINDS:
        raise InputError(f"unknown sheet kind {kind!r}: choose one of {', '.join(KINDS)}")
    missing = [c for c in REQUIRED[kind] if c not in rows[0]]
    if missing:
        raise ImportFailed([RowProblem(path.name, 1, c, f"the {kind} template needs a {c!r} column") for c in missing])
    graphs = load_graphs(project)
    resolver = Resolver(graphs)
    target = project.kg / "imported" / f"{path.stem}.ttl"
    own = _iris_in(target)
    problems: list[RowProblem] = []
    blocks: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        row_problems: list[tuple[str, str]] = []
        ctx = RowContext(number, row, resolver, row_problems)
        for column in ("source", "quote"):
            if not ctx.cell(column):
                row_problems.append((column, f"every row cites its {column}: this cell is empty"))
        source = ctx.find("source", ("SourceDocument",), "source document") if ctx.cell("source") else None
        nodes = BUILDERS[kind](ctx)
        for position, node in enumerate(nodes):
            is_new = any(p == "a" for p, _ in node.statements)
            if position == 0 and resolver.exists(node.iri) and node.iri not in own:
                row_problems.append((REQUIRED[kind][1] if kind == "models" else "name",
                                     f":{node.iri[len(ID_IRI):]} is already described elsewhere in kg/; "
                                     "edit it there instead of importing it"))
            if is_new and node.iri in seen:
                row_problems.append(("name", f"row {seen[node.iri]} already describes :{node.iri[len(ID_IRI):]}"))
            seen.setdefault(node.iri, number)
            if source and is_new:
                node.evidence = (source, ctx.cell("quote"), f"{path.name} row {number}")
        problems += [RowProblem(path.name, number, column, message) for column, message in row_problems]
        blocks += [node.turtle(path.name) for node in nodes]
    if problems:
        raise ImportFailed(problems)
    text = _HEADER.format(name=path.name, kind=kind) + "\n".join(blocks)
    previous = target.read_text(encoding="utf-8") if target.exists() else None
    if previous == text:
        return ImportResult(target, len(rows), len(seen), changed=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    try:
        report = check(project, load_graphs(project))
    except InputError:
        _restore(target, previous)
        raise
    if not report.conforms:
        traced = _traced(report, target, path.name)
        _restore(target, previous)
        raise ValidationFailed(traced, f"the imported rows break {len(report.violations)} rule(s); "
                                       "nothing was imported")
    return ImportResult(target, len(rows), len(seen), changed=True)


_HEADER = """# Imported by `sovkg import {name}` ({kind} sheet). Each block names the row it came from.
# Edit the sheet and import it again (the same sheet gives the same file), or edit this file by hand.
@prefix :    <https://w3id.org/sovkg/id/> .
@prefix sov: <https://w3id.org/sovkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""


def _iris_in(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {q.subject.value for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            if isinstance(q.subject, ox.NamedNode)}


def _restore(target: Path, previous: str | None) -> None:
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        target.write_text(previous, encoding="utf-8")


def _traced(report: Report, target: Path, sheet: str) -> Report:
    """The report with violations in the imported file located at their sheet's row and column."""
    lines = target.read_text(encoding="utf-8").splitlines() if target.exists() else []
    traced = []
    for violation in report.violations:
        location = violation.location
        if location is not None and location.path.resolve() == target.resolve() and lines:
            row = next((int(m.group(1)) for line in reversed(lines[: location.line])
                        if (m := re.match(rf"# {re.escape(sheet)}:(\d+)$", line))), None)
            if row is not None:
                column = COLUMN_OF.get(SOV_IRI + (violation.path or ""), violation.path or "-")
                violation = type(violation)(violation.rule, violation.focus, violation.focus_label, violation.path,
                                            violation.value, f"{sheet}:{row}:{column}: {violation.message}",
                                            violation.location)
        traced.append(violation)
    return Report(traced, report.quotes_checked, report.sources_dir)
