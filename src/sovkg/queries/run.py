"""Run a stored question or an ad-hoc query on an engine, parameters bound as RDF terms."""

from __future__ import annotations

from pathlib import Path

from sovkg.errors import QueryError
from sovkg.namespaces import GRAPH_IRI
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine, Engine, labels_from
from sovkg.queries.form import SERVICE_REFUSED, query_form, uses_service
from sovkg.queries.library import Library
from sovkg.queries.params import bind
from sovkg.queries.remote import RemoteEngine
from sovkg.results.table import ResultTable
from sovkg.store.endpoint import Endpoint


def engine_for(project: Project, endpoint: str | Endpoint | None = None, allow_service: bool = False,
               graph_prefix: str = GRAPH_IRI) -> Engine:
    """The embedded store of the current build, or a remote endpoint if one is given (its graphs
    named under ``graph_prefix``, as ``sovkg load`` names them)."""
    if endpoint is not None:
        return RemoteEngine(endpoint, allow_service=allow_service, graph_prefix=graph_prefix)
    return EmbeddedEngine(project.current_build())


def run_stored(project: Project, name: str, params: dict[str, str] | None = None,
               engine: Engine | None = None) -> ResultTable:
    """Answer a stored question, with labels for its IRIs."""
    query = Library(project.queries).get(name)
    bindings = bind(query, params or {})
    engine = engine or engine_for(project)
    table = engine.select(query.text, bindings, origin=str(query.path))
    table.labels = labels_from(engine, table.iris())
    return table


def run_text(project: Project, text: str, origin: str, engine: Engine | None = None,
             allow_service: bool = False) -> ResultTable:
    """Answer an ad-hoc query, with labels for its IRIs. A query that uses SERVICE (federation) is
    refused unless ``allow_service``: it would make this process call any server the text names.

    Raises:
        QueryError: empty, malformed, an update, or SERVICE not allowed (exit 2).
    """
    if not text.strip():
        raise QueryError(f"{origin}: the query is empty")
    query_form(text, origin)
    if not allow_service and uses_service(text, origin):
        raise QueryError(f"{origin}: {SERVICE_REFUSED}")
    engine = engine or engine_for(project)
    table = engine.select(text, None, origin=origin)
    table.labels = labels_from(engine, table.iris())
    return table


def read_query_file(path: str) -> tuple[str, str]:
    """The text of a query file, or of standard input for '-'."""
    import sys

    try:
        if path == "-":
            return sys.stdin.buffer.read().decode("utf-8"), "<stdin>"
        file = Path(path)
        if file.exists() and not file.is_file():
            raise QueryError(f"{path}: not a regular file")
        return file.read_bytes().decode("utf-8"), path
    except UnicodeDecodeError as error:
        raise QueryError(f"{path}: not UTF-8 text (byte {error.start}: {error.reason})") from None
    except OSError as error:
        raise QueryError(f"{path}: cannot read: {error.strerror}") from None
