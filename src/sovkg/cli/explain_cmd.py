"""``sovkg find``: entities by the names people use; ``sovkg explain``: the paths behind a dependency."""

from __future__ import annotations

import json

import click

from sovkg.cli.main import project_of
from sovkg.explain import FORMATS, MAX_HOPS, MAX_PATHS
from sovkg.progress import Progress
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
    # every name of the graph is read and compared: seconds on a large graph
    with Progress(command="sovkg find") as progress, progress.step("search"):
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


@click.command()
@click.argument("entity")
@click.option("--on", "on", default=None, metavar="COUNTRY|ACTOR",
              help="A country or union (code or name) for the actors under its jurisdiction, or one actor. "
                   "Without it: every actor depended on.")
@click.option("--layer", default=None, help="Only paths whose first link is in this layer (chips, compute, ...).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text and md for people; json keeps IRIs; dot is Graphviz for a picture.")
@click.option("--all", "all_paths", is_flag=True, help="Every simple path, not only the shortest per first link.")
@click.option("--max-hops", default=MAX_HOPS, show_default=True, help="Longest path searched.")
@click.option("--max-paths", default=MAX_PATHS, show_default=True, help="At most this many paths.")
@click.pass_context
def explain(ctx: click.Context, entity: str, on: str | None, layer: str | None, fmt: str, all_paths: bool,
            max_hops: int, max_paths: int) -> None:
    """Show why ENTITY depends on a country or an actor: every path, hop by hop, with evidence.

    Each hop gives its relation and layer, whether it is asserted or inferred (and by which rule
    of the ontology), and the source, locator and quote of each asserted fact. Possible or
    planned arrangements are listed apart. Names are looked up as in 'sovkg find'.

    \b
    Examples:
      sovkg explain GPT-NL --on US
      sovkg explain gefion --on "United States" --all
      sovkg explain SEA-LION --on Meta --format md
      sovkg explain Falcon --on US --format dot | dot -Tsvg > falcon.svg
    """
    from sovkg.explain import explain as run_explain
    from sovkg.queries.engines import EmbeddedEngine

    project = project_of(ctx)
    engine = EmbeddedEngine(project.store)
    resolver = Resolver.from_engine(engine)
    with Progress(command="sovkg explain") as progress, progress.step("paths"):
        found = resolver.entity(entity, "entity")
        target = resolver.entity(on, "country or actor") if on else None
        result = run_explain(engine.store, found.iri, target.iri if target else None, layer=layer,
                             all_paths=all_paths, max_hops=max_hops, max_paths=max_paths)
    import shutil

    click.echo(result.render(fmt, width=shutil.get_terminal_size((100, 24)).columns).rstrip("\n"))
