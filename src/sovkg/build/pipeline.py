"""``sovkg build``: parse, reason, validate, write ``dist/``, fill the embedded store.

Nothing is written unless every step succeeds: the build is written, under the project's build
lock, into a staging folder that replaces the current build in one atomic step
(see :mod:`sovkg.store.build`).
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from sovkg.build.parse import SourceIndex, parse_files
from sovkg.build.progress import Progress
from sovkg.build.reason import materialise_in_store
from sovkg.build.validate import Report, validate
from sovkg.errors import ValidationFailed
from sovkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from sovkg.project import Project
from sovkg.store.build import Build, write_failed
from sovkg.store.embedded import StoreLoad


class Graphs:
    """The parsed inputs of a build and what reasoning added.

    All of it lives in one pyoxigraph store, the ontology, asserted and inferred triples each in
    their graph: reasoning, validation and the written files read it there, so a large graph is
    held once, in the store's compact form. The ontology and the facts are also kept as parsed
    quads, in the order of their files, for the checks written in Python.
    """

    def __init__(self, ontology: list[ox.Quad], facts: list[ox.Quad], inferred: list[ox.Triple] | None,
                 index: SourceIndex, store: ox.Store | None = None) -> None:
        self.ontology = ontology
        self.facts = facts
        self.index = index
        self._inferred = inferred
        self._store = store
        self._released = False

    @property
    def store(self) -> ox.Store:
        """The store of all three graphs (filled from the lists if the graphs were given as lists)."""
        if self._released:
            raise RuntimeError("the graphs' store was released")
        if self._store is None:
            self._store = ox.Store()
            self._store.extend(self.ontology)
            self._store.extend(self.facts)
            graph = ox.NamedNode(INFERRED_GRAPH)
            self._store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in self._inferred or ())
        return self._store

    def release(self) -> None:
        """Let the store and the parsed quads go (a build does, once every file is written from
        them, before the embedded store is loaded); they are gone for good."""
        self._store = None
        self._released = True
        self.ontology, self.facts = [], []

    @property
    def inferred(self) -> list[ox.Triple]:
        """The inferred triples (made from the store on each call if the graphs live in a store)."""
        if self._inferred is not None:
            return self._inferred
        return [q.triple for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH))]

    def count(self, graph: str) -> int:
        """The number of triples in one of the graphs, counted inside the store."""
        rows = self.store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(next(iter(rows))[0].value)


@dataclass
class BuildResult:
    """What a build produced, with the time each step took (seconds)."""

    folder: Path | None
    report: Report
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)


def load_graphs(project: Project, reasoner: str = "fast", timings: dict[str, float] | None = None,
                progress: Progress | None = None, dependency_records: bool = True) -> Graphs:
    """Parse the ontology and the facts and materialise the entailments (without the qualified
    dependency records if not ``dependency_records``: see :func:`materialise_in_store`)."""
    graphs = parse_graphs(project, timings, progress)
    reason_graphs(graphs, reasoner, timings, progress, dependency_records)
    return graphs


def parse_graphs(project: Project, timings: dict[str, float] | None = None,
                 progress: Progress | None = None, located: bool = True) -> Graphs:
    """Parse the ontology and the facts into graphs with nothing inferred yet; with their terms'
    locations in ``graphs.index`` unless not ``located`` (then the caller indexes the files, in
    the same order: the ontology, then ``project.kg_files()``)."""
    timings = timings if timings is not None else {}
    progress = progress or Progress(delay=float("inf"))
    start = time.perf_counter()
    index = SourceIndex()
    ontology_graph, asserted_graph = ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(ASSERTED_GRAPH)
    with progress.step("parse"):
        ontology = parse_files([project.ontology], ontology_graph, index if located else None)
        facts = parse_files(project.kg_files(), asserted_graph, index if located else None)
        store = ox.Store()
        store.extend(ontology)
        store.extend(facts)
    timings["parse"] = time.perf_counter() - start
    return Graphs(ontology, facts, None, index, store)


def reason_graphs(graphs: Graphs, reasoner: str = "fast", timings: dict[str, float] | None = None,
                  progress: Progress | None = None, dependency_records: bool = True) -> None:
    """Materialise the entailments of parsed graphs into their inferred graph."""
    timings = timings if timings is not None else {}
    progress = progress or Progress(delay=float("inf"))
    start = time.perf_counter()
    with progress.step("reason"):
        materialise_in_store(graphs.store, graphs.ontology, graphs.facts,
                             [ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(ASSERTED_GRAPH)],
                             ox.NamedNode(INFERRED_GRAPH), reasoner, dependency_records)
    timings["reason"] = time.perf_counter() - start


def check(project: Project, graphs: Graphs, timings: dict[str, float] | None = None,
          validator: str = "fast", progress: Progress | None = None) -> Report:
    """Validate parsed graphs against the project's shapes, checks and sources."""
    start = time.perf_counter()
    with (progress or Progress(delay=float("inf"))).step("validate"):
        report = validate(graphs.ontology, graphs.facts, None, graphs.index,
                          project.shape_files(), sorted(project.checks.glob("*.rq")), project.sources,
                          sorted(project.queries.glob("*.rq")), validator, graphs.store)
    if timings is not None:
        timings["validate"] = time.perf_counter() - start
    return report


