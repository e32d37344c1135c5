"""The dataset as a release: formats, metadata (VoID and DCAT), the site, checksums, changes.

``sovkg release VERSION`` writes ``dist/releases/VERSION/``:

    sovkg.ttl, sovkg.nt, sovkg.jsonld, sovkg.rdf   the combined graph (ontology + asserted + inferred)
    sovkg.trig                                      the three named graphs
    asserted.ttl, asserted.nt, inferred.ttl        the facts as written, and what reasoning added
    ontology.ttl                                   the ontology as written
    queries/<name>.csv                             the answer of every stored question
    void.ttl                                       VoID + DCAT description of the release
    CITATION.cff, CHANGELOG.md                     from the project, when present
    CHANGES.md                                     the facts changed since the previous release
    site/                                          the static site
    SHA256SUMS                                     a checksum of every other file (sha256sum -c)

The folder is written beside its target and renamed into place, so a release is either complete
or absent; an existing version is never overwritten.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sovkg import __version__
from sovkg.errors import InputError
from sovkg.namespaces import GRAPH_IRI, ID_IRI
from sovkg.project import Project

DATASET_IRI = "https://w3id.org/sovkg/dataset"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "the sovkg project"
EXAMPLES = ("Gefion", "SEALION", "Nvidia", "JeanZay")
FORMATS = {  # file -> (rdflib format, media type)
    "sovkg.jsonld": ("json-ld", "application/ld+json"),
    "sovkg.rdf": ("xml", "application/rdf+xml"),
}
MEDIA_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples", ".trig": "application/trig",
               ".jsonld": "application/ld+json", ".rdf": "application/rdf+xml", ".csv": "text/csv"}
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]{0,63}")


@dataclass(frozen=True)
class Release:
    """A written release folder."""

    version: str
    folder: Path
    previous: str | None
    files: int


def void_graph(project: Project, build: Path, version: str = __version__, endpoint: str | None = None,
               files: list[Path] | None = None, base: Path | None = None) -> object:
    """The VoID and DCAT description of a build as an rdflib graph.

    Args:
        endpoint: the SPARQL endpoint serving it, when there is one.
        files: the distribution files to list (with size and media type), relative to ``base``.
    """
    import json

    from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, VOID

    from sovkg.site.model import Graph as Facts

    meta = json.loads((build / "build.json").read_text(encoding="utf-8"))
    facts = Facts.read(build)
    g = Graph()
    sov = Namespace("https://w3id.org/sovkg/ontology#")
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("sov", sov)):
        g.bind(prefix, ns)
    dataset = URIRef(DATASET_IRI)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("sovkg: the open knowledge graph of sovereign AI", lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "Who controls each layer of a nation's AI stack: sovereign AI projects, the actors they depend on "
        "and where those actors are at home, every fact with its source and quote.", lang="en")))
    g.add((dataset, DCTERMS.license, URIRef(LICENCE)))
    g.add((dataset, URIRef(str(DCAT) + "version"), Literal(version)))  # DCAT 3; rdflib knows DCAT 2
    g.add((dataset, DCTERMS.issued, Literal(date.today().isoformat(), datatype=XSD.date)))
    publisher = BNode()
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(PUBLISHER)))
    g.add((dataset, VOID.uriSpace, Literal(ID_IRI)))
    g.add((dataset, VOID.vocabulary, URIRef("https://w3id.org/sovkg/ontology#")))
    g.add((dataset, VOID.triples, Literal(meta["triples"]["combined"], datatype=XSD.integer)))
    g.add((dataset, VOID.entities, Literal(len(facts.entities()), datatype=XSD.integer)))
    if endpoint:
        g.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    for name in ("ontology", "asserted", "inferred"):
        subset = URIRef(GRAPH_IRI + name)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, DCTERMS.title, Literal(f"the {name} graph", lang="en")))
        g.add((subset, VOID.triples, Literal(meta["triples"][name], datatype=XSD.integer)))
    for name in EXAMPLES:
        if ID_IRI + name in facts.asserted:
            g.add((dataset, VOID.exampleResource, URIRef(ID_IRI + name)))
    for iri in facts.entities():
        if facts.is_a(iri, "https://w3id.org/sovkg/ontology#SourceDocument"):
            g.add((dataset, DCTERMS.source, URIRef(iri)))
            title = facts.literal(iri, "http://purl.org/dc/terms/title") or facts.label(iri)
            g.add((URIRef(iri), DCTERMS.title, Literal(title)))
            publisher_name = facts.literal(iri, "http://purl.org/dc/terms/publisher")
            if publisher_name:
                g.add((URIRef(iri), DCTERMS.publisher, Literal(publisher_name)))
    for file in files or []:
        relative = file.relative_to(base) if base else Path(file.name)
        distribution = URIRef(f"{DATASET_IRI}/{version}/{relative.as_posix()}")
        g.add((dataset, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCAT.downloadURL, URIRef(relative.as_posix())))
        g.add((distribution, DCAT.mediaType, Literal(MEDIA_TYPES.get(file.suffix, "application/octet-stream"))))
        g.add((distribution, DCAT.byteSize, Literal(file.stat().st_size, datatype=XSD.nonNegativeInteger)))
        g.add((distribution, DCTERMS.title, Literal(relative.as_posix())))
    return g


def write_formats(build: Path, folder: Path) -> list[Path]:
    """The combined graph as Turtle, N-Triples, JSON-LD and RDF/XML; the named graphs as TriG."""
    from rdflib import Graph

    written = []
    for source, target in (("combined.ttl", "sovkg.ttl"), ("combined.nt", "sovkg.nt"), ("sovkg.trig", "sovkg.trig"),
                           ("asserted.ttl", "asserted.ttl"), ("asserted.nt", "asserted.nt"),
                           ("inferred.ttl", "inferred.ttl")):
        shutil.copyfile(build / source, folder / target)
        written.append(folder / target)
    combined = Graph().parse(build / "combined.nt", format="nt")
    for name, (fmt, _) in FORMATS.items():
        combined.serialize(folder / name, format=fmt, encoding="utf-8")
        written.append(folder / name)
    return written


def write_query_csvs(project: Project, build: Path, folder: Path) -> list[Path]:
    """The answer of every stored question (with its default parameters) as CSV."""
    from sovkg.queries.engines import EmbeddedEngine
    from sovkg.queries.library import Library
    from sovkg.queries.run import run_stored

    engine = EmbeddedEngine(build / "store")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for query in Library(project.queries).all():
        if any(p.default is None for p in query.params):
            continue
        params = {p.name: p.default for p in query.params if p.default is not None}
        table = run_stored(project, query.name, params, engine=engine)
        target = folder / f"{query.name}.csv"
        target.write_text(table.render("csv"), encoding="utf-8")
        written.append(target)
    return written


def previous_release(releases: Path, version: str) -> Path | None:
    """The most recently written release other than ``version``."""
    if not releases.is_dir():
        return None
    found = [p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != version
             and (p / "asserted.nt").is_file()]
    return max(found, key=lambda p: (p / "asserted.nt").stat().st_mtime, default=None)


def change_summary(project: Project, version: str, previous: Path | None, build: Path) -> str:
    """The facts added, removed and changed since the previous release, by entity, in Markdown."""
    from sovkg.reports.diff import diff, load_facts

    if previous is None:
        return f"# Changes in {version}\n\nThe first release: no previous release to compare with.\n"
    changes = diff(load_facts(project, str(previous)), load_facts(project, str(build)))
    lines = [f"# Changes in {version}", "", f"Since {previous.name}: {changes.summary()}.", ""]
    for entity in changes.entities:
        lines.append(f"## {entity.heading()}")
        lines.append("")
        lines.extend(f"- `{change.kind}` {change.text()[2:]}" for change in entity.changes)
        lines.append("")
    return "\n".join(lines)


def checksums(folder: Path) -> str:
    """``sha256sum``-compatible lines for every file under ``folder``."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}")
    return "\n".join(lines) + "\n"


