"""Run a stored question or an ad-hoc query on an engine, parameters bound as RDF terms."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from sovkg.errors import QueryError
from sovkg.namespaces import GRAPH_IRI
from sovkg.project import Project
from sovkg.queries.engines import Bindings, EmbeddedEngine, Engine, labels_from
from sovkg.queries.form import SERVICE_REFUSED, query_form, uses_service
from sovkg.queries.kept import keep_view, kept_file, read_kept_view
from sovkg.queries.library import Library, StoredQuery
from sovkg.queries.params import bind, with_values
from sovkg.results.present import Presentation, View
from sovkg.results.table import ResultTable
from sovkg.store.build import write_failed

if TYPE_CHECKING:
    from sovkg.queries.lookup import Resolver
    from sovkg.store.endpoint import Endpoint  # the HTTP client only for remote questions


def engine_for(project: Project, endpoint: str | Endpoint | None = None, allow_service: bool = False,
               graph_prefix: str = GRAPH_IRI, keep_asked: bool = False) -> Engine:
    """The embedded store of the current build, or a remote endpoint if one is given (its graphs
    named under ``graph_prefix``, as ``sovkg load`` names them). ``keep_asked``: the answers worked
    out on the build are kept with it (see :class:`EmbeddedEngine`)."""
    if endpoint is not None:
        from sovkg.queries.remote import RemoteEngine  # HTTP machinery only for remote questions

        return RemoteEngine(endpoint, allow_service=allow_service, graph_prefix=graph_prefix)
    return EmbeddedEngine(project.current_build(), keep_asked=keep_asked)


def run_stored(project: Project, name: str, params: dict[str, str] | None = None,
               engine: Engine | None = None, resolver: Resolver | None = None) -> ResultTable:
    """Answer a stored question, with labels for its IRIs (names looked up with ``resolver``, by
    default one over ``engine``)."""
    engine = engine or engine_for(project)
    query, bindings = bind_stored(project, name, params, engine, resolver)
    return answer_stored(query, bindings, engine)


def answer_stored(query: StoredQuery, bindings: Bindings, engine: Engine) -> ResultTable:
    """Answer a stored question whose parameters are bound (:func:`bind_stored`), with labels."""
    table = engine.select(query.text, bindings, origin=str(query.path))
    table.labels = labels_from(engine, table.iris())
    table.presentation = query.presentation
    if query.presentation.control:
        table.parents = owners(engine, _actors_in(table, query.presentation.control))
    if query.presentation.matrix.get("codes"):
        table.codes = _resolver(engine).codes_by_label()
    return table


def bind_stored(project: Project, name: str, params: dict[str, str] | None, engine: Engine,
                resolver: Resolver | None = None) -> tuple[StoredQuery, Bindings]:
    """A stored question and its parameters bound as RDF terms (names looked up with ``resolver``,
    by default one over ``engine``)."""
    query = Library(project.queries).get(name)
    needs_names = any(p.kind in ("entity", "country") for p in query.params)
    return query, bind(query, params or {}, (resolver or _resolver(engine)) if needs_names else None)


def kept_view(project: Project, name: str, params: dict[str, str] | None,
              engine: Engine) -> tuple[View, Presentation] | None:
    """The whole answer to a stored question as people read it, as the build kept it with its
    answers (see :func:`run_and_keep`), and how the question shows it; None if it was not kept (a
    parameter of the user's own, an engine other than a build's store, a build without answers)."""
    if not isinstance(engine, EmbeddedEngine) or engine.kept_in is None:
        return None
    query, bindings = bind_stored(project, name, params, engine)
    view = kept_view_of(query, bindings, engine)
    return (view, query.presentation) if view is not None else None


def kept_view_of(query: StoredQuery, bindings: Bindings, engine: Engine) -> View | None:
    """:func:`kept_view` of a question whose parameters are already bound."""
    if not isinstance(engine, EmbeddedEngine) or engine.kept_in is None:
        return None
    return read_kept_view(engine.kept_in, with_values(query.text, bindings), repr(query.presentation))


def keep_view_of(query: StoredQuery, bindings: Bindings, engine: Engine, table: ResultTable) -> View | None:
    """The whole answer ``table`` (to ``query`` with ``bindings``) as people read it, kept beside
    the answer if ``engine`` keeps the answers it works out (:class:`EmbeddedEngine`'s
    ``keep_asked``): asked again, it is drawn from there. None if the engine does not keep them,
    or did not keep this answer."""
    if not isinstance(engine, EmbeddedEngine) or not engine.keeps_asked or engine.kept_in is None:
        return None
    return _keep_view(engine.kept_in, query, bindings, table, quietly=True)


def run_and_keep(project: Project, name: str, engine: EmbeddedEngine, resolver: Resolver | None = None) -> ResultTable:
    """Answer a stored question with its defaults and keep its whole answer as people read it in
    ``engine.keep_into`` beside the SELECTs it took: a long answer costs more to write for people
    (texts, grouping under parents, money) than to read back, and a build never changes."""
    query, bindings = bind_stored(project, name, {}, engine, resolver)
    table = answer_stored(query, bindings, engine)
    if engine.keep_into is not None:
        _keep_view(engine.keep_into, query, bindings, table, quietly=False)
    return table


def _keep_view(folder: Path, query: StoredQuery, bindings: Bindings, table: ResultTable,
               quietly: bool) -> View | None:
    """Keep the whole view of ``table`` in ``folder``, beside its answer; the view, or None if the
    answer is not kept there (one naming a blank node is not, nor then its view). ``quietly``, a
    view that cannot be written is not kept (it is worked out again when asked).

    Raises:
        OutputError: the view could not be written (unless ``quietly``).
    """
    text = with_values(query.text, bindings)
    if not kept_file(folder, text).is_file():
        return None
    view = table.view()
    try:
        keep_view(folder, text, repr(query.presentation), view)
    except OSError as error:
        if not quietly:
            raise write_failed(folder, error) from None
    return view


def _resolver(engine: Engine) -> Resolver:
    """The graph's name index, imported and read only for a question that looks names up."""
    from sovkg.queries.lookup import Resolver

    return Resolver.from_engine(engine)


