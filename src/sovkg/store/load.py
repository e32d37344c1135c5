"""``sovkg load``: push a build's three graphs into a SPARQL 1.1 triplestore, each replaced atomically.

Each named graph (ontology, asserted, inferred) is replaced so that the store serves the old graph
or the new one, never a mix and never nothing:

* **Oxigraph** (0.5.10 or later): one Graph Store Protocol ``PUT`` per graph, which Oxigraph
  applies as a single transaction (earlier versions wiped the graph on a failed PUT).
* **Virtuoso** and **generic** stores, whose uploads are not atomic: the graph is loaded into a
  temporary graph (a Graph Store ``PUT`` where there is a Graph Store endpoint, else ``INSERT
  DATA`` in chunks, blank nodes skolemised so that chunks agree), its triple count on the server is
  checked, and one SPARQL Update ``MOVE`` puts it in place. If anything fails before the MOVE, the
  temporary graph is dropped and the target graph was never touched.

After loading, the triples of every graph are counted on the server and compared with what was
sent; a mismatch is an error. Loading twice leaves the same counts.
"""

from __future__ import annotations

import contextlib
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sovkg.errors import EndpointError, InputError
from sovkg.namespaces import ASSERTED_GRAPH, GRAPH_IRI, INFERRED_GRAPH, ONTOLOGY_GRAPH
from sovkg.store.build import Build
from sovkg.store.endpoint import Credentials, Endpoint, Solutions, check_url, public_url

STORE_KINDS = ("auto", "oxigraph", "virtuoso", "generic")
GRAPH_NAMES = {"ontology": ONTOLOGY_GRAPH, "asserted": ASSERTED_GRAPH, "inferred": INFERRED_GRAPH}
GENID = "https://w3id.org/sovkg/.well-known/genid/"
NTRIPLES = "application/n-triples"
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Endpoints:
    """Where one triplestore takes queries, updates and Graph Store requests."""

    kind: str
    query: str
    update: str
    graph_store: str | None
    graph_param: str = "graph"
    atomic_put: bool = False
    insert_chunk: int = 1000
    auth: str = "basic"

    def graph_url(self, graph: str) -> str:
        assert self.graph_store is not None
        separator = "&" if "?" in self.graph_store else "?"
        return f"{self.graph_store}{separator}{urllib.parse.urlencode({self.graph_param: graph})}"


