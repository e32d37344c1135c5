"""Every stored question gives the same answer on the embedded store, on rdflib's in-memory
graph, and on a real Oxigraph server started on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine, RdflibEngine
from sovkg.queries.library import Library
from sovkg.queries.remote import RemoteEngine
from sovkg.queries.run import run_stored
from sovkg.store.oxigraph_server import OxigraphServer

from .conftest import ROOT

QUERY_NAMES = Library(ROOT / "queries").names()
# Every question with its defaults, and some with other parameter values.
CASES = [(name, {}) for name in QUERY_NAMES] + [
    ("dependencies-on-country", {"country": "FR"}),
    ("projects-involving-company", {"company": "Microsoft"}),
    ("ownership-chain", {"actor": "Eviden"}),
]


@pytest.fixture(scope="module")
def rdflib_engine(built: Project) -> RdflibEngine:
    return RdflibEngine.from_file((built.dist / "current" / "combined.nt").resolve())


def _canonical(table: object) -> list[tuple[str, ...]]:
    """Rows as sorted tuples of terms. Numbers compare by value. Texts compare by their words, with
    the parts of a comma-separated list sorted: SPARQL leaves GROUP_CONCAT's order undefined, and
    engines differ on whether its result keeps the language tag its parts share."""
    rows = []
    for row in table.rows:  # type: ignore[attr-defined]
        rows.append(tuple(_term(cell) for cell in row))
    return sorted(rows)


def _term(cell: object) -> str:
    if cell is None:
        return ""
    datatype = getattr(getattr(cell, "datatype", None), "value", "")
    if datatype.endswith(("#decimal", "#double", "#float", "#integer")):
        return repr(round(float(cell.value), 6))  # type: ignore[attr-defined]
    if type(cell).__name__ == "BlankNode":
        return "_:b"
    if type(cell).__name__ == "Literal":
        return ", ".join(sorted(cell.value.split(", ")))  # type: ignore[attr-defined]
    return str(cell)


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}{'-' + '-'.join(p.values()) if p else ''}"
                                                          for n, p in CASES])
def test_same_answer_on_every_engine(name: str, params: dict[str, str], built: Project,
                                     oxigraph_of_built: OxigraphServer, rdflib_engine: RdflibEngine) -> None:
    embedded = run_stored(built, name, params, engine=EmbeddedEngine(built.store))
    on_rdflib = run_stored(built, name, params, engine=rdflib_engine)
    on_server = run_stored(built, name, params, engine=RemoteEngine(oxigraph_of_built.query_url))
    assert embedded.rows, f"{name} answered nothing on the embedded store"
    assert embedded.columns == on_rdflib.columns == on_server.columns
    assert _canonical(embedded) == _canonical(on_rdflib), f"{name}: rdflib differs"
    assert _canonical(embedded) == _canonical(on_server), f"{name}: Oxigraph server differs"
    assert sorted(map(str, embedded.records())) == sorted(map(str, on_server.records()))
    # the owners of the actors named (questions about control) are read from the engine too
    assert embedded.parents == on_rdflib.parents == on_server.parents, f"{name}: owners differ"


def test_server_is_stopped_by_its_process_id(tmp_path: Path) -> None:
    running = OxigraphServer(tmp_path / "db").start()
    process = running.process
    assert process is not None and process.poll() is None
    running.stop()
    assert process.poll() is not None


ASK_STATE = "ASK { ?s a <https://w3id.org/sovkg/ontology#State> }"
ASK_NOTHING = "ASK { <urn:sovkg:nothing> ?p ?o }"


def test_ask_answers_on_every_engine(built: Project, oxigraph_of_built: OxigraphServer,
                                     rdflib_engine: RdflibEngine) -> None:
    """ASK used to fail on the embedded store (pyoxigraph answers a QueryBoolean, not a bool)."""
    engines = {"embedded": EmbeddedEngine(built.current_build()), "rdflib": rdflib_engine,
               "oxigraph server": RemoteEngine(oxigraph_of_built.query_url, graph_prefix=None)}
    for name, engine in engines.items():
        assert [[c.value for c in row] for row in engine.select(ASK_STATE).rows] == [["true"]], name
        assert [[c.value for c in row] for row in engine.select(ASK_NOTHING).rows] == [["false"]], name
