"""``sovkg find``: entities by the names people use."""

from __future__ import annotations

import json

import click

from sovkg.cli.main import project_of
from sovkg.queries.lookup import Resolver
from sovkg.queries.run import engine_for


@click.command()
@click.argument("text")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--endpoint", default=None, metavar="URL",
              help="A SPARQL 1.1 query endpoint instead of the embedded store.")
@click.option("--limit", default=20, show_default=True, help="At most this many entities.")
@click.pass_context
def find(ctx: click.Context, text: str, fmt: str, endpoint: str | None, limit: int) -> None:
    """List the entities whose label, alias, local name or ISO code matches TEXT (any case).

    Exact matches come first, then names containing TEXT, then close spellings. Exit code 0
    when something matches, 1 when nothing does.

    \b
    Examples:
      sovkg find gefion
      sovkg find "hugging face" --format json
    """
    project = project_of(ctx)
    resolver = Resolver.from_engine(engine_for(project, endpoint))
    found = resolver.search(text, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([{"iri": e.iri, "label": e.label, "kind": e.kind, "country": e.country,
                                "localName": e.local_name, "isoCode": e.iso_code or None} for e in found],
                              indent=2, ensure_ascii=False))
    elif found:
        from sovkg.results.table import ResultTable

        table = ResultTable(["name", "kind", "country", "local name"],
                            [[e.label, e.kind, e.country or "not stated", ":" + e.local_name] for e in found])
        click.echo(table.render("table"))
    else:
        click.echo(f"nothing in the graph is named like {text!r}")
    if not found:
        ctx.exit(1)
