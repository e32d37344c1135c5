"""``sovkg validate``."""

from __future__ import annotations

import argparse
import sys
import threading

from sovkg.build.parse import read_text
from sovkg.build.pipeline import parse_graphs, reason_graphs
from sovkg.build.support import check_support
from sovkg.build.validate import VALIDATORS, Report, check_parsed, reads_dependency_records
from sovkg.build.validate import validate as validate_graphs
from sovkg.children import in_child
from sovkg.cli.main import command, project_of
from sovkg.errors import EXIT_OK, EXIT_VIOLATIONS
from sovkg.progress import Progress
from sovkg.project import Project
from sovkg.reports.validation import as_json, as_text, quote_warning


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", dest="fmt", choices=("text", "json"), default="text",
                        help="text for people; json for tools (default: text).")
    parser.add_argument("--validator", choices=VALIDATORS, default="fast",
                        help="fast: each shape constraint as one SPARQL query; pyshacl: the reference validator "
                             "(slow) (default: fast).")


@command(_arguments)
def validate(args: argparse.Namespace) -> int:
    """Check the graph against the shapes, the checks, the vocabulary and the sources.

    Exit codes: 0 conforms, 1 violations, 2 unusable input. Writes nothing.
    Example:
      sovkg validate --format json
    """
    project = project_of(args)
    fmt = args.fmt
    with Progress(command="sovkg validate") as progress:  # steps on a terminal, after a couple of seconds
        report = validate_project(project, args.validator, progress)
    print(as_json(report, project.root) if fmt == "json" else as_text(report, project.root))
    warning = quote_warning(report, project.root)
    if warning and fmt == "json":
        print(warning, file=sys.stderr)
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS


def validate_project(project: Project, validator: str, progress: Progress | None = None) -> Report:
    """What :func:`sovkg.build.pipeline.check` reports on :func:`load_graphs`, sooner: the reasoner
    runs in a thread (it works inside the store, without the interpreter lock) and the support rules
    in a child process, while the files are indexed and the vocabulary rules read the parsed quads.
    ``progress`` hears the steps: parse, reason (with the checks run meanwhile), validate."""
    progress = progress or Progress(delay=float("inf"))
    shape_files, check_files = project.shape_files(), sorted(project.checks.glob("*.rq"))
    query_files = sorted(project.queries.glob("*.rq"))
    # The dependency records are for the questions: made only if a shape or check may read them.
    records = reads_dependency_records([*shape_files, *check_files])
    graphs = parse_graphs(project, progress=progress, located=False)
    support = in_child(check_support, graphs.ontology, graphs.facts, project.sources)
    failure: list[BaseException] = []

    def reason() -> None:
        try:
            reason_graphs(graphs, dependency_records=records)
        except BaseException as error:  # raised again in the caller's thread
            failure.append(error)

    # a daemon, so that Ctrl-C need not wait for the reasoner's current step
    reasoning = threading.Thread(target=reason, name="reasoner", daemon=True)
    with progress.step("reason"):
        reasoning.start()
        try:
            for path in [project.ontology, *project.kg_files()]:
                graphs.index.add_file(path, read_text(path))
            parsed = check_parsed(graphs.ontology, graphs.facts, graphs.index,
                                  [*shape_files, *check_files, *query_files], project.sources, support)
        except Exception:
            support.cancel()  # if its result was not had yet
            reasoning.join()
            if failure:  # the reasoner's error first, as when it ran first
                raise failure[0] from None
            raise
        reasoning.join()
    if failure:
        raise failure[0]
    with progress.step("validate"):
        return validate_graphs(graphs.ontology, graphs.facts, None, graphs.index, shape_files, check_files,
                               project.sources, query_files, validator, graphs.store, parsed)
