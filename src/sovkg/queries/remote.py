"""Running queries on a remote SPARQL 1.1 endpoint through SPARQLWrapper.

Parameters reach the endpoint as the ``VALUES`` block every engine uses (see
:func:`sovkg.queries.params.with_values`). Credentials come from the environment
(``SOVKG_ENDPOINT_USER`` and ``SOVKG_ENDPOINT_PASSWORD``) and never appear in messages.
"""

from __future__ import annotations

import hashlib
import re

import pyoxigraph as ox

from sovkg.errors import EndpointError, QueryError
from sovkg.namespaces import GRAPH_IRI
from sovkg.queries.engines import Bindings
from sovkg.queries.library import mask_sparql
from sovkg.queries.params import with_values
from sovkg.results.table import ResultTable
from sovkg.store.http import Credentials, check_complete, check_row_limit, public_url

_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, strings and IRIs."""
    match = _FORM.search(mask_sparql(text))
    if match is None:
        raise QueryError("only SELECT, ASK, CONSTRUCT and DESCRIBE queries can be run")
    return match.group(1).upper()


def _term(binding: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        # Stores label blank nodes as they like (Virtuoso: "nodeID://b10001"); keep them distinct.
        return ox.BlankNode("b" + hashlib.sha1(value.encode()).hexdigest()[:16])
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


class RemoteEngine:
    """A SPARQL 1.1 query endpoint, queried over the merge of sovkg's three named graphs.

    The dataset is given with the protocol's ``default-graph-uri`` parameters, so a store answers
    the same whether or not its own default graph is the union of its graphs.
    """

    def __init__(self, url: str, timeout: float = 60.0, graph_prefix: str | None = GRAPH_IRI,
                 auth: str = "basic", server_timeout_ms: int | None = None) -> None:
        self.url = url
        self.timeout = timeout
        self.auth = auth
        self.server_timeout_ms = server_timeout_ms
        self.graphs = [graph_prefix + name for name in ("ontology", "asserted", "inferred")] if graph_prefix else []

    def select(self, text: str, bindings: Bindings | None = None, origin: str = "query") -> ResultTable:
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        wrapper = SPARQLWrapper(self.url)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(int(self.timeout))
        credentials = Credentials.find(self.url)
        if credentials is not None:
            wrapper.setHTTPAuth(DIGEST if self.auth == "digest" else BASIC)
            wrapper.setCredentials(credentials.user, credentials.password)
        for graph in self.graphs:
            wrapper.addParameter("default-graph-uri", graph)
        if self.server_timeout_ms is not None:
            # Virtuoso's "anytime" limit: past it the server may answer 200 with partial rows,
            # which check_complete turns into an error.
            wrapper.addParameter("timeout", str(self.server_timeout_ms))
        wrapper.setQuery(with_values(text, bindings or {}))
        # SPARQLWrapper guesses the form from the text and can mistake words in comments for an
        # update; this engine only ever sends queries, so it names the form itself.
        wrapper.queryType = query_form(text)
        try:
            response = wrapper.query()
            headers = {k.lower(): v for k, v in response.info().items()}
            check_complete(headers, public_url(self.url))
            try:
                data = response.convert()
            except ValueError:
                # A server that times out after it began streaming (Oxigraph does) sends HTTP 200
                # and a truncated document: that is no answer, not an empty one.
                raise EndpointError(f"{public_url(self.url)} sent an incomplete answer (cut off mid-document); "
                                    "the query probably timed out on the server") from None
        except HTTPError as error:
            if error.code in (401, 403):
                raise EndpointError(f"{public_url(self.url)} refused access (HTTP {error.code}): check "
                                    "SOVKG_ENDPOINT_USER and SOVKG_ENDPOINT_PASSWORD") from None
            raise EndpointError(f"{public_url(self.url)} answered HTTP {error.code} {error.reason}") from None
        except URLError as error:
            raise EndpointError(f"cannot reach {public_url(self.url)}: {error.reason}") from None
        except SPARQLWrapperException as error:
            raise EndpointError(f"{public_url(self.url)} refused the query: {_server_message(error)}") from None
        except (OSError, TimeoutError) as error:
            raise EndpointError(f"cannot reach {public_url(self.url)}: {error}") from None
        if not isinstance(data, dict):
            raise EndpointError(f"{public_url(self.url)} did not answer with SPARQL JSON results")
        if "boolean" in data:
            return ResultTable(["answer"], [[ox.Literal(str(data["boolean"]).lower(),
                                                        datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))]],
                               kind="ask")
        columns = data["head"]["vars"]
        rows = [[_term(b[c]) if c in b else None for c in columns] for b in data["results"]["bindings"]]
        check_row_limit(headers, len(rows), public_url(self.url))
        return ResultTable(columns, rows)


def _server_message(error: Exception) -> str:
    """The server's own first line of explanation, from a SPARQLWrapper error."""
    text = str(error)
    _, _, response = text.partition("Response:")
    lines = [line.strip() for line in response.replace("\\n", "\n").splitlines() if line.strip()]
    first = lines[0].removeprefix("b'").removeprefix('b"') if lines else text.splitlines()[0]
    return first[:300]
