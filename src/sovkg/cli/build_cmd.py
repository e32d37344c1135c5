"""``sovkg build``."""

from __future__ import annotations

import click

from sovkg.build.pipeline import build as run_build
from sovkg.build.reason import REASONERS
from sovkg.cli.main import project_of
from sovkg.errors import ValidationFailed
from sovkg.reports.validation import as_text, quote_warning


@click.command()
@click.option("--reasoner", type=click.Choice(REASONERS), default="fast", show_default=True,
              help="fast: the entailments the queries use; owlrl: owlrl's full OWL 2 RL closure (slow).")
@click.pass_context
def build(ctx: click.Context, reasoner: str) -> None:
    """Parse, reason, validate, and write dist/ and the embedded store.

    \b
    Nothing is written unless the graph is valid; the previous build stays current.
    Example:
      sovkg build
    """
    project = project_of(ctx)
    try:
        result = run_build(project, reasoner)
    except ValidationFailed as failure:
        click.echo(as_text(failure.report, project.root), err=True)
        raise
    counts = result.counts
    click.echo(f"Built {project.dist / 'current'} -> {result.folder.name if result.folder else '?'}")
    click.echo(f"  triples: {counts['asserted']} asserted, {counts['inferred']} inferred, "
               f"{counts['ontology']} ontology")
    click.echo(f"  quotes verified: {result.report.quotes_checked}")
    warning = quote_warning(result.report, project.root)
    if warning:
        click.echo(warning, err=True)
    seconds = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    click.echo(f"  time: {seconds}")
