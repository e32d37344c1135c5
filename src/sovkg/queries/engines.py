"""Where a query runs: the embedded pyoxigraph store, an rdflib graph, or a remote endpoint.

Every engine takes the query text and the parameter terms separately and returns the same
:class:`~sovkg.results.table.ResultTable`, so a question answers the same wherever it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from sovkg.errors import EndpointError, QueryError, redact
from sovkg.queries.kept import keep, read_kept, read_kept_plain
from sovkg.queries.params import with_values
from sovkg.results.table import ResultTable
from sovkg.store.build import Build, write_failed

Bindings = dict[str, ox.NamedNode | ox.Literal]
XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


class Engine(Protocol):
    """Something that answers SPARQL SELECT, ASK and CONSTRUCT queries."""

    def select(self, text: str, bindings: Bindings | None = None, origin: str = "query") -> ResultTable: ...


def _syntax(error: SyntaxError, origin: str) -> QueryError:
    return QueryError(f"{origin}: malformed SPARQL: {error.msg if hasattr(error, 'msg') else error}")


class EmbeddedEngine:
    """The pyoxigraph store on disk, opened read-only; its default graph is the union of graphs.

    On a build, the answers the build kept (:mod:`sovkg.queries.kept`) are read instead of being
    evaluated again, unless not ``kept``; an engine made with ``keep_into`` keeps every SELECT
    answer it gives in that folder (as ``sovkg build`` does).

    With ``keep_asked``, the SELECT answers it works out on a build that keeps answers are kept
    beside them, where the folder can be written: asked again (another format, ``--paths``), a
    question with a value of the user's own is then read back, not evaluated again (seconds on a
    large graph). A build never changes once published, so such an answer never goes stale (no
    stored question asks for the time, a random number or another service); one that cannot be
    written is simply not kept.
    """

    def __init__(self, store: ox.Store | Path | Build, kept: bool = True, keep_into: Path | None = None,
                 keep_asked: bool = False) -> None:
        self.build: Build | None = None  # kept: it holds the build folder open while this engine lives
        self.kept_in: Path | None = None  # the answers this build kept, read before the store
        self._store: ox.Store | None = None
        if isinstance(store, Build):
            # the store of a build is opened when a query is not among its kept answers
            self.build = store
            self.kept_in = self.build.answers if kept else None
        elif isinstance(store, Path):
            if not store.exists():
                raise EndpointError(f"no built store at {store}: run 'sovkg build' first")
            try:
                self._store = ox.Store.read_only(str(store))
            except OSError as error:
                raise EndpointError(f"cannot open the store at {store}: {error}") from error
        else:
            self._store = store
        self.keep_into = keep_into
        self._labels: dict[str, list[object]] = {}  # each IRI's labels, where answers are kept
        self.keeps_asked = keep_asked and self.kept_in is not None and self.kept_in.is_dir()

    @property
    def store(self) -> ox.Store:
        """The store queried (a build's, opened read-only on first use)."""
        if self._store is None:
            assert self.build is not None
            self._store = self.build.open_store()
        return self._store

    def select(self, text: str, bindings: Bindings | None = None, origin: str = "query") -> ResultTable:
        try:
            # pyoxigraph's own substitutions need the variable projected; a VALUES block does not.
            text = with_values(text, bindings or {})
            kept = read_kept(self.kept_in, text) if self.kept_in is not None else None
            if kept is not None:
                return ResultTable(*kept)
            sorted_here = self._sorted_here(text) if self.keep_into is None else None
            if sorted_here is not None:
                variables, rows = sorted_here
            else:
                result = self.store.query(text, use_default_graph_as_union=True)
                if isinstance(result, (bool, ox.QueryBoolean)):
                    return boolean_table(bool(result))
                if not isinstance(result, ox.QuerySolutions):
                    return triples_table(list(result))
                # a solution lists its values in the order of the variables, None where unbound
                variables, rows = _names(result), result
            if self.keep_into is not None:
                try:
                    return ResultTable(*keep(self.keep_into, text, variables, rows))
                except OSError as error:
                    raise write_failed(self.keep_into, error) from None
            if self.keeps_asked:
                assert self.kept_in is not None
                return ResultTable(*keep(self.kept_in, text, variables, rows, quietly=True))
            return ResultTable(variables, [list(row) for row in rows])
        except SyntaxError as error:
            raise _syntax(error, origin) from error
        except OSError as error:  # pyoxigraph evaluates lazily: a failing SERVICE call shows here
            raise EndpointError(f"{origin}: the query could not be answered: {redact(str(error))[:300]}") from None

    def _sorted_here(self, text: str) -> tuple[list[str], list[list[object]]] | None:
        """The SELECT answer to ``text`` evaluated without its final ORDER BY and sorted here
        (:mod:`sovkg.queries.ordering`), or None where the engine is left to sort (the query is
        then evaluated as written). On the on-disk store that ORDER BY costs more than the rest of
        a long answer ordered by IRIs; a build's in-memory store, which keeps answers, sorts
        them itself."""
        from sovkg.queries.ordering import sort_rows, split_order  # not on the path of a kept answer

        split = split_order(text)
        if split is None:
            return None
        unordered, keys = split
        result = self.store.query(unordered, use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            return None
        # the answer's variables are known before it is worked out (its rows come lazily)
        variables = _names(result)
        if not {name for name, _ in keys} <= set(variables):
            return None
        rows = sort_rows(variables, [list(solution) for solution in result], keys)
        return (variables, rows) if rows is not None else None

    def labels(self, terms: list[ox.NamedNode]) -> dict[str, str]:
        return labels_from(self, terms)

    def label_rows(self, iris: list[ox.NamedNode], text: str) -> list[list[object]]:
        """The answer to ``text``, the query of the labels of ``iris`` (:func:`labels_from`). A
        build asks it question after question for many of the same IRIs (its projects, actors and
        countries: four to five times over on a large graph), so an engine that keeps its answers
        looks each IRI's labels up once, and keeps each answer as if it had evaluated it."""
        if self.keep_into is None:
            return self.select(text).rows
        missing = [iri for iri in iris if iri.value not in self._labels]
        if missing:
            self._labels.update((iri.value, []) for iri in missing)
            for subject, label in self.store.query(_labels_query(missing), use_default_graph_as_union=True):
                self._labels[subject.value].append(label)
        rows = ([iri, label] for iri in iris for label in self._labels[iri.value])
        try:
            return keep(self.keep_into, text, ["s", "l"], rows)[1]
        except OSError as error:
            raise write_failed(self.keep_into, error) from None


def _names(solutions: ox.QuerySolutions) -> list[str]:
    return [variable.value for variable in solutions.variables]


def boolean_table(answer: bool) -> ResultTable:
    """An ASK answer as a one-cell table."""
    return ResultTable(["answer"], [[ox.Literal("true" if answer else "false", datatype=XSD_BOOLEAN)]], kind="ask")


def triples_table(triples: list[ox.Triple]) -> ResultTable:
    """A CONSTRUCT or DESCRIBE answer as a table of subject, predicate, object."""
    return ResultTable(["subject", "predicate", "object"], [[t.subject, t.predicate, t.object] for t in triples],
                       kind="graph")


# A label is read in English, or with no language tag.
_LABEL_LANGUAGES = (None, "en")


def labels_from(engine: Engine, terms: list[ox.NamedNode]) -> dict[str, str]:
    """English (or untagged) labels of IRIs, fetched with one VALUES query built from terms. The
    first such label an engine gives is kept. The language is tested here: in the query (FILTER,
    or SAMPLE per IRI) it costs more than the rest of the lookup on a large store."""
    if not terms:
        return {}
    iris = list(dict.fromkeys(terms))
    text = _labels_query(iris)
    labels: dict[str, str] = {}
    kept = read_kept_plain(engine.kept_in, text) \
        if isinstance(engine, EmbeddedEngine) and engine.kept_in is not None else None
    if kept is not None:  # read as texts: no RDF term is made of the labels a build kept
        for subject, label in kept[1]:
            if isinstance(subject, str) and isinstance(label, tuple) and label[1] in _LABEL_LANGUAGES:
                labels.setdefault(subject, label[0])
        return labels
    rows = engine.label_rows(iris, text) if isinstance(engine, EmbeddedEngine) else engine.select(text).rows
    for subject, label in rows:
        if subject is not None and isinstance(label, ox.Literal) and label.language in _LABEL_LANGUAGES:
            labels.setdefault(subject.value, label.value)
    return labels


def _labels_query(iris: list[ox.NamedNode]) -> str:
    """The query of the labels of ``iris`` (distinct), in any language, one row per label."""
    return ("SELECT ?s ?l WHERE { VALUES ?s { " + " ".join(str(iri) for iri in iris) + " } "
            "?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }")


class RdflibEngine:
    """rdflib's in-memory SPARQL engine over a graph: slow, but pure Python and dependency-light."""

    def __init__(self, graph: object) -> None:
        self.graph = graph

    @classmethod
    def from_file(cls, path: Path) -> RdflibEngine:
        """An engine over a build's ``combined.nt`` (ontology, asserted and inferred triples)."""
        from rdflib import Graph

        if not path.is_file():
            raise EndpointError(f"no built graph at {path}: run 'sovkg build' first")
        return cls(Graph().parse(path, format="nt"))

    def select(self, text: str, bindings: Bindings | None = None, origin: str = "query") -> ResultTable:
        from pyparsing import ParseException

        from sovkg.rdf import from_rdflib_term

        try:
            result = self.graph.query(with_values(text, bindings or {}))  # type: ignore[attr-defined]
        except ParseException as error:
            raise QueryError(f"{origin}: malformed SPARQL: {error}") from error
        if result.type == "ASK":
            return boolean_table(bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return ResultTable(["subject", "predicate", "object"],
                               [[from_rdflib_term(t) for t in triple] for triple in result.graph], kind="graph")
        names = [str(v) for v in result.vars]
        rows = [[None if row[i] is None else from_rdflib_term(row[i]) for i in range(len(names))]
                for row in result]
        return ResultTable(names, rows)
