"""``sovkg queries``, ``sovkg query`` and ``sovkg sparql``."""

from __future__ import annotations

import argparse

from sovkg.cli.main import at_least, command, project_of
from sovkg.cli.options import allow_service_option, endpoint_options, graph_prefix_option, make_endpoint
from sovkg.errors import QueryError
from sovkg.progress import Progress
from sovkg.queries.library import Library
from sovkg.queries.run import (
    answer_stored,
    bind_stored,
    engine_for,
    keep_view_of,
    kept_view_of,
    read_query_file,
    run_text,
)
from sovkg.results.table import FORMATS, draw, shortened

# A terminal table of tens of thousands of rows is read by nobody and takes seconds to draw.
TABLE_ROWS = 100
MORE = "--limit 0 shows every row; --format csv or json gives the whole answer"


def _answer_options(parser: argparse.ArgumentParser) -> None:
    """--format, --limit, --endpoint and its options: how a question is asked and its answer shown."""
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="table",
                        help="table and md show labels; csv shows labels; json keeps IRIs and labels "
                             "(default: table).")
    parser.add_argument("--limit", type=at_least(0, int), default=None, metavar="N",
                        help=f"At most N rows in table and md formats, saying how many are left out "
                             f"(default: {TABLE_ROWS} for table, every row for md); 0 shows every row. "
                             "csv and json always hold the whole answer.")
    parser.add_argument("--endpoint", default=None, metavar="URL",
                        help="A SPARQL 1.1 query endpoint (http or https) instead of the embedded store "
                             "(credentials from SOVKG_ENDPOINT_USER / SOVKG_ENDPOINT_PASSWORD or netrc).")
    endpoint_options(parser)
    graph_prefix_option(parser)


def _shown(fmt: str, limit: int | None) -> int | None:
    """How many rows a format shows: ``None`` for all."""
    if limit is None:
        return TABLE_ROWS if fmt == "table" else None
    return limit or None


def _params(values: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"a parameter is written name=value, not {value!r} (for example -p country=US)")
        params[name.strip()] = text
    return params


@command()
def queries(args: argparse.Namespace) -> None:
    """List the stored questions: name, summary and parameters.

    Example:
      sovkg queries
    """
    project = project_of(args)
    for query in Library(project.queries).all():
        params = ", ".join(f"{p.name}={p.default}" if p.default is not None else f"{p.name} (required)"
                           for p in query.params)
        print(f"{query.name}\n    {query.summary}" + (f"\n    parameters: {params}" if params else ""))


def _query_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="A stored question (sovkg queries lists them).")
    parser.add_argument("-p", "--param", dest="param_values", action="append", default=[], metavar="NAME=VALUE",
                        help="A parameter value, bound as an RDF term (repeatable).")
    _answer_options(parser)
    parser.add_argument("--paths", action="store_true",
                        help="Under the table, the dependency path behind each row (questions about dependencies).")


@command(_query_arguments)
def query(args: argparse.Namespace) -> None:
    """Answer the stored question NAME.

    Names of entities and countries are looked up as 'sovkg find' does (label, alias, local
    name, IRI or ISO code, any case). Tables fit the terminal; caveats are printed under them.
    A table shows the first 100 rows and says how many more there are (--limit).

    Examples:
      sovkg query us-dependencies --paths
      sovkg query dependencies-on-country -p country=france --format json
      sovkg query ownership-chain -p actor="Hugging Face"
    """
    project = project_of(args)
    name, fmt, limit, paths, endpoint = args.name, args.fmt, args.limit, args.paths, args.endpoint
    params = _params(args.param_values)
    if paths and endpoint:
        raise QueryError("--paths needs the embedded store: the paths are searched in the build, not on an endpoint")
    remote = make_endpoint(endpoint, args.auth, args.deadline, args.max_mb) if endpoint is not None else None
    engine = engine_for(project, remote, graph_prefix=args.graph_prefix, keep_asked=True)
    # An answer the build did not keep takes seconds on a large graph: a terminal sees it move.
    with Progress(command="sovkg query") as progress:
        with progress.step("answer"):
            stored, bindings = bind_stored(project, name, params, engine)  # names looked up once
            # People's formats of an answer kept whole are drawn from what was kept (by the build,
            # or when the question was asked before with these values).
            for_people = fmt in ("table", "md") and not paths
            view = kept_view_of(stored, bindings, engine) if for_people else None
            if view is None:
                table = answer_stored(stored, bindings, engine)
                view = keep_view_of(stored, bindings, engine, table) if for_people else None
        spec = stored.presentation.explain
        path_lines = ""
        if spec and paths and fmt in ("table", "md"):
            from sovkg.explain import paths_for_rows
            from sovkg.queries.lookup import Resolver

            with progress.step("paths"):
                store = engine.store  # type: ignore[attr-defined]
                path_lines = paths_for_rows(store, table, spec, bindings, Resolver.from_engine(engine),
                                            _shown(fmt, limit))
    if view is not None:
        print(draw(shortened(view, _shown(fmt, limit), MORE), fmt).rstrip("\n"))
    else:
        print(table.render(fmt, _shown(fmt, limit), MORE).rstrip("\n"))
    if spec and fmt in ("table", "md"):
        if paths:
            import shutil
            import textwrap

            width = shutil.get_terminal_size((100, 24)).columns
            for line in path_lines.splitlines():
                indent = " " * (len(line) - len(line.lstrip()) + 4)
                print("\n".join(textwrap.wrap(line, width=width, subsequent_indent=indent)) or "")
        else:
            print(f"The path behind a row: sovkg explain ENTITY --on COUNTRY, or add --paths to {name}.")


def _sparql_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="A file holding a SPARQL query, or - for standard input.")
    _answer_options(parser)
    allow_service_option(parser)


@command(_sparql_arguments)
def sparql(args: argparse.Namespace) -> None:
    """Run an ad-hoc SPARQL query from FILE (or - for standard input). Only queries run, never updates;
    SERVICE (federation) is refused unless --allow-service is given.

    Example:
      echo 'SELECT ?s WHERE { ?s a <https://w3id.org/sovkg/ontology#State> }' | sovkg sparql -
    """
    project = project_of(args)
    text, origin = read_query_file(args.file)
    endpoint = args.endpoint
    remote = make_endpoint(endpoint, args.auth, args.deadline, args.max_mb) if endpoint is not None else None
    engine = engine_for(project, remote, allow_service=args.allow_service, graph_prefix=args.graph_prefix)
    with Progress(command="sovkg sparql") as progress, progress.step("answer"):
        answer = run_text(project, text, origin, engine, allow_service=args.allow_service)
    print(answer.render(args.fmt, _shown(args.fmt, args.limit), MORE).rstrip("\n"))
