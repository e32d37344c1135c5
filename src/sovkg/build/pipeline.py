"""``sovkg build``: parse, reason, validate, write ``dist/``, fill the embedded store.

Nothing is published unless every step succeeds: the build is written into a staging folder of
its own, which replaces the current build in one atomic step under the project's build lock
(see :mod:`sovkg.store.build`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sovkg.build.answers import keep_answers
from sovkg.build.parse import SourceIndex, parse_files
from sovkg.build.reason import materialise_in_store
from sovkg.build.support import SupportProblem, SupportSummary, check_support
from sovkg.build.validate import Report, check_parsed, validate
from sovkg.children import in_child
from sovkg.errors import ValidationFailed
from sovkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from sovkg.progress import Progress
from sovkg.project import Project
from sovkg.store.build import Build, write_failed
from sovkg.store.embedded import ONTOLOGY_PART, BuildWriter


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


def parse_graphs(project: Project, timings: dict[str, float] | None = None,
                 progress: Progress | None = None, located: bool = True) -> Graphs:
    """Parse the ontology and the facts into a store (nothing inferred yet); with the files' texts
    in ``graphs.index`` unless not ``located`` (then the caller adds them, in the same order: the
    ontology, then ``project.kg_files()``)."""
    timings = timings if timings is not None else {}
    start = time.perf_counter()
    index = SourceIndex()
    with (progress or Progress(delay=float("inf"))).step("parse"):
        ontology = parse_files([project.ontology], ox.NamedNode(ONTOLOGY_GRAPH), index if located else None)
        facts = parse_files(project.kg_files(), ox.NamedNode(ASSERTED_GRAPH), index if located else None)
        store = ox.Store()
        store.extend(ontology)
        store.extend(facts)
    timings["parse"] = time.perf_counter() - start
    return Graphs(ontology, facts, None, index, store)


def reason_graphs(graphs: Graphs, reasoner: str = "fast", timings: dict[str, float] | None = None,
                  progress: Progress | None = None, dependency_records: bool = True) -> None:
    """Materialise the entailments of parsed graphs into their inferred graph (without the
    qualified dependency records if not ``dependency_records``: see :func:`materialise_in_store`)."""
    timings = timings if timings is not None else {}
    start = time.perf_counter()
    with (progress or Progress(delay=float("inf"))).step("reason"):
        materialise_in_store(graphs.store, graphs.ontology, graphs.facts,
                             [ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(ASSERTED_GRAPH)],
                             ox.NamedNode(INFERRED_GRAPH), reasoner, dependency_records)
    timings["reason"] = time.perf_counter() - start


def load_graphs(project: Project, reasoner: str = "fast", timings: dict[str, float] | None = None,
                progress: Progress | None = None, dependency_records: bool = True) -> Graphs:
    """Parse the ontology and the facts and materialise the entailments."""
    graphs = parse_graphs(project, timings, progress)
    reason_graphs(graphs, reasoner, timings, progress, dependency_records)
    return graphs


def check(project: Project, graphs: Graphs, timings: dict[str, float] | None = None,
          validator: str = "fast", progress: Progress | None = None,
          support: Callable[[], tuple[SupportSummary, list[SupportProblem]]] | None = None) -> Report:
    """Validate parsed graphs against the project's shapes, checks and sources; ``support``, if
    given, gives what the support rules found on the same graphs (worked out meanwhile)."""
    start = time.perf_counter()
    shape_files, check_files = project.shape_files(), sorted(project.checks.glob("*.rq"))
    query_files = sorted(project.queries.glob("*.rq"))
    with (progress or Progress(delay=float("inf"))).step("validate"):
        parsed = check_parsed(graphs.ontology, graphs.facts, graphs.index, [*shape_files, *check_files, *query_files],
                              project.sources, support)
        report = validate(graphs.ontology, graphs.facts, None, graphs.index, shape_files, check_files,
                          project.sources, query_files, validator, graphs.store, parsed)
    if timings is not None:
        timings["validate"] = time.perf_counter() - start
    return report


def write_parsed(build: Build, graphs: Graphs, loadable: Callable[[], None] | None = None) -> None:
    """What is written from the parsed quads (a store would write literals in canonical form,
    ``1.0`` as ``1``): the asserted files, the ontology's part of the combined files, and the start
    of the TriG (the ontology and the facts). The build's writer does the rest. ``loadable`` is
    called once the N-Triples the writer loads the store from are written."""
    turtle, ntriples = ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES
    target = build.trig
    try:
        for suffix, format in (("nt", ntriples), ("ttl", turtle)):
            target = build.graph_file("asserted", suffix)
            ox.serialize(_triples(graphs.facts), target, format=format, prefixes=PREFIXES)
            target = build.folder / f"{ONTOLOGY_PART}.{suffix}"
            ox.serialize(_triples(graphs.ontology), target, format=format, prefixes=PREFIXES)
            if suffix == "nt" and loadable is not None:
                loadable()
        target = build.trig
        ox.serialize(itertools.chain(graphs.ontology, graphs.facts), target, format=ox.RdfFormat.TRIG,
                     prefixes=PREFIXES)
    except OSError as error:
        raise write_failed(target, error) from None


def _triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    return (q.triple for q in quads)


def write_inferred(build: Build, graphs: Graphs, writer: BuildWriter) -> int:
    """The inferred graph as N-Triples and Turtle, dumped by the store that holds it and each handed
    to the writer; the number of inferred triples. Runs beside validation: the dumps let go of the
    interpreter, and validation only reads the store."""
    target = build.graph_file("inferred", "nt")
    inferred = ox.NamedNode(INFERRED_GRAPH)
    try:
        graphs.store.dump(target, ox.RdfFormat.N_TRIPLES, from_graph=inferred)
        writer.inferred()
        target = build.graph_file("inferred", "ttl")
        graphs.store.dump(target, ox.RdfFormat.TURTLE, from_graph=inferred, prefixes=PREFIXES)
        writer.combined()
    except OSError as error:
        raise write_failed(target, error) from None
    return graphs.count(INFERRED_GRAPH)


def build(project: Project, reasoner: str = "fast", lock_timeout: float | None = None,
          on_wait: Callable[[str], None] | None = None, validator: str = "fast",
          progress: Progress | None = None, answers: bool = True) -> BuildResult:
    """Build the project into ``dist/``; the previous build stays current if anything fails.
    Unless not ``answers``, the answers to the stored questions are kept with it
    (:mod:`sovkg.build.answers`).

    The build is written into a staging folder of its own from the moment the input is parsed:
    a writing process (:class:`~sovkg.store.embedded.BuildWriter`) loads the embedded store and
    writes the graph files while this one reasons and validates. Only publishing takes the lock,
    so builds started together publish one after the other (``on_wait`` hears that one waits).

    Raises:
        InputError: malformed input (nothing is written).
        ValidationFailed: the graph does not conform (nothing is written); carries the report.
        OutputError: a file could not be written, or the lock not had within ``lock_timeout``.
    """
    timings: dict[str, float] = {}
    total = time.perf_counter()
    progress = progress or Progress(delay=float("inf"))
    graphs = parse_graphs(project, timings, progress)
    with project.outputs.stage(lock_timeout, on_wait) as staging, \
            BuildWriter(staging.build, (staging.hold_fd,) if staging.hold_fd is not None else ()) as writer:
        start = time.perf_counter()
        write_parsed(staging.build, graphs, writer.facts)
        writing = time.perf_counter() - start
        # The support rules read only the parsed quads: a child works them out while this process
        # reasons (the writer loads the facts meanwhile, which leaves a core idle for part of it).
        support = in_child(check_support, graphs.ontology, graphs.facts, project.sources)
        try:
            reason_graphs(graphs, reasoner, timings, progress)
        except BaseException:  # the result will not be asked for: stop the child
            support.cancel()
            raise
        with ThreadPoolExecutor(1, "write-inferred") as beside:  # waited for on leaving, even on failure
            inferred = beside.submit(write_inferred, staging.build, graphs, writer)
            try:
                report = check(project, graphs, timings, validator, progress, support)
            finally:
                support.cancel()  # nothing left to stop once the result was had
            if not report.conforms:
                raise ValidationFailed(report, f"the graph does not conform: {len(report.violations)} "
                                               "violation(s); nothing was written and the previous build is still "
                                               "current")
            if answers:
                start = time.perf_counter()
                with progress.step("answer"):
                    # On the store reasoning filled, while the writer loads the on-disk one.
                    keep_answers(project, graphs.store, staging.build)
                timings["answer"] = time.perf_counter() - start
            start = time.perf_counter()
            with progress.step("write"):
                counts = {"ontology": len(graphs.ontology), "asserted": len(graphs.facts),
                          "inferred": inferred.result()}
                counts["combined"] = sum(counts.values())
                graphs.release()  # the writer reads the files, not these: let their memory go
                writer.files()
        with progress.step("store"):
            writer.store()
        timings["write"] = writing + time.perf_counter() - start
        timings["total"] = time.perf_counter() - total
        manifest = {"reasoner": reasoner, "triples": counts, "quotes_checked": report.quotes_checked,
                    "seconds": {k: round(v, 3) for k, v in timings.items()},
                    "graphs": {"ontology": ONTOLOGY_GRAPH, "asserted": ASSERTED_GRAPH, "inferred": INFERRED_GRAPH}}
        published = staging.publish(manifest)
        return BuildResult(published.folder, report, counts, timings)
