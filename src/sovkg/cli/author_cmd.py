"""``sovkg new-country`` and ``sovkg import``."""

from __future__ import annotations

from pathlib import Path

import click

from sovkg.authoring.importer import KINDS, import_file
from sovkg.authoring.scaffold import new_country as scaffold_country
from sovkg.cli.main import project_of
from sovkg.errors import ValidationFailed
from sovkg.reports.validation import as_text


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
    path = scaffold_country(project, code, name)
    click.echo(f"wrote {path.relative_to(project.root)}: fill in its examples, then run 'sovkg validate'")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="What the sheet holds (default: recognised from its header).")
@click.pass_context
def import_sheet(ctx: click.Context, file: str, kind: str | None) -> None:
    """Import a spreadsheet (.csv, .tsv, .xlsx) of models, compute, actors, funding or policies
    into kg/imported/FILE.ttl.

    \b
    Problems are reported as FILE:ROW:COLUMN and nothing is written; the Turtle is kept only if
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
    click.echo(f"{verb}: {result.rows} row(s), {result.entities} entit(y/ies) in "
               f"{result.path.relative_to(project.root)}")
