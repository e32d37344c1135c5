"""The ``sovkg`` command group, its shared options, and the mapping of errors to exit codes."""

from __future__ import annotations

import sys

import click

from sovkg import __version__
from sovkg.errors import SovkgError
from sovkg.project import Project

# Each command's module, imported only when that command runs (or help lists them all): a
# stored question must not pay for importing the build, the importer or rdflib.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("sovkg.cli.build_cmd", "build"),
    "validate": ("sovkg.cli.validate_cmd", "validate"),
    "query": ("sovkg.cli.query_cmd", "query"),
    "queries": ("sovkg.cli.query_cmd", "queries"),
    "sparql": ("sovkg.cli.query_cmd", "sparql"),
    "docs": ("sovkg.cli.docs_cmd", "docs"),
    "load": ("sovkg.cli.load_cmd", "load"),
    "serve": ("sovkg.cli.serve_cmd", "serve"),
    "diff": ("sovkg.cli.diff_cmd", "diff_command"),
    "new-country": ("sovkg.cli.author_cmd", "new_country"),
    "import": ("sovkg.cli.author_cmd", "import_sheet"),
}


class SovkgGroup(click.Group):
    """Turns sovkg's own errors into a one-line message on stderr and their fixed exit code, and
    loads each command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            import importlib

            module, attribute = COMMANDS[name]
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return self.commands.get(name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SovkgError as error:
            click.echo(f"sovkg: error: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=SovkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sovkg")
@click.option("--project", "project_dir", type=click.Path(file_okay=False), default=None,
              help="Project folder (default: $SOVKG_PROJECT, else the working directory or a parent).")
@click.pass_context
def cli(ctx: click.Context, project_dir: str | None) -> None:
    """sovkg: the open knowledge graph of sovereign AI.

    \b
    Exit codes: 0 success or conforms; 1 violations; 2 unusable input; 3 endpoint or store error.
    \b
    Example:
      sovkg build && sovkg query us-dependencies
    """
    ctx.obj = {"project_dir": project_dir}


def project_of(ctx: click.Context) -> Project:
    return Project.locate(ctx.obj.get("project_dir") if ctx.obj else None)


def main() -> None:
    cli(prog_name="sovkg")