def _base(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def detect_kind(url: str, client: Endpoint) -> str:
    """oxigraph or virtuoso from the server's ``Server`` header, else generic."""
    for probe in (url, _base(url) + "/query", _base(url) + "/sparql"):
        answer = client.request("GET", probe + ("&" if "?" in probe else "?") + "query=ASK%7B%7D",
                                headers={"Accept": "application/sparql-results+json"}, ok=(200, 400, 404, 405))
        server = answer.headers.get("server", "").lower()
        if "oxigraph" in server:
            return "oxigraph"
        if "virtuoso" in server:
            return "virtuoso"
    return "generic"


def endpoints_for(url: str, kind: str, update_url: str | None = None, store_url: str | None = None,
                  auth: str | None = None, chunk: int | None = None) -> Endpoints:
    """The endpoints of a store of ``kind`` reached at ``url`` (its base or its query URL)."""
    base = _base(url)
    if kind == "oxigraph":
        return Endpoints("oxigraph", base + "/query", update_url or base + "/update",
                         store_url or base + "/store", "graph", atomic_put=True, auth=auth or "basic")
    if kind == "virtuoso":
        # Virtuoso's Graph Store endpoint takes graph-uri, not graph; its INSERT DATA fails above
        # roughly 1,400 triples, so chunks stay well below that.
        return Endpoints("virtuoso", base + "/sparql", update_url or base + "/sparql-auth",
                         store_url or base + "/sparql-graph-crud-auth", "graph-uri", atomic_put=False,
                         insert_chunk=chunk or 1000, auth=auth or "digest")
    return Endpoints("generic", url, update_url or url, store_url, "graph", atomic_put=False,
                     insert_chunk=chunk or 1000, auth=auth or "basic")


@dataclass
class GraphPlan:
    """One graph to load: its name in the build, its IRI in the store, its triples."""

    name: str
    iri: str
    triples: list[ox.Triple]

    @property
    def count(self) -> int:
        return len(self.triples)


@dataclass
class LoadReport:
    endpoint: str
    kind: str
    method: str
    graphs: dict[str, dict[str, object]] = field(default_factory=dict)
    seconds: float = 0.0
    dry_run: bool = False


def read_build(build: Build | Path, graph_prefix: str = GRAPH_IRI) -> list[GraphPlan]:
    """The three graphs of a build, named under ``graph_prefix``."""
    if not _IRI.match(graph_prefix):
        raise InputError(f"--graph-prefix must be an absolute http(s) IRI, not {graph_prefix!r}")
    if isinstance(build, Path):
        build = Build(build.resolve())
    trig = build.trig
    if not trig.is_file():
        raise EndpointError(f"no build at {build.folder}: run 'sovkg build' first")
    groups: dict[str, list[ox.Triple]] = {iri: [] for iri in GRAPH_NAMES.values()}
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        groups.setdefault(quad.graph_name.value, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return [GraphPlan(name, graph_prefix + name, groups[iri]) for name, iri in GRAPH_NAMES.items()]


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _skolemise(triples: list[ox.Triple], scope: str) -> list[ox.Triple]:
    """Blank nodes as IRIs under a genid namespace, so that separate requests agree on them."""

    def term(node: object) -> object:
        return ox.NamedNode(f"{GENID}{scope}-{node.value}") if isinstance(node, ox.BlankNode) else node  # type: ignore[attr-defined]

    return [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples]  # type: ignore[arg-type]


class StoreClient:
    """The SPARQL and Graph Store requests the loader makes on one store."""

    def __init__(self, endpoints: Endpoints, http: Endpoint) -> None:
        self.endpoints, self.http = endpoints, http

    def select(self, query: str) -> Solutions:
        result = self.http.results(self.http.query(query, "SELECT"))
        if isinstance(result, bool):
            raise EndpointError(f"{public_url(self.endpoints.query)} answered a SELECT query with a boolean")
        return result

    def count(self, graph: str) -> int:
        answer = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
        if not answer.rows:
            return 0
        value = answer.rows[0][answer.variables.index("n")] if "n" in answer.variables else None
        try:
            return int(value.value) if isinstance(value, ox.Literal) else int("x")
        except ValueError:
            raise EndpointError(f"{public_url(self.endpoints.query)} answered a count of <{graph}> without a "
                                f"number (got {value!r:.80}); the count could not be checked") from None

    def update(self, text: str) -> None:
        self.http.update(text, self.endpoints.update)

    def put(self, graph: str, body: bytes) -> None:
        self.http.put_graph(self.endpoints.graph_url(graph), body, NTRIPLES)

    def insert_chunks(self, graph: str, triples: list[ox.Triple]) -> None:
        size = self.endpoints.insert_chunk
        target = ox.NamedNode(graph)
        for start in range(0, len(triples), size):
            body = _ntriples(triples[start:start + size]).decode()
            self.update(f"INSERT DATA {{ GRAPH {target} {{\n{body}}} }}")


class Loader:
    """Loads a build into one store."""

    def __init__(self, url: str, kind: str = "auto", update_url: str | None = None, store_url: str | None = None,
                 auth: str | None = None, timeout: float | None = None, chunk: int | None = None,
                 temporary_suffix: Callable[[], str] | None = None, max_mb: float | None = None) -> None:
        check_url(url)
        if kind not in STORE_KINDS:
            raise InputError(f"unknown store kind {kind!r}: choose one of {', '.join(STORE_KINDS)}")
        if chunk is not None and chunk < 1:
            raise InputError("--chunk-size is a number of triples, at least 1")
        also = (update_url, store_url)
        if kind == "auto":
            kind = detect_kind(url, Endpoint(url, deadline=timeout, max_mb=max_mb, also=also, credentials=None))
        self.endpoints = endpoints_for(url, kind, update_url, store_url, auth, chunk)
        http = Endpoint(self.endpoints.query, self.endpoints.auth, deadline=timeout, max_mb=max_mb,
                        also=(url, self.endpoints.update, self.endpoints.graph_store),
                        credentials=Credentials.find(url))
        self.client = StoreClient(self.endpoints, http)
        self.temporary_suffix = temporary_suffix or (lambda: uuid.uuid4().hex[:12])

    @property
    def method(self) -> str:
        if self.endpoints.atomic_put:
            return "graph store PUT (atomic)"
        upload = "graph store PUT" if self.endpoints.graph_store else "INSERT DATA in chunks"
        return f"temporary graph by {upload}, count check, then MOVE"

    def replace(self, plan: GraphPlan) -> None:
        """Replace one graph so that readers see the old or the new graph, never a mix."""
        if self.endpoints.atomic_put:
            self.client.put(plan.iri, _ntriples(plan.triples))
            return
        temporary = f"{plan.iri}-loading-{self.temporary_suffix()}"
        try:
            if self.endpoints.graph_store:
                self.client.put(temporary, _ntriples(plan.triples))
            else:
                self.client.update(f"DROP SILENT GRAPH {ox.NamedNode(temporary)}")
                self.client.insert_chunks(temporary, _skolemise(plan.triples, plan.name))
            loaded = self.client.count(temporary)
            if loaded != plan.count:
                raise EndpointError(f"the temporary graph for {plan.name} holds {loaded} triples, "
                                    f"{plan.count} were sent; the {plan.name} graph was left as it was")
            self.client.update(f"MOVE {ox.NamedNode(temporary)} TO {ox.NamedNode(plan.iri)}")
        except EndpointError:
            with contextlib.suppress(EndpointError):
                self.client.update(f"DROP SILENT GRAPH {ox.NamedNode(temporary)}")
            raise

    def load(self, plans: list[GraphPlan], dry_run: bool = False) -> LoadReport:
        report = LoadReport(public_url(self.endpoints.query), self.endpoints.kind, self.method, dry_run=dry_run)
        start = time.perf_counter()
        self.client.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        for plan in plans:
            entry: dict[str, object] = {"graph": plan.iri, "sent": plan.count}
            if not dry_run:
                self.replace(plan)
                stored = self.client.count(plan.iri)
                entry["stored"] = stored
                if stored != plan.count:
                    raise EndpointError(f"{plan.iri} holds {stored} triples on the server after loading, "
                                        f"{plan.count} were sent")
            report.graphs[plan.name] = entry
        report.seconds = time.perf_counter() - start
        return report
