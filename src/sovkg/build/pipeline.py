"""``sovkg build``: parse, reason, validate, write ``dist/``, fill the embedded store.

Nothing is written unless every step succeeds: the build is written, under the project's build
lock, into a staging folder that replaces the current build in one atomic step
(see :mod:`sovkg.store.build`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
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
from sovkg.store.build import Build, write_failed
from sovkg.store.embedded import write_store


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


def write_outputs(build: Build, graphs: Graphs) -> dict[str, int]:
    """The graph files of a build: Turtle and N-Triples of each graph, and one TriG of all."""
    asserted = _triples(graphs.facts)
    inferred = list(graphs.inferred)
    combined = [*_triples(graphs.ontology), *asserted, *inferred]
    target = build.folder
    try:
        for name, triples in (("asserted", asserted), ("inferred", inferred), ("combined", combined)):
            target = build.graph_file(name, "ttl")
            ox.serialize(triples, str(target), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            target = build.graph_file(name, "nt")
            ox.serialize(triples, str(target), format=ox.RdfFormat.N_TRIPLES)
        target = build.trig
        ox.serialize(graphs.quads(), str(target), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    except OSError as error:
        raise write_failed(target, error) from None
    return {"ontology": len(graphs.ontology), "asserted": len(asserted), "inferred": len(inferred),
            "combined": len(combined)}


def build(project: Project, reasoner: str = "fast", lock_timeout: float | None = None,
          on_wait: Callable[[str], None] | None = None, validator: str = "fast",
          progress: Progress | None = None) -> BuildResult:
    """Build the project into ``dist/``; the previous build stays current if anything fails.

    Parsing, reasoning and validation run without the lock; writing and publishing take it, so
    builds started together publish one after the other (``on_wait`` hears that one waits).

    Raises:
        InputError: malformed input (nothing is written).
        ValidationFailed: the graph does not conform (nothing is written); carries the report.
        OutputError: a file could not be written, or the lock not had within ``lock_timeout``.
    """
    timings: dict[str, float] = {}
    total = time.perf_counter()
    progress = progress or Progress(delay=float("inf"))
    graphs = load_graphs(project, reasoner, timings, progress)
    report = check(project, graphs, timings, validator, progress)
    if not report.conforms:
        raise ValidationFailed(report, f"the graph does not conform: {len(report.violations)} violation(s); "
                                       "nothing was written and the previous build is still current")
    with project.outputs.stage(lock_timeout, on_wait) as staging:
        start = time.perf_counter()
        with progress.step("write"):
            counts = write_outputs(staging.build, graphs)
        with progress.step("store"):
            write_store(staging.build.store, graphs.quads())
        timings["write"] = time.perf_counter() - start
        timings["total"] = time.perf_counter() - total
        manifest = {"reasoner": reasoner, "triples": counts, "quotes_checked": report.quotes_checked,
                    "seconds": {k: round(v, 3) for k, v in timings.items()},
                    "graphs": {"ontology": ONTOLOGY_GRAPH, "asserted": ASSERTED_GRAPH, "inferred": INFERRED_GRAPH}}
        published = staging.publish(manifest)
        return BuildResult(published.folder, report, counts, timings)
