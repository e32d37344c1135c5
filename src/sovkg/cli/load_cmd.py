"""``sovkg load``."""

from __future__ import annotations

import click

from sovkg.cli.main import project_of
from sovkg.cli.options import endpoint_options, graph_prefix_option
from sovkg.store.load import STORE_KINDS, Loader, read_build


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The store: its base URL (Oxigraph, Virtuoso) or its SPARQL query URL (any store).")
@graph_prefix_option
@click.option("--dry-run", is_flag=True, help="Check the store answers and show the plan; write nothing.")
@click.option("--store", "kind", type=click.Choice(STORE_KINDS), default="auto", show_default=True,
              help="Which store it is (auto: from the server's Server header).")
@click.option("--update-url", default=None, metavar="URL", help="SPARQL Update endpoint, if not the usual one.")
@click.option("--store-url", default=None, metavar="URL", help="Graph Store Protocol endpoint, if the store has one.")
@click.option("--chunk-size", type=int, default=None, metavar="N",
              help="Triples per INSERT DATA request where there is no Graph Store endpoint (default 1000).")
@endpoint_options
@click.pass_context
def load(ctx: click.Context, endpoint: str, graph_prefix: str, dry_run: bool, kind: str,
         update_url: str | None, store_url: str | None, chunk_size: int | None, auth: str | None,
         deadline: float | None, max_mb: float | None) -> None:
    """Load the current build into a triplestore, one named graph each for the ontology, the
    asserted facts and the inferred facts, each replaced atomically.

    \b
    Credentials: SOVKG_ENDPOINT_USER and SOVKG_ENDPOINT_PASSWORD, else ~/.netrc.
    Examples:
      sovkg load --endpoint http://127.0.0.1:7878
      SOVKG_ENDPOINT_USER=loader SOVKG_ENDPOINT_PASSWORD=... sovkg load --endpoint http://127.0.0.1:8890
    """
    project = project_of(ctx)
    plans = read_build(project.current_build(), graph_prefix)
    loader = Loader(endpoint, kind, update_url, store_url, auth, timeout=deadline, chunk=chunk_size, max_mb=max_mb)
    report = loader.load(plans, dry_run=dry_run)
    verb = "Would load" if dry_run else "Loaded"
    click.echo(f"{verb} into {report.endpoint} ({report.kind}; {report.method}):")
    for name, entry in report.graphs.items():
        stored = f", {entry['stored']} on the server" if "stored" in entry else ""
        click.echo(f"  {name:9s} <{entry['graph']}>: {entry['sent']} triples sent{stored}")
    click.echo(f"  time: {report.seconds:.2f}s")
