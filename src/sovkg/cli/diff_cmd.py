"""``sovkg diff``."""

from __future__ import annotations

import click

from sovkg.cli.main import project_of
from sovkg.reports.diff import FORMATS, diff, load_facts


@click.command(name="diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for a reviewer; json for the same as one JSON document.")
@click.pass_context
def diff_command(ctx: click.Context, old: str, new: str, fmt: str) -> None:
    """List the facts added, removed and changed from OLD to NEW, grouped by entity.

    OLD and NEW are each a build folder (one holding asserted.nt, e.g. dist/current), a git
    revision of the project (HEAD~1, main, a sha: its kg/*.ttl, read without a checkout), or the
    word "worktree" for the kg/ files on disk. Only asserted facts (kg/) are compared, never
    inferred ones. Blank nodes (evidence) are compared by content.

    \b
    Lines: "+ property value" added, "- property value" removed,
    "~ property old -> new" one value replaced by another.
    Exit codes: 0 whether or not there are differences; 2 an unknown revision,
    a folder without asserted.nt, or malformed Turtle.
    Examples:
      sovkg diff HEAD~1 worktree
      sovkg diff dist/builds/OLD-ID dist/current --format json
    """
    project = project_of(ctx)
    changes = diff(load_facts(project, old), load_facts(project, new))
    click.echo(changes.render(fmt))