def _triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    return (q.triple for q in quads)


def _append(target: BinaryIO, part: Path) -> None:
    """Copy a Turtle or N-Triples file to the end of ``target``, less its prefix declarations
    (the file it is appended to declares the same ones at its top)."""
    with part.open("rb") as source:
        line = source.readline()
        while line.startswith(b"@prefix "):
            line = source.readline()
        target.write(line)
        shutil.copyfileobj(source, target, 1 << 20)


def write_outputs(build: Build, graphs: Graphs,
                  on_dataset: Callable[[Path], None] | None = None) -> dict[str, int]:
    """The graph files of a build: Turtle and N-Triples of each graph, and one TriG of all.

    The ontology and the asserted facts are written from the parsed quads (a store would write
    literals in canonical form, ``1.0`` as ``1``), the inferred graph by the store itself. The
    combined files and the TriG are those parts one after the other, which both formats allow.
    ``on_dataset`` hears of the TriG once every file is written: ``graphs`` is not read after.
    """
    inferred = ox.NamedNode(INFERRED_GRAPH)
    turtle, ntriples = ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES
    target = build.folder
    try:
        target = build.graph_file("inferred", "ttl")
        graphs.store.dump(target, turtle, from_graph=inferred, prefixes=PREFIXES)
        target = build.graph_file("inferred", "nt")
        graphs.store.dump(target, ntriples, from_graph=inferred)
        counts = {"ontology": len(graphs.ontology), "asserted": len(graphs.facts),
                  "inferred": graphs.count(INFERRED_GRAPH)}
        target = build.trig
        with target.open("wb") as trig:
            ox.serialize(itertools.chain(graphs.ontology, graphs.facts), trig, format=ox.RdfFormat.TRIG,
                         prefixes=PREFIXES)
            # Turtle statements are what a TriG graph block holds.
            trig.write(f"<{INFERRED_GRAPH}> {{\n".encode())
            _append(trig, build.graph_file("inferred", "ttl"))
            trig.write(b"}\n")
        target = build.graph_file("asserted", "ttl")
        ox.serialize(_triples(graphs.facts), target, format=turtle, prefixes=PREFIXES)
        target = build.graph_file("asserted", "nt")
        ox.serialize(_triples(graphs.facts), target, format=ntriples)
        for suffix, format in (("ttl", turtle), ("nt", ntriples)):
            target = build.graph_file("combined", suffix)
            with target.open("wb") as combined:
                ox.serialize(_triples(graphs.ontology), combined, format=format, prefixes=PREFIXES)
                _append(combined, build.graph_file("asserted", suffix))
                _append(combined, build.graph_file("inferred", suffix))
        if on_dataset is not None:
            on_dataset(build.trig)
    except OSError as error:
        raise write_failed(target, error) from None
    return {**counts, "combined": sum(counts.values())}


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
    graphs.index = SourceIndex()  # only reports needed where terms are written: let it go before writing
    with project.outputs.stage(lock_timeout, on_wait) as staging:
        start = time.perf_counter()
        loading: list[StoreLoad] = []

        def load_store(dataset: Path) -> None:
            # Everything is written out: the graphs leave their memory to the embedded store's loading.
            graphs.release()
            loading.append(StoreLoad(staging.build.store, dataset))

        try:
            with progress.step("write"):
                counts = write_outputs(staging.build, graphs, load_store)
            with progress.step("store"):
                loading[0].wait()
        finally:
            for load in loading:  # never leave a thread writing into a folder being removed
                with contextlib.suppress(Exception):
                    load.wait()
        timings["write"] = time.perf_counter() - start
        timings["total"] = time.perf_counter() - total
        manifest = {"reasoner": reasoner, "triples": counts, "quotes_checked": report.quotes_checked,
                    "seconds": {k: round(v, 3) for k, v in timings.items()},
                    "graphs": {"ontology": ONTOLOGY_GRAPH, "asserted": ASSERTED_GRAPH, "inferred": INFERRED_GRAPH}}
        published = staging.publish(manifest)
        return BuildResult(published.folder, report, counts, timings)