def release(project: Project, version: str, out: Path | None = None) -> Release:
    """Write the release ``version`` of the current build into ``out`` (default dist/releases)."""
    from sovkg.site.pages import current_build, write_site

    if not _VERSION.fullmatch(version):
        raise InputError(f"release version {version!r}: use letters, digits, '.', '+' and '-' (e.g. 0.2.0)")
    build = current_build(project)
    releases = (out or project.dist / "releases").resolve()
    target = releases / version
    if target.exists():
        raise InputError(f"release {version} exists already at {target}: releases are never overwritten")
    releases.mkdir(parents=True, exist_ok=True)
    staging = releases / f".{version}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        files = write_formats(build, staging)
        shutil.copyfile(project.ontology, staging / "ontology.ttl")
        files.append(staging / "ontology.ttl")
        files += write_query_csvs(project, build, staging / "queries")
        for name in ("CITATION.cff", "CHANGELOG.md"):
            if (project.root / name).is_file():
                shutil.copyfile(project.root / name, staging / name)
        previous = previous_release(releases, version)
        (staging / "CHANGES.md").write_text(change_summary(project, version, previous, build), encoding="utf-8")
        write_site(project, staging / "site", build=build)
        void = void_graph(project, build, version=version, files=files, base=staging)
        void.serialize(staging / "void.ttl", format="turtle")  # type: ignore[attr-defined]
        (staging / "SHA256SUMS").write_text(checksums(staging), encoding="utf-8")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    count = sum(1 for p in target.rglob("*") if p.is_file())
    return Release(version, target, previous.name if previous else None, count)
