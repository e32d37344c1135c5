"""The ``sovkg`` command group, its shared options, and the mapping of errors to exit codes."""

from __future__ import annotations

import sys

import click

from sovkg import __version__
from sovkg.errors import SovkgError
from sovkg.project import Project


class SovkgGroup(click.Group):
    """Turns sovkg's own errors into a one-line message on stderr and their fixed exit code."""

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


def _register() -> None:
    from sovkg.cli import author_cmd, build_cmd, docs_cmd, load_cmd, query_cmd, serve_cmd, validate_cmd
    from sovkg.cli.diff_cmd import diff_command

    cli.add_command(build_cmd.build)
    cli.add_command(validate_cmd.validate)
    cli.add_command(query_cmd.query)
    cli.add_command(query_cmd.queries)
    cli.add_command(query_cmd.sparql)
    cli.add_command(docs_cmd.docs)
    cli.add_command(load_cmd.load)
    cli.add_command(serve_cmd.serve)
    cli.add_command(diff_command)
    cli.add_command(author_cmd.new_country)
    cli.add_command(author_cmd.import_sheet)
    from sovkg.cli import site_cmd

    cli.add_command(site_cmd.site)
    cli.add_command(site_cmd.release_command)


_register()


def main() -> None:
    cli(prog_name="sovkg")
