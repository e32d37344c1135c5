"""``sovkg init``, ``sovkg new-country`` and ``sovkg import``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sovkg.authoring.importer import KINDS, import_file
from sovkg.authoring.scaffold import init_project
from sovkg.authoring.scaffold import new_country as scaffold_country
from sovkg.cli.main import command, file, folder, project_of
from sovkg.errors import ValidationFailed
from sovkg.reports.validation import as_text, quote_warning


def shown(path: Path) -> str:
    """A path as the user can type it from where they stand: relative to the working directory
    when it lies below it, else absolute."""
    path, here = path.resolve(), Path.cwd().resolve()
    return str(path.relative_to(here)) if path.is_relative_to(here) else str(path)


def _init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIRECTORY", type=folder, help="The new project's folder.")


@command(_init_arguments)
def init(args: argparse.Namespace) -> None:
    """Make a new project folder DIRECTORY with a copy of the ontology, kg, shapes and queries.

    The copy is the one this sovkg carries; the new folder builds as it is. Run the authoring
    commands (new-country, import, docs) inside it.
    Example:
      sovkg init my-graph && cd my-graph && sovkg build
    """
    project = init_project(Path(args.directory))
    print(f"made the project {shown(project.root)}: cd into it, then 'sovkg build' "
               "(put the texts of your sources in its sources/ folder)")


def _new_country_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", metavar="CODE", help="The ISO 3166-1 alpha-2 code (KR).")
    parser.add_argument("--name", required=True, help="The country's English name.")


@command(_new_country_arguments)
def new_country(args: argparse.Namespace) -> None:
    """Scaffold kg/countries/code.ttl for a country (ISO 3166-1 alpha-2 CODE, named in lower case).

    The fresh file builds and validates as it is; its commented examples show a model, a compute
    project, a funding fact and a source citation to fill in.
    Example:
      sovkg new-country KR --name "South Korea"
    """
    project = project_of(args)
    project.require_writable("new-country")
    path = scaffold_country(project, args.code, args.name)
    print(f"wrote {shown(path)}: fill in its examples, then run 'sovkg validate'")


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", type=file, help="The sheet: .csv, .tsv or .xlsx.")
    parser.add_argument("--kind", choices=KINDS, default=None,
                        help="What the sheet holds (default: recognised from its header).")


@command(_import_arguments)
def import_sheet(args: argparse.Namespace) -> None:
    """Import a spreadsheet (.csv, .tsv, .xlsx) of models, compute, actors, funding or policies
    into its own file in kg/imported/.

    Problems are reported as FILE:ROW:COLUMN and nothing is written; the Turtle is written only if
    the whole graph still validates. Importing the same sheet twice changes nothing.
    Example:
      sovkg import models.csv && sovkg build
    """
    project = project_of(args)
    try:
        result = import_file(project, Path(args.file), args.kind)
    except ValidationFailed as failure:
        print(as_text(failure.report, project.root), file=sys.stderr)
        raise
    verb = "imported" if result.changed else "unchanged (already imported)"
    print(f"{verb}: {result.rows} row(s), {result.entities} new entit{'y' if result.entities == 1 else 'ies'} "
          f"in {shown(result.path)}")
    if result.report is not None:
        warning = quote_warning(result.report, project.root)
        if warning:
            print(warning, file=sys.stderr)



