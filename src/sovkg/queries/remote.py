"""Running queries on a remote SPARQL 1.1 endpoint, through :class:`sovkg.store.endpoint.Endpoint`.

Parameters reach the endpoint as the ``VALUES`` block every engine uses (see
:func:`sovkg.queries.params.with_values`). The query form is decided by parsing the query
(:mod:`sovkg.queries.form`); only queries are ever sent, never updates.
"""

from __future__ import annotations

from sovkg.errors import EndpointError, QueryError
from sovkg.namespaces import GRAPH_IRI
from sovkg.queries.engines import Bindings, boolean_table, triples_table
from sovkg.queries.form import SERVICE_REFUSED, query_form, uses_service
from sovkg.queries.params import with_values
from sovkg.results.table import ResultTable
from sovkg.store.endpoint import Endpoint, check_row_limit


class RemoteEngine:
    """A SPARQL 1.1 query endpoint, queried over the merge of sovkg's three named graphs.

    The dataset is given with the protocol's ``default-graph-uri`` parameters, so a store answers
    the same whether or not its own default graph is the union of its graphs.
    """

    def __init__(self, url: str | Endpoint, timeout: float | None = None, graph_prefix: str | None = GRAPH_IRI,
                 auth: str | None = None, server_timeout_ms: int | None = None, max_mb: float | None = None,
                 allow_service: bool = False) -> None:
        self.endpoint = url if isinstance(url, Endpoint) else Endpoint(url, auth, deadline=timeout, max_mb=max_mb)
        self.url = self.endpoint.url
        self.server_timeout_ms = server_timeout_ms
        self.allow_service = allow_service
        self.graphs = [graph_prefix + name for name in ("ontology", "asserted", "inferred")] if graph_prefix else []

    def select(self, text: str, bindings: Bindings | None = None, origin: str = "query") -> ResultTable:
        form = query_form(text, origin)
        if not self.allow_service and uses_service(text, origin):
            raise QueryError(f"{origin}: {SERVICE_REFUSED}")
        extra = {}
        if self.server_timeout_ms is not None:
            # Virtuoso's "anytime" limit: past it the server may answer 200 with partial rows,
            # which the endpoint's completeness check turns into an error.
            extra["timeout"] = str(self.server_timeout_ms)
        answer = self.endpoint.query(with_values(text, bindings or {}), form, self.graphs, extra)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return triples_table(self.endpoint.triples(answer))
        result = self.endpoint.results(answer)
        if isinstance(result, bool):
            return boolean_table(result)
        if form == "ASK" and [v.upper() for v in result.variables] == ["__ASK_RETVAL"]:
            # Virtuoso 7 answers ASK as a one-row SELECT of ?__ASK_RETVAL, 1 or 0.
            return boolean_table(any(row[0] is not None and row[0].value not in ("0", "false") for row in result.rows))
        if form == "ASK":
            raise EndpointError(f"{self.endpoint.public} answered an ASK query with rows, not true or false")
        check_row_limit(answer.headers, len(result.rows), self.endpoint.public)
        return ResultTable(result.variables, result.rows)
