"""``sovkg queries``, ``sovkg query`` and ``sovkg sparql``."""

from __future__ import annotations

import click

from sovkg.cli.main import project_of
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

_format = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                       help="table and md show labels; csv shows labels; json keeps IRIs and labels.")
# A terminal table of tens of thousands of rows is read by nobody and takes seconds to draw.
TABLE_ROWS = 100
_limit = click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
                      help=f"At most N rows in table and md formats, saying how many are left out "
                           f"(default: {TABLE_ROWS} for table, every row for md); 0 shows every row. "
                           "csv and json always hold the whole answer.")
MORE = "--limit 0 shows every row; --format csv or json gives the whole answer"


def _shown(fmt: str, limit: int | None) -> int | None:
    """How many rows a format shows: ``None`` for all."""
    if limit is None:
        return TABLE_ROWS if fmt == "table" else None
    return limit or None


_endpoint = click.option("--endpoint", default=None, metavar="URL",
                         help="A SPARQL 1.1 query endpoint (http or https) instead of the embedded store "
                              "(credentials from SOVKG_ENDPOINT_USER / SOVKG_ENDPOINT_PASSWORD or netrc).")


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for value in values:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise QueryError(f"the parameter {value.encode('utf-8', 'replace').decode()[:60]!r} is not valid "
                             "UTF-8 text") from None
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"a parameter is written name=value, not {value!r} (for example -p country=US)")
        params[name.strip()] = text
    return params


@click.command()
@click.pass_context
def queries(ctx: click.Context) -> None:
    """List the stored questions: name, summary and parameters.

    \b
    Example:
      sovkg queries
    """
    project = project_of(ctx)
    for query in Library(project.queries).all():
        params = ", ".join(f"{p.name}={p.default}" if p.default is not None else f"{p.name} (required)"
                           for p in query.params)
        click.echo(f"{query.name}\n    {query.summary}" + (f"\n    parameters: {params}" if params else ""))


@click.command()
@click.argument("name")
@click.option("-p", "--param", "param_values", multiple=True, metavar="NAME=VALUE",
              help="A parameter value, bound as an RDF term (repeatable).")
@_format
@_limit
@_endpoint
@endpoint_options
@graph_prefix_option
@click.option("--paths", is_flag=True,
              help="Under the table, the dependency path behind each row (questions about dependencies).")
@click.pass_context
def query(ctx: click.Context, name: str, param_values: tuple[str, ...], fmt: str, limit: int | None,
          endpoint: str | None,
          auth: str | None, deadline: float | None, max_mb: float | None, graph_prefix: str, paths: bool) -> None:
    """Answer the stored question NAME.

    Names of entities and countries are looked up as 'sovkg find' does (label, alias, local
    name, IRI or ISO code, any case). Tables fit the terminal; caveats are printed under them.
    A table shows the first 100 rows and says how many more there are (--limit).

    \b
    Examples:
      sovkg query us-dependencies --paths
      sovkg query dependencies-on-country -p country=france --format json
      sovkg query ownership-chain -p actor="Hugging Face"
    """
    project = project_of(ctx)
    params = _params(param_values)
    if paths and endpoint:
        raise QueryError("--paths needs the embedded store: the paths are searched in the build, not on an endpoint")
    remote = make_endpoint(endpoint, auth, deadline, max_mb) if endpoint is not None else None
    engine = engine_for(project, remote, graph_prefix=graph_prefix, keep_asked=True)
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
        click.echo(draw(shortened(view, _shown(fmt, limit), MORE), fmt).rstrip("\n"))
    else:
        click.echo(table.render(fmt, _shown(fmt, limit), MORE).rstrip("\n"))
    if spec and fmt in ("table", "md"):
        if paths:
            import shutil
            import textwrap

            width = shutil.get_terminal_size((100, 24)).columns
            for line in path_lines.splitlines():
                indent = " " * (len(line) - len(line.lstrip()) + 4)
                click.echo("\n".join(textwrap.wrap(line, width=width, subsequent_indent=indent)) or "")
        else:
            click.echo(f"The path behind a row: sovkg explain ENTITY --on COUNTRY, or add --paths to {name}.")


@click.command()
@click.argument("file")
@_format
@_limit
@_endpoint
@endpoint_options
@graph_prefix_option
@allow_service_option
@click.pass_context
def sparql(ctx: click.Context, file: str, fmt: str, limit: int | None, endpoint: str | None, auth: str | None,
           deadline: float | None, max_mb: float | None, graph_prefix: str, allow_service: bool) -> None:
    """Run an ad-hoc SPARQL query from FILE (or - for standard input). Only queries run, never updates;
    SERVICE (federation) is refused unless --allow-service is given.

    \b
    Example:
      echo 'SELECT ?s WHERE { ?s a <https://w3id.org/sovkg/ontology#State> }' | sovkg sparql -
    """
    project = project_of(ctx)
    text, origin = read_query_file(file)
    remote = make_endpoint(endpoint, auth, deadline, max_mb) if endpoint is not None else None
    engine = engine_for(project, remote, allow_service=allow_service, graph_prefix=graph_prefix)
    with Progress(command="sovkg sparql") as progress, progress.step("answer"):
        answer = run_text(project, text, origin, engine, allow_service=allow_service)
    click.echo(answer.render(fmt, _shown(fmt, limit), MORE).rstrip("\n"))
