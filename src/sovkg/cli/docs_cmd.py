"""``sovkg docs``."""

from __future__ import annotations

from pathlib import Path

import click

from sovkg.cli.main import project_of
from sovkg.reports.query_docs import query_docs


@click.command()
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write the page (default: docs/queries.md in the project; - for stdout).")
@click.pass_context
def docs(ctx: click.Context, output: str | None) -> None:
    """Write docs/queries.md: every stored question with an example answer from the current build.

    \b
    Example:
      sovkg build && sovkg docs
    """
    project = project_of(ctx)
    if output is None:
        project.require_writable("docs")
    page = query_docs(project)
    if output == "-":
        click.echo(page, nl=False)
        return
    target = Path(output) if output else project.root / "docs" / "queries.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    click.echo(f"wrote {target}")
