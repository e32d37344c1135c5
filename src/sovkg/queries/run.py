"""Run a stored question or an ad-hoc query on an engine, parameters bound as RDF terms."""

from __future__ import annotations

from pathlib import Path

from sovkg.errors import QueryError
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine, Engine, labels_from
from sovkg.queries.library import Library
from sovkg.queries.lookup import Resolver
from sovkg.queries.params import bind
from sovkg.queries.remote import RemoteEngine
from sovkg.results.table import ResultTable


def engine_for(project: Project, endpoint: str | None = None) -> Engine:
    """The embedded store of the current build, or a remote endpoint if one is given."""
    return RemoteEngine(endpoint) if endpoint else EmbeddedEngine(project.store)


def run_stored(project: Project, name: str, params: dict[str, str] | None = None,
               engine: Engine | None = None) -> ResultTable:
    """Answer a stored question, with labels for its IRIs."""
    query = Library(project.queries).get(name)
    engine = engine or engine_for(project)
    needs_names = any(p.kind in ("entity", "country") for p in query.params)
    bindings = bind(query, params or {}, Resolver.from_engine(engine) if needs_names else None)
    table = engine.select(query.text, bindings, origin=str(query.path))
    table.labels = labels_from(engine, table.iris())
    return table


def run_text(project: Project, text: str, origin: str, engine: Engine | None = None) -> ResultTable:
    """Answer an ad-hoc query, with labels for its IRIs."""
    if not text.strip():
        raise QueryError(f"{origin}: the query is empty")
    engine = engine or engine_for(project)
    table = engine.select(text, None, origin=origin)
    table.labels = labels_from(engine, table.iris())
    return table


def read_query_file(path: str) -> tuple[str, str]:
    """The text of a query file, or of standard input for '-'."""
    import sys

    if path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except OSError as error:
        raise QueryError(f"{path}: cannot read: {error.strerror}") from error
