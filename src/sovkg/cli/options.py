"""Options shared by the commands that talk to a SPARQL endpoint (query, sparql, load)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sovkg.cli.main import at_least
from sovkg.namespaces import GRAPH_IRI
from sovkg.store.endpoint_settings import AUTH_SCHEMES, DEADLINE_ENV, MAX_MB_ENV

if TYPE_CHECKING:
    from sovkg.store.endpoint import Endpoint


def endpoint_options(parser: argparse.ArgumentParser) -> None:
    """--auth, --deadline and --max-mb, with the same meaning wherever an endpoint is used."""
    parser.add_argument("--auth", choices=AUTH_SCHEMES, default=None,
                        help="HTTP authentication with SOVKG_ENDPOINT_USER / SOVKG_ENDPOINT_PASSWORD or netrc "
                             "(default: basic; digest for Virtuoso when loading).")
    parser.add_argument("--deadline", type=at_least(0.001), default=None, metavar="SECONDS",
                        help=f"Each request must be answered in full within this time (default: ${DEADLINE_ENV}, "
                             "else 120).")
    parser.add_argument("--max-mb", type=at_least(0.001), default=None, metavar="MB",
                        help=f"Largest answer accepted (default: ${MAX_MB_ENV}, else 200).")


def make_endpoint(url: str, auth: str | None, deadline: float | None, max_mb: float | None,
                  also: tuple[str | None, ...] = ()) -> Endpoint:
    from sovkg.store.endpoint import Endpoint

    return Endpoint(url, auth, deadline=deadline, max_mb=max_mb, also=also)


def allow_service_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allow-service", action="store_true",
                        help="Allow SERVICE (federated queries): the query may then make sovkg call any server "
                             "it names.")


def graph_prefix_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--graph-prefix", default=GRAPH_IRI, metavar="IRI",
                        help="The graphs on the endpoint are this prefix + ontology, asserted, inferred (as "
                             f"`sovkg load` names them; default: {GRAPH_IRI}).")
