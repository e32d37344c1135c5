"""``sovkg build``."""

from __future__ import annotations

import click

from sovkg.build.pipeline import build as run_build
from sovkg.build.reason import REASONERS
from sovkg.build.validate import VALIDATORS
from sovkg.cli.main import project_of
from sovkg.errors import ValidationFailed
from sovkg.progress import Progress
from sovkg.reports.validation import as_text, quote_warning


@click.command()
@click.option("--reasoner", type=click.Choice(REASONERS), default="fast", show_default=True,
              help="fast: the entailments the queries use; owlrl: owlrl's full OWL 2 RL closure (slow).")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="How long to wait for another build of the same project to finish "
                   "(default: $SOVKG_LOCK_TIMEOUT, else 600).")
@click.option("--validator", type=click.Choice(VALIDATORS), default="fast", show_default=True,
              help="fast: each shape constraint as one SPARQL query; pyshacl: the reference validator (slow).")
@click.option("--no-answers", is_flag=True,
              help="Do not answer the stored questions and keep their answers with the build (faster on a "
                   "large graph; the questions are then evaluated each time they are asked).")
@click.pass_context
def build(ctx: click.Context, reasoner: str, lock_timeout: float | None, validator: str, no_answers: bool) -> None:
    """Parse, reason, validate, and write dist/ and the embedded store.

    \b
    Nothing is written unless the graph is valid; the previous build stays current.
    Builds of one project publish one at a time: a second one waits for the first.
    Example:
      sovkg build
    """
    project = project_of(ctx)
    progress = Progress(command="sovkg build")  # steps on a terminal only, once the build has run a couple of seconds
    try:
        result = run_build(project, reasoner, lock_timeout,
                           on_wait=lambda message: click.echo(f"sovkg: {message}", err=True),
                           validator=validator, progress=progress, answers=not no_answers)
    except ValidationFailed as failure:
        progress.close()
        click.echo(as_text(failure.report, project.root), err=True)
        raise
    finally:
        progress.close()
    counts = result.counts
    click.echo(f"Built {result.folder} (now the current build)")
    click.echo(f"  triples: {counts['asserted']} asserted, {counts['inferred']} inferred, "
               f"{counts['ontology']} ontology")
    click.echo(f"  quotes verified: {result.report.quotes_checked}")
    warning = quote_warning(result.report, project.root)
    if warning:
        click.echo(warning, err=True)
    seconds = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    click.echo(f"  time: {seconds}")
