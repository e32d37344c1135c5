"""``sovkg validate``."""

from __future__ import annotations

import sys

import click

from sovkg.build.pipeline import check, load_graphs
from sovkg.build.validate import VALIDATORS, reads_dependency_records
from sovkg.cli.main import project_of
from sovkg.errors import EXIT_OK, EXIT_VIOLATIONS
from sovkg.reports.validation import as_json, as_text, quote_warning


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--validator", type=click.Choice(VALIDATORS), default="fast", show_default=True,
              help="fast: each shape constraint as one SPARQL query; pyshacl: the reference validator (slow).")
@click.pass_context
def validate(ctx: click.Context, fmt: str, validator: str) -> None:
    """Check the graph against the shapes, the checks, the vocabulary and the sources.

    \b
    Exit codes: 0 conforms, 1 violations, 2 unusable input. Writes nothing.
    Example:
      sovkg validate --format json
    """
    project = project_of(ctx)
    # The dependency records are for the questions: computed only if a shape or check reads them.
    records = reads_dependency_records([*project.shape_files(), *sorted(project.checks.glob("*.rq"))])
    report = check(project, load_graphs(project, dependency_records=records), validator=validator)
    click.echo(as_json(report, project.root) if fmt == "json" else as_text(report, project.root))
    warning = quote_warning(report, project.root)
    if warning and fmt == "json":
        click.echo(warning, err=True)
    sys.exit(EXIT_OK if report.conforms else EXIT_VIOLATIONS)