_PREFIXES = """PREFIX sov:  <https://w3id.org/sovkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# The actors of some labels, plain or English (a label may be either).
_NAMED = _PREFIXES + "SELECT DISTINCT ?actor WHERE { VALUES ?name { NAMES } ?actor rdfs:label ?name ; a sov:Actor . }"
# One step up the ownership chains of some actors. Their kinds are tested for each link found: as
# patterns, the engine joins every actor of the graph with the links (2 s at a million triples).
_OWNED_BY = _PREFIXES + """SELECT DISTINCT ?owned ?ownedName ?owner ?ownerName WHERE {
  VALUES ?owned { ACTORS }
  ?owned sov:ownedBy ?owner .
  FILTER EXISTS { ?owned a sov:Actor }
  FILTER EXISTS { ?owner a sov:Actor }
  OPTIONAL { ?owned rdfs:label ?ownedName }
  OPTIONAL { ?owner rdfs:label ?ownerName }
}"""


def _actors_in(table: ResultTable, columns: tuple[str, ...]) -> tuple[list[ox.NamedNode], list[str]]:
    """The actors a table's control columns name: IRIs, and labels listed in a cell ("A, B")."""
    iris: dict[ox.NamedNode, None] = {}
    names: dict[str, None] = {}
    at = [table.columns.index(c) for c in columns if c in table.columns]
    for row in table.rows:
        for index in at:
            cell = row[index]
            if isinstance(cell, ox.NamedNode):
                iris[cell] = None
            elif isinstance(cell, ox.Literal):
                names.update(dict.fromkeys(name for name in cell.value.split(", ") if name))
    return list(iris), list(names)


def owners(engine: Engine, actors: tuple[list[ox.NamedNode], list[str]]) -> dict[str, list[str]]:
    """The chain of owners of each of ``actors`` (IRIs and labels), up to its ultimate parent, as
    labels, nearest first; keyed by the actor's IRI and by its label (for cells that list actors by
    name). Only the chains above these actors are read: a large graph has tens of thousands."""
    iris, labels = actors
    if not iris and not labels:
        return {}
    direct: dict[str, str] = {}
    names: dict[str, str] = {}
    # Terms are written by pyoxigraph, which escapes them. A step per link of the longest chain
    # (a few) rather than one property path: each engine answers a plain VALUES join the same.
    frontier = {iri.value for iri in iris}
    if labels:
        terms = " ".join(str(term) for name in labels
                         for term in (ox.Literal(name), ox.Literal(name, language="en")))
        frontier |= {row[0].value for row in engine.select(_NAMED.replace("NAMES", terms)).rows
                     if isinstance(row[0], ox.NamedNode)}
    seen: set[str] = set()
    while frontier:
        seen |= frontier
        step = engine.select(_OWNED_BY.replace("ACTORS", " ".join(str(ox.NamedNode(iri)) for iri in sorted(frontier))))
        # Cells are read by column name: an endpoint may answer with other columns (an empty answer).
        at = {name: index for index, name in enumerate(step.columns)}
        if not {"owned", "owner"} <= at.keys():
            break
        frontier = set()
        for row in step.rows:
            owned, owner = row[at["owned"]], row[at["owner"]]
            owned_name = row[at["ownedName"]] if "ownedName" in at else None
            owner_name = row[at["ownerName"]] if "ownerName" in at else None
            if owned is None or owner is None:
                continue
            direct[owned.value] = owner.value
            names[owned.value] = owned_name.value if owned_name is not None else owned.value
            names[owner.value] = owner_name.value if owner_name is not None else owner.value
            if owner.value not in seen:
                frontier.add(owner.value)
    chains: dict[str, list[str]] = {}
    for actor in direct:
        chain, node = [], actor
        while node in direct and direct[node] not in chain and len(chain) < 20:
            node = direct[node]
            chain.append(node)
        labels_of_chain = [names[n] for n in chain]
        chains[actor] = labels_of_chain
        chains[names[actor]] = labels_of_chain
    return chains


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
