"""``sovkg find``: entities by the names people use; ``sovkg explain``: the paths behind a dependency."""

from __future__ import annotations

import argparse
import json

from sovkg.cli.main import at_least, command, project_of
from sovkg.explain import FORMATS, MAX_HOPS, MAX_PATHS
from sovkg.progress import Progress
from sovkg.queries.lookup import Resolver
from sovkg.queries.run import engine_for


def _find_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", metavar="TEXT", help="A name or part of one.")
    parser.add_argument("--format", dest="fmt", choices=("text", "json"), default="text",
                        help="text for people; json keeps IRIs (default: text).")
    parser.add_argument("--endpoint", default=None, metavar="URL",
                        help="A SPARQL 1.1 query endpoint instead of the embedded store.")
    parser.add_argument("--limit", type=at_least(1, int), default=20, metavar="N",
                        help="At most this many entities (default: 20).")


@command(_find_arguments)
def find(args: argparse.Namespace) -> int:
    """List the entities whose label, alias, local name or ISO code matches TEXT (any case).

    Exact matches come first, then names containing TEXT, then close spellings. Exit code 0
    when something matches, 1 when nothing does.

    Examples:
      sovkg find gefion
      sovkg find "hugging face" --format json
    """
    project = project_of(args)
    text, fmt = args.text, args.fmt
    resolver = Resolver.from_engine(engine_for(project, args.endpoint))
    # every name of the graph is read and compared: seconds on a large graph
    with Progress(command="sovkg find") as progress, progress.step("search"):
        found = resolver.search(text, limit=args.limit)
    if fmt == "json":
        print(json.dumps([{"iri": e.iri, "label": e.label, "kind": e.kind, "country": e.country,
                                "localName": e.local_name, "isoCode": e.iso_code or None} for e in found],
                              indent=2, ensure_ascii=False))
    elif found:
        from sovkg.results.table import ResultTable

        table = ResultTable(["name", "kind", "country", "local name"],
                            [[e.label, e.kind, e.country or "not stated", ":" + e.local_name] for e in found])
        print(table.render("table"))
    else:
        print(f"nothing in the graph is named like {text!r}")
    return 0 if found else 1


def _explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", metavar="ENTITY", help="A project, model or actor, by any of its names.")
    parser.add_argument("--on", default=None, metavar="COUNTRY|ACTOR",
                        help="A country or union (code or name) for the actors under its jurisdiction, or one "
                             "actor. Without it: every actor depended on.")
    parser.add_argument("--layer", default=None,
                        help="Only paths whose first link is in this layer (chips, compute, ...).")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="text",
                        help="text and md for people; json keeps IRIs; dot is Graphviz for a picture "
                             "(default: text).")
    parser.add_argument("--all", dest="all_paths", action="store_true",
                        help="Every simple path, not only the shortest per first link.")
    parser.add_argument("--max-hops", type=at_least(1, int), default=MAX_HOPS, metavar="N",
                        help=f"Longest path searched (default: {MAX_HOPS}).")
    parser.add_argument("--max-paths", type=at_least(1, int), default=MAX_PATHS, metavar="N",
                        help=f"At most this many paths (default: {MAX_PATHS}).")


@command(_explain_arguments)
def explain(args: argparse.Namespace) -> None:
    """Show why ENTITY depends on a country or an actor: every path, hop by hop, with evidence.

    Each hop gives its relation and layer, whether it is asserted or inferred (and by which rule
    of the ontology), and the source, locator and quote of each asserted fact. Possible or
    planned arrangements are listed apart. Names are looked up as in 'sovkg find'.

    Examples:
      sovkg explain GPT-NL --on US
      sovkg explain gefion --on "United States" --all
      sovkg explain SEA-LION --on Meta --format md
      sovkg explain Falcon --on US --format dot | dot -Tsvg > falcon.svg
    """
    from sovkg.explain import explain as run_explain
    from sovkg.queries.engines import EmbeddedEngine

    project = project_of(args)
    on = args.on
    engine = EmbeddedEngine(project.store)
    resolver = Resolver.from_engine(engine)
    with Progress(command="sovkg explain") as progress, progress.step("paths"):
        found = resolver.entity(args.entity, "entity")
        target = resolver.entity(on, "country or actor") if on else None
        result = run_explain(engine.store, found.iri, target.iri if target else None, layer=args.layer,
                             all_paths=args.all_paths, max_hops=args.max_hops, max_paths=args.max_paths)
    import shutil

    print(result.render(args.fmt, width=shutil.get_terminal_size((100, 24)).columns).rstrip("\n"))
