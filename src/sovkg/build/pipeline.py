"""``sovkg build``: parse, reason, validate, write ``dist/``, fill the embedded store.

Nothing is written unless every step succeeds: the build happens in a staging folder that
replaces the current build in one atomic step (see :mod:`sovkg.store.embedded`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sovkg.build.parse import SourceIndex, parse_files
from sovkg.build.progress import Progress
from sovkg.build.reason import materialise
from sovkg.build.validate import Report, validate
from sovkg.errors import ValidationFailed
from sovkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from sovkg.project import Project
from sovkg.store.embedded import publish, staging, write_store


@dataclass
class Graphs:
    """The parsed inputs of a build and what reasoning added."""

    ontology: list[ox.Quad]
    facts: list[ox.Quad]
    inferred: list[ox.Triple]
    index: SourceIndex

    def quads(self) -> list[ox.Quad]:
        inferred = ox.NamedNode(INFERRED_GRAPH)
        return [*self.ontology, *self.facts,
                *(ox.Quad(t.subject, t.predicate, t.object, inferred) for t in self.inferred)]


@dataclass
class BuildResult:
    """What a build produced, with the time each step took (seconds)."""

    folder: Path | None
    report: Report
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)


def load_graphs(project: Project, reasoner: str = "fast", timings: dict[str, float] | None = None,
                progress: Progress | None = None) -> Graphs:
    """Parse the ontology and the facts and materialise the entailments."""
    timings = timings if timings is not None else {}
    progress = progress or Progress(delay=float("inf"))
    start = time.perf_counter()
    index = SourceIndex()
    with progress.step("parse"):
        ontology = parse_files([project.ontology], ox.NamedNode(ONTOLOGY_GRAPH), index)
        facts = parse_files(project.kg_files(), ox.NamedNode(ASSERTED_GRAPH), index)
    timings["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    with progress.step("reason"):
        inferred = materialise(ontology, facts, reasoner)
    timings["reason"] = time.perf_counter() - start
    return Graphs(ontology, facts, inferred, index)


def check(project: Project, graphs: Graphs, timings: dict[str, float] | None = None,
          validator: str = "fast", progress: Progress | None = None) -> Report:
    """Validate parsed graphs against the project's shapes, checks and sources."""
    start = time.perf_counter()
    with (progress or Progress(delay=float("inf"))).step("validate"):
        report = validate(graphs.ontology, graphs.facts, graphs.inferred, graphs.index,
                          project.shape_files(), sorted(project.checks.glob("*.rq")), project.sources,
                          sorted(project.queries.glob("*.rq")), validator)
    if timings is not None:
        timings["validate"] = time.perf_counter() - start
    return report


def _triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def write_outputs(folder: Path, graphs: Graphs) -> dict[str, int]:
    """The graph files of a build: Turtle and N-Triples of each graph, and one TriG of all."""
    asserted = _triples(graphs.facts)
    inferred = list(graphs.inferred)
    combined = [*_triples(graphs.ontology), *asserted, *inferred]
    for name, triples in (("asserted", asserted), ("inferred", inferred), ("combined", combined)):
        ox.serialize(triples, str(folder / f"{name}.ttl"), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        ox.serialize(triples, str(folder / f"{name}.nt"), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(graphs.quads(), str(folder / "sovkg.trig"), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return {"ontology": len(graphs.ontology), "asserted": len(asserted), "inferred": len(inferred),
            "combined": len(combined)}


def build(project: Project, reasoner: str = "fast", validator: str = "fast",
          progress: Progress | None = None) -> BuildResult:
    """Build the project into ``dist/``; the previous build stays current if anything fails.

    Raises:
        InputError: malformed input (nothing is written).
        ValidationFailed: the graph does not conform (nothing is written); carries the report.
    """
    timings: dict[str, float] = {}
    total = time.perf_counter()
    progress = progress or Progress(delay=float("inf"))
    graphs = load_graphs(project, reasoner, timings, progress)
    report = check(project, graphs, timings, validator, progress)
    if not report.conforms:
        raise ValidationFailed(report, f"the graph does not conform: {len(report.violations)} violation(s); "
                                       "nothing was written and the previous build is still current")
    start = time.perf_counter()
    project.dist.mkdir(parents=True, exist_ok=True)
    with staging(project.dist) as folder:
        with progress.step("write"):
            counts = write_outputs(folder, graphs)
        with progress.step("store"):
            write_store(folder, graphs.quads())
        timings["write"] = time.perf_counter() - start
        timings["total"] = time.perf_counter() - total
        manifest = {"reasoner": reasoner, "triples": counts, "quotes_checked": report.quotes_checked,
                    "seconds": {k: round(v, 3) for k, v in timings.items()},
                    "graphs": {"ontology": ONTOLOGY_GRAPH, "asserted": ASSERTED_GRAPH, "inferred": INFERRED_GRAPH}}
        (folder / "build.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        publish(project.dist, folder)
        return BuildResult(folder, report, counts, timings)
