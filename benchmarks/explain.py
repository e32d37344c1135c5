"""Benchmark: `sovkg explain` path search and entity lookup, on the seed graph and on a graph grown
to about 100,000 triples.

The grown graph repeats the seed's projects, models, machines and facts under new IRIs (copy N of
:GPTNL is :GPTNL-cN) while the actors, chips and states stay shared, so that Nvidia, AWS and the
United States gain thousands of incoming links, as they would in a larger graph. The asserted and
inferred graphs are copied as they are, so no reasoning is needed. Prints the median time of an
explanation (shortest paths per first link, and every path), of building the name index, and of
one lookup.

    python benchmarks/explain.py [--triples 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pyoxigraph as ox
from _common import copy_project

from sovkg.build.pipeline import build
from sovkg.explain import Graph, explain
from sovkg.namespaces import ASSERTED_GRAPH, ID_IRI, INFERRED_GRAPH, SOV_IRI
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine
from sovkg.queries.lookup import Resolver

SHARED_TYPES = {SOV_IRI + t for t in ("Actor", "ChipProduct", "Jurisdiction", "SourceDocument", "Place",
                                      "ComputeSystemProduct", "NetworkingProduct", "AIModel")}


def grown(seed: ox.Store, target: int) -> ox.Store:
    """The seed store with its non-shared entities copied until it holds ``target`` triples."""
    shared = {q.subject.value for q in seed.quads_for_pattern(None, ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None) if q.object.value in SHARED_TYPES}
    # sovereign models are AI models too, but they are what is copied
    shared -= {q.subject.value for q in seed.quads_for_pattern(None, ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(SOV_IRI + "SovereignAIProject"))}
    facts = [q for g in (ASSERTED_GRAPH, INFERRED_GRAPH)
             for q in seed.quads_for_pattern(None, None, None, ox.NamedNode(g))]
    store = ox.Store()
    store.bulk_extend(list(seed))
    copy = 0

    def renamed(term: object, n: int) -> object:
        if isinstance(term, ox.NamedNode) and term.value.startswith(ID_IRI) and term.value not in shared:
            return ox.NamedNode(f"{term.value}-c{n}")
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}c{n}")
        return term

    while len(store) < target:
        copy += 1
        store.bulk_extend([ox.Quad(renamed(q.subject, copy), q.predicate, renamed(q.object, copy), q.graph_name)
                           for q in facts])
    return store


def median_time(action: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(name: str, store: ox.Store, runs: int) -> None:
    graph_start = time.perf_counter()
    graph = Graph(store)
    graph_seconds = time.perf_counter() - graph_start
    gpt = ID_IRI + "GPTNL"
    us = ID_IRI + "US"
    shortest = median_time(lambda: explain(store, gpt, us, graph=Graph(store)), runs)
    every = median_time(lambda: explain(store, ID_IRI + "SEALION", us, all_paths=True, graph=Graph(store)), runs)
    engine = EmbeddedEngine(store)
    index = median_time(lambda: Resolver.from_engine(engine).names, runs)
    resolver = Resolver.from_engine(engine)
    lookup = median_time(lambda: resolver.entity("hugging face"), runs)
    code = median_time(lambda: Resolver.from_engine(engine).country_code("fr"), runs)
    paths = len(explain(store, ID_IRI + "SEALION", us, all_paths=True, graph=graph).paths)
    print(f"{name}: {len(store)} triples (ontology read in {graph_seconds:.3f} s)")
    rows = [("explain GPT-NL --on US (shortest per first link)", shortest),
            (f"explain SEA-LION --on US --all ({paths} paths)", every),
            ("name index (one SELECT over labels, aliases, codes)", index),
            ("one lookup ('hugging face'), index read", lookup),
            ("a country code ('fr'), without the index", code)]
    for label, seconds in rows:
        print(f"  {label:52s} median {seconds * 1000:9.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project")
        project = Project(root, root / "dist")
        build(project)
        seed = ox.Store.read_only(str(project.store))
        measure("seed graph", seed, args.runs)
        measure("grown graph", grown(seed, args.triples), args.runs)


if __name__ == "__main__":
    main()
