"""Options shared by the commands that talk to a SPARQL endpoint (query, sparql, load)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from sovkg.namespaces import GRAPH_IRI
from sovkg.store.endpoint_settings import AUTH_SCHEMES, DEADLINE_ENV, MAX_MB_ENV

if TYPE_CHECKING:
    from sovkg.store.endpoint import Endpoint


def endpoint_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--auth, --deadline and --max-mb, with the same meaning wherever an endpoint is used."""
    for option in reversed((
        click.option("--auth", type=click.Choice(AUTH_SCHEMES), default=None,
                     help="HTTP authentication with SOVKG_ENDPOINT_USER / SOVKG_ENDPOINT_PASSWORD or netrc "
                          "(default: basic; digest for Virtuoso when loading)."),
        click.option("--deadline", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
                     help=f"Each request must be answered in full within this time (default: ${DEADLINE_ENV}, "
                          "else 120)."),
        click.option("--max-mb", type=click.FloatRange(min=0.001), default=None, metavar="MB",
                     help=f"Largest answer accepted (default: ${MAX_MB_ENV}, else 200)."),
    )):
        function = option(function)
    return function


def make_endpoint(url: str, auth: str | None, deadline: float | None, max_mb: float | None,
                  also: tuple[str | None, ...] = ()) -> Endpoint:
    from sovkg.store.endpoint import Endpoint

    return Endpoint(url, auth, deadline=deadline, max_mb=max_mb, also=also)


allow_service_option = click.option(
    "--allow-service", is_flag=True,
    help="Allow SERVICE (federated queries): the query may then make sovkg call any server it names.")


graph_prefix_option = click.option(
    "--graph-prefix", default=GRAPH_IRI, show_default=True, metavar="IRI",
    help="The graphs on the endpoint are this prefix + ontology, asserted, inferred (as `sovkg load` names them).")
