"""``sovkg site``: a static site of the current build, from Jinja2 templates and the graph.

Layout of the site folder (every link relative, so it works from ``file://`` and under any path):

    index.html                 countries, entry points, search
    matrix.html, market.html, investments.html, sources.html, ontology.html
    country/<CODE>.html        a country with a sovereign project
    id/<Name>.html             one page per entity of https://w3id.org/sovkg/id/
    questions/index.html, questions/<name>.html
    assets/                    style sheet, search script and its index
    void.ttl                   the VoID/DCAT description of the dataset
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sovkg.errors import EndpointError, InputError, SovkgError
from sovkg.namespaces import ID_IRI, RDF_TYPE, RDFS_LABEL, SOV_IRI
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine
from sovkg.queries.library import Library
from sovkg.queries.run import run_stored
from sovkg.results.table import ResultTable
from sovkg.site import pictures
from sovkg.site.model import CATEGORIES, DCTERMS, RDFS, SKOS, Graph, local_name, sov
from sovkg.store.build import Build

ASSETS = Path(__file__).parent / "assets"
TEMPLATES = Path(__file__).parent / "templates"
HIDDEN = {RDF_TYPE, RDFS_LABEL, sov("hasEvidence")}
PICTURED = [sov("SovereignAIProject"), sov("AIModel"), sov("ComputeInfrastructure"), sov("Actor")]


@dataclass(frozen=True)
class SiteReport:
    """What ``sovkg site`` wrote."""

    folder: Path
    pages: int
    bytes: int
    seconds: float


def current_build(project: Project) -> Path:
    build = (project.dist / "current").resolve()
    if not (build / "store").is_dir():
        raise EndpointError("no built store: run 'sovkg build' first")
    return build


def write_site(project: Project, out: Path | None = None, build: Path | None = None) -> SiteReport:
    """Write the site of a build (the current one by default) into ``out`` (default dist/site).

    The site is written beside its target and moved in with one rename, so a reader of ``out``
    sees the previous site or the new one.
    """
    started = time.perf_counter()
    build = build or current_build(project)
    out = (out or project.dist / "site").resolve()
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file, not a folder: choose another --out")
    if out.exists() and not (out / "index.html").is_file() and any(out.iterdir()):
        raise InputError(f"{out} is a non-empty folder that is not a sovkg site: choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        pages = Site(project, build, staging).write()
        old = out.parent / f".{out.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return SiteReport(out, pages, size, time.perf_counter() - started)


def _amount_text(amount: ox.Literal | None, currency: ox.Literal | None) -> str:
    """An amount the source gives without words of its own, as a person reads it."""
    if amount is None:
        return "not stated"
    try:
        number = f"{float(amount.value):,.0f}"
    except ValueError:
        return amount.value
    return f"{number} {currency.value if currency is not None else ''}".strip()


def site_for_serving(project: Project, build: Path) -> Path:
    """The site of ``build`` in dist/site, written first if it is missing or of another build."""
    folder = project.dist / "site"
    marker = folder / "assets" / "build.json"
    try:
        if json.loads(marker.read_text(encoding="utf-8")).get("build") == build.name:
            return folder
    except (OSError, ValueError):
        pass
    return write_site(project, folder, build=build).folder


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


class Site:
    """The data of every page, and the rendering of each through its template."""

    def __init__(self, project: Project, build: Path, out: Path) -> None:
        try:
            import jinja2
        except ImportError as error:
            raise InputError("the site needs Jinja2: pip install 'sovkg[site]'") from error
        self.project, self.build, self.out = project, build, out
        self.graph = Graph.read(build)
        self.engine = EmbeddedEngine(Build(build))  # with the answers the build kept
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(categories=CATEGORIES, colours=pictures.COLOURS)
        self.pages = 0
        self.meta = json.loads((build / "build.json").read_text(encoding="utf-8"))

    # ------------------------------------------------------------------ helpers

    def _render(self, template: str, path: str, **data: Any) -> None:
        depth = path.count("/")
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        html = self.env.get_template(template).render(root="../" * depth, path=path, **data)
        target.write_text(html, encoding="utf-8")
        self.pages += 1

    def href(self, iri: str) -> str | None:
        """The page of an IRI, relative to the site's root, if the site has one."""
        if iri.startswith(ID_IRI) and iri in self.graph.asserted:
            return f"id/{local_name(iri)}.html"
        if iri.startswith(SOV_IRI):
            return f"ontology.html#{local_name(iri)}"
        return None

    def value(self, term: object) -> dict[str, Any]:
        """A term as a page shows it: text, link, and a note on its datatype."""
        if isinstance(term, ox.NamedNode):
            return {"text": self.graph.label(term.value), "href": self.href(term.value), "iri": term.value,
                    "note": ""}
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value.rsplit("#", 1)[-1] if term.datatype else ""
            shown = term.value
            if datatype in ("decimal", "double") and re.fullmatch(r"\d+\.0+", shown):
                shown = f"{int(float(shown)):,}"
            elif datatype == "integer" and shown.isdigit():
                shown = f"{int(shown):,}"
            note = term.language or ("" if datatype in ("string", "langString", "") else datatype)
            return {"text": shown, "href": None, "iri": None, "note": note}
        return {"text": str(term), "href": None, "iri": None, "note": ""}

    def evidence(self, subject: str, predicate: str | None = None) -> list[dict[str, Any]]:
        rows = []
        for item in self.graph.evidence(subject):
            if predicate is not None and not item.covers(predicate):
                continue
            rows.append({
                "source": self.graph.label(item.source) if item.source else "no source",
                "href": self.href(item.source) if item.source else None,
                "locator": item.locator or "not stated", "quote": item.quote,
                "kind": self.graph.label(item.kind) if item.kind else "stated in source",
                "note": item.note,
                "supports": [self.graph.label(p) for p in item.supports]})
        return rows

    def kind(self, iri: str) -> str:
        types = sorted(self.graph.label(t) for t in self.graph.types(iri) if t.startswith(SOV_IRI))
        return ", ".join(types) or "thing"

    def table(self, table: ResultTable) -> dict[str, Any]:
        rows = [[self.value(cell) if cell is not None else {"text": "", "href": None, "iri": None, "note": ""}
                 for cell in row] for row in table.rows]
        return {"columns": table.columns, "rows": rows}

    def path_steps(self, path: list[Any]) -> list[dict[str, Any]]:
        return [{"link": self.graph.label(step.predicate), "link_href": self.href(step.predicate),
                 **self.value(ox.NamedNode(step.object))} for step in path]

    def dependency_rows(self, project: str) -> list[dict[str, Any]]:
        rows = []
        for dep in self.graph.dependencies(project):
            rows.append({
                "layer": self.graph.label(dep.layer) if dep.layer != "not stated" else "not stated",
                "actor": self.value(ox.NamedNode(dep.actor)) if dep.actor else None,
                "home": self.value(ox.NamedNode(dep.home)) if dep.home else None,
                "category": dep.category, "path": self.path_steps(dep.path),
                "project": self.value(ox.NamedNode(project))})
        return rows

    # ------------------------------------------------------------------ the whole site

    def write(self) -> int:
        shutil.copytree(ASSETS, self.out / "assets")
        matrix = run_stored(self.project, "sovereignty-matrix", engine=self.engine)
        self.countries = self._countries(matrix)
        self._entities()
        self._country_pages()
        self._matrix(matrix)
        self._market()
        self._investments()
        self._questions()
        self._sources()
        self._ontology()
        self._index()
        self._search_index()
        (self.out / "assets" / "build.json").write_text(
            json.dumps({"build": self.build.name, **self.meta}, indent=2), encoding="utf-8")
        from sovkg.release import void_graph

        (self.out / "void.ttl").write_text(void_graph(self.project, self.build).serialize(format="turtle"),
                                           encoding="utf-8")
        return self.pages

    def _countries(self, matrix: ResultTable) -> list[dict[str, Any]]:
        by_country: dict[str, dict[str, Any]] = {}
        for row in matrix.rows:
            iri = row[0].value
            entry = by_country.setdefault(iri, {**self.value(row[0]), "code": local_name(iri), "rows": []})
            entry["rows"].append({"layer": row[1].value, "countries": row[2].value, "foreign": row[3].value,
                                  "anchor": slug(row[1].value)})
        for entry in by_country.values():
            entry["href"] = f"country/{entry['code']}.html"
            entry["projects"] = [self.value(ox.NamedNode(s)) for s, p in self.graph.incoming[entry["iri"]]
                                 if p == sov("isSovereignEffortOf")]
            entry["projects"].sort(key=lambda v: v["text"])
        return sorted(by_country.values(), key=lambda c: c["text"])

    def _entities(self) -> None:
        for iri in self.graph.entities():
            self._render("entity.html", f"id/{local_name(iri)}.html", **self.entity(iri))

    def entity(self, iri: str) -> dict[str, Any]:
        graph = self.graph
        statements: dict[str, dict[str, Any]] = {}
        for predicate, value in graph.asserted[iri]:
            if predicate in HIDDEN:
                continue
            entry = statements.setdefault(predicate, {"property": graph.label(predicate),
                                                      "href": self.href(predicate), "values": []})
            shown = self.value(value)
            refs = self.evidence(iri, predicate)
            if isinstance(value, ox.NamedNode) and graph.is_a(value.value, sov("QualifiedFact")):
                refs = refs + self.evidence(value.value)
            entry["values"].append({**shown, "refs": refs})
        inferred: dict[str, dict[str, Any]] = {}
        for predicate, value in graph.inferred.get(iri, []):
            if predicate == RDF_TYPE or (predicate, value) in graph.asserted[iri]:
                continue
            inferred.setdefault(predicate, {"property": graph.label(predicate), "href": self.href(predicate),
                                            "values": []})["values"].append(self.value(value))
        incoming = [{"subject": self.value(ox.NamedNode(s)), "property": graph.label(p), "href": self.href(p)}
                    for s, p in graph.incoming.get(iri, []) if p != sov("source")]
        picture = None
        dependencies: list[dict[str, Any]] = []
        if any(graph.is_a(iri, cls) for cls in PICTURED):
            picture = pictures.dependency_picture(graph, iri)
            if graph.is_a(iri, sov("SovereignAIProject")):
                dependencies = self.dependency_rows(iri)
        chain = []
        if graph.is_a(iri, sov("Actor")):
            chain = [{**self.value(ox.NamedNode(a)),
                      "home": self.value(ox.NamedNode(graph.home(a))) if graph.home(a) else None}
                     for a in graph.ownership_chain(iri)]
        citing = self.citing(iri) if graph.is_a(iri, sov("SourceDocument")) else []
        types = [self.value(ox.NamedNode(t)) for t in sorted(graph.types(iri))]
        return {"title": graph.label(iri), "iri": iri, "name": local_name(iri), "kind": self.kind(iri),
                "types": types, "statements": list(statements.values()), "evidence": self.evidence(iri),
                "inferred": list(inferred.values()), "incoming": incoming, "picture": picture,
                "dependencies": dependencies, "chain": chain if len(chain) > 1 else [], "citing": citing,
                "description": graph.literal(iri, RDFS + "comment")}

    def citing(self, source: str) -> list[dict[str, Any]]:
        """Every fact whose evidence cites a source: the node, what it supports, locator, quote."""
        rows = []
        for subject in self.graph.entities():
            for item in self.graph.evidence(subject):
                if item.source == source:
                    rows.append({"node": self.value(ox.NamedNode(subject)),
                                 "supports": [self.graph.label(p) for p in item.supports] or ["the whole node"],
                                 "locator": item.locator or "not stated", "quote": item.quote,
                                 "kind": self.graph.label(item.kind) if item.kind else "stated in source"})
        return rows

    def _layer_order(self) -> list[str]:
        layers = [iri for iri, pairs in self.graph.ontology.items()
                  if (RDF_TYPE, ox.NamedNode(sov("SovereigntyLayer"))) in pairs]
        return [self.graph.label(iri) for iri in sorted(layers, key=lambda i: self.graph.first(
            i, SKOS + "notation", "ontology") or "")]

    def _country_pages(self) -> None:
        for country in self.countries:
            sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for project in country["projects"]:
                for row in self.dependency_rows(project["iri"]):
                    sections[row["layer"]].append(row)
            order = self._layer_order()
            layers = sorted(sections, key=lambda name: (order.index(name) if name in order else len(order), name))
            self._render("country.html", country["href"], title=country["text"], country=country,
                         sections=[{"layer": name, "anchor": slug(name), "rows": sections[name]} for name in layers])

    def _matrix(self, matrix: ResultTable) -> None:
        cells: dict[tuple[str, str], dict[str, Any]] = {}
        rank = {"us": 0, "foreign": 1, "domestic": 2, "tbd": 3, "unstated": 4}
        for country in self.countries:
            for row in country["rows"]:
                foreign, names = row["foreign"], row["countries"]
                category = {"false": "domestic", "to be determined": "tbd", "not stated": "unstated"}.get(
                    foreign, "us" if "United States" in names.split(", ") else "foreign")
                key = (country["text"], row["layer"])
                cell = cells.setdefault(key, {"country": country["text"], "layer": row["layer"],
                                              "category": category, "texts": [],
                                              "href": f"{country['href']}#{row['anchor']}"})
                if rank[category] < rank[cell["category"]]:
                    cell["category"] = category
                cell["texts"].append(names if foreign != "true" else f"{names}")
        for cell in cells.values():
            cell["text"] = "; ".join(cell.pop("texts"))
            cell["short"] = cell["text"] if len(cell["text"]) <= 14 else cell["text"][:13] + "…"
        order = self._layer_order()
        layers = sorted({c["layer"] for c in cells.values()},
                        key=lambda name: (order.index(name) if name in order else len(order), name))
        names = [c["text"] for c in self.countries]
        svg = pictures.heat_map(list(cells.values()), names, layers)
        grid = [{"country": c, "cells": [cells.get((c["text"], layer)) for layer in layers]} for c in self.countries]
        self._render("matrix.html", "matrix.html", title="The sovereignty matrix", svg=svg, layers=layers, grid=grid)

    def _market(self) -> None:
        shares = []
        for iri in self.graph.entities():
            if self.graph.is_a(iri, sov("MarketShare")):
                vendor = self.graph.first(iri, sov("vendor"))
                fraction = self.graph.first(iri, sov("shareFraction"))
                if vendor and fraction:
                    shares.append({"vendor": self.graph.label(vendor), "share": float(fraction),
                                   "href": f"id/{local_name(iri)}.html",
                                   "fact": self.value(ox.NamedNode(iri)), "refs": self.evidence(iri)})
        concentration = run_stored(self.project, "accelerator-market-concentration", engine=self.engine)
        drawn = [{k: share[k] for k in ("vendor", "share", "href")} for share in shares]
        svg = pictures.market_chart(drawn) if shares else None
        self._render("market.html", "market.html", title="The accelerator market (illustrative)", svg=svg,
                     shares=shares, concentration=self.table(concentration))

    def _investments(self) -> None:
        table = run_stored(self.project, "investments-ranked", engine=self.engine)
        records = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
        drawn, undrawn = [], []
        for record in records:
            amount = record["amount"]
            investment = record["investment"]
            text = self.graph.literal(investment.value, sov("amountText")) if investment else None
            flags = [name for name, column in (("estimate", "estimate"), ("upper bound", "upperBound"),
                                               ("lower bound", "lowerBound"), ("approximate", "approximate"),
                                               ("partial", "partial"))
                     if record[column] is not None and record[column].value == "true"]
            entry = {"project": self.value(record["project"]), "country": self.value(record["country"]),
                     "investment": self.value(investment) if investment else None, "flags": flags,
                     "text": text or _amount_text(amount, record["currency"]),
                     "status": self.value(record["status"]) if record["status"] is not None else None}
            if amount is not None and amount.datatype.value.endswith(("decimal", "double", "integer")):
                value = float(amount.value)
                top = float(record["amountMax"].value) if record["amountMax"] is not None else None
                entry.update(amount=value, amountMax=top)
                drawn.append(entry)
            else:
                undrawn.append(entry)
        rows = [{"name": e["investment"]["text"] if e["investment"] else e["project"]["text"],
                 "amount": e["amount"], "amountMax": e["amountMax"], "top": e["amountMax"] or e["amount"],
                 "firmness": e["flags"][0] if e["flags"] else "stated",
                 "caption": ("range, " if e["amountMax"] else "") + (", ".join(e["flags"]) or "stated"),
                 "text": e["text"], "href": e["investment"]["href"] or e["project"]["href"]} for e in drawn]
        svg = pictures.investment_chart(rows) if rows else None
        self._render("investments.html", "investments.html", title="Investments, ranked", svg=svg,
                     drawn=drawn, undrawn=undrawn)

    def _questions(self) -> None:
        listed = []
        for query in Library(self.project.queries).all():
            params = {p.name: p.default for p in query.params if p.default is not None}
            missing = [p.name for p in query.params if p.default is None]
            answer, error = None, None
            if not missing:
                try:
                    answer = self.table(run_stored(self.project, query.name, params, engine=self.engine))
                except SovkgError as failure:
                    error = str(failure)
            command = " ".join(["sovkg query", query.name, *(f"-p {k}={v}" for k, v in params.items())])
            entry = {"name": query.name, "summary": query.summary, "description": query.description,
                     "params": query.params, "tags": query.tags, "command": command, "sparql": query.text,
                     "answer": answer, "error": error, "missing": missing, "href": f"questions/{query.name}.html"}
            listed.append(entry)
            self._render("question.html", entry["href"], title=query.summary, q=entry)
        self._render("questions.html", "questions/index.html", title="Stored questions", questions=listed)
        self.questions = listed

    def _sources(self) -> None:
        sources = []
        for iri in self.graph.entities():
            if self.graph.is_a(iri, sov("SourceDocument")):
                sources.append({**self.value(ox.NamedNode(iri)), "name": local_name(iri),
                                "title": self.graph.literal(iri, DCTERMS + "title"),
                                "publisher": self.graph.literal(iri, DCTERMS + "publisher"),
                                "date": self.graph.literal(iri, DCTERMS + "date"),
                                "kind": self.graph.literal(iri, sov("documentKind")),
                                "comment": self.graph.literal(iri, RDFS + "comment"),
                                "facts": self.citing(iri)})
        self._render("sources.html", "sources.html", title="Sources", sources=sources)

    def _ontology(self) -> None:
        from sovkg.site.ontology_doc import ontology_terms

        self._render("ontology.html", "ontology.html", title="The sovkg ontology", **ontology_terms(self))

    def _index(self) -> None:
        self._render("index.html", "index.html", title="sovkg: the open knowledge graph of sovereign AI",
                     countries=self.countries, meta=self.meta, questions=self.questions)

    def _search_index(self) -> None:
        entries = [{"n": self.graph.label(iri), "a": local_name(iri), "k": self.kind(iri),
                    "u": f"id/{local_name(iri)}.html"} for iri in self.graph.entities()]
        entries += [{"n": c["text"], "a": c["code"], "k": "country page", "u": c["href"]} for c in self.countries]
        entries += [{"n": q["summary"], "a": q["name"], "k": "stored question", "u": q["href"]}
                    for q in self.questions]
        # A script that assigns the index, not a JSON file: browsers refuse to fetch files from file://.
        text = "window.SOVKG_INDEX = " + json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + ";\n"
        (self.out / "assets" / "search-index.js").write_text(text, encoding="utf-8")


__all__ = ["SiteReport", "site_for_serving", "write_site"]
