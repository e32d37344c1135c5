"""``sovkg init``, ``sovkg new-country`` and ``sovkg import``."""

from __future__ import annotations

from pathlib import Path

import click

from sovkg.authoring.importer import KINDS, import_file
from sovkg.authoring.scaffold import init_project
from sovkg.authoring.scaffold import new_country as scaffold_country
from sovkg.cli.main import project_of
from sovkg.errors import ValidationFailed
from sovkg.reports.validation import as_text, quote_warning


def shown(path: Path) -> str:
    """A path as the user can type it from where they stand: relative to the working directory
    when it lies below it, else absolute."""
    path, here = path.resolve(), Path.cwd().resolve()
    return str(path.relative_to(here)) if path.is_relative_to(here) else str(path)


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Make a new project folder DIRECTORY with a copy of the ontology, kg, shapes and queries.

    \b
    The copy is the one this sovkg carries; the new folder builds as it is. Run the authoring
    commands (new-country, import, docs) inside it.
    Example:
      sovkg init my-graph && cd my-graph && sovkg build
    """
    project = init_project(Path(directory))
    click.echo(f"made the project {shown(project.root)}: cd into it, then 'sovkg build' "
               "(put the texts of your sources in its sources/ folder)")


@click.command("new-country")
@click.argument("code")
@click.option("--name", required=True, help="The country's English name.")
@click.pass_context
def new_country(ctx: click.Context, code: str, name: str) -> None:
    """Scaffold kg/countries/CODE.ttl for a country (ISO 3166-1 alpha-2 CODE).

    \b
    The fresh file builds and validates as it is; its commented examples show a model, a compute
    project, a funding fact and a source citation to fill in.
    Example:
      sovkg new-country KR --name "South Korea"
    """
    project = project_of(ctx)
    project.require_writable("new-country")
    path = scaffold_country(project, code, name)
    click.echo(f"wrote {shown(path)}: fill in its examples, then run 'sovkg validate'")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="What the sheet holds (default: recognised from its header).")
@click.pass_context
def import_sheet(ctx: click.Context, file: str, kind: str | None) -> None:
    """Import a spreadsheet (.csv, .tsv, .xlsx) of models, compute, actors, funding or policies
    into its own file in kg/imported/.

    \b
    Problems are reported as FILE:ROW:COLUMN and nothing is written; the Turtle is written only if
    the whole graph still validates. Importing the same sheet twice changes nothing.
    Example:
      sovkg import models.csv && sovkg build
    """
    project = project_of(ctx)
    try:
        result = import_file(project, Path(file), kind)
    except ValidationFailed as failure:
        click.echo(as_text(failure.report, project.root), err=True)
        raise
    verb = "imported" if result.changed else "unchanged (already imported)"
    click.echo(f"{verb}: {result.rows} row(s), {result.entities} new entit{'y' if result.entities == 1 else 'ies'} "
               f"in {shown(result.path)}")
    if result.report is not None:
        warning = quote_warning(result.report, project.root)
        if warning:
            click.echo(warning, err=True)



