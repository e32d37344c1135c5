"""``sovkg build``."""

from __future__ import annotations

import argparse
import sys

from sovkg.build.pipeline import build as run_build
from sovkg.build.reason import REASONERS
from sovkg.build.validate import VALIDATORS
from sovkg.cli.main import at_least, command, project_of, say
from sovkg.errors import ValidationFailed
from sovkg.progress import Progress
from sovkg.reports.validation import as_text, quote_warning


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reasoner", choices=REASONERS, default="fast",
                        help="fast: the entailments the queries use; owlrl: owlrl's full OWL 2 RL closure (slow) "
                             "(default: fast).")
    parser.add_argument("--lock-timeout", type=at_least(0), default=None, metavar="SECONDS",
                        help="How long to wait for another build of the same project to finish "
                             "(default: $SOVKG_LOCK_TIMEOUT, else 600).")
    parser.add_argument("--validator", choices=VALIDATORS, default="fast",
                        help="fast: each shape constraint as one SPARQL query; pyshacl: the reference validator "
                             "(slow) (default: fast).")
    parser.add_argument("--no-answers", action="store_true",
                        help="Do not answer the stored questions and keep their answers with the build (faster on "
                             "a large graph; the questions are then evaluated each time they are asked).")


@command(_arguments)
def build(args: argparse.Namespace) -> None:
    """Parse, reason, validate, and write dist/ and the embedded store.

    Nothing is written unless the graph is valid; the previous build stays current.
    Builds of one project publish one at a time: a second one waits for the first.
    Example:
      sovkg build
    """
    project = project_of(args)
    progress = Progress(command="sovkg build")  # steps on a terminal only, once the build has run a couple of seconds
    try:
        result = run_build(project, args.reasoner, args.lock_timeout,
                           on_wait=lambda message: say(f"sovkg: {message}"),
                           validator=args.validator, progress=progress, answers=not args.no_answers)
    except ValidationFailed as failure:
        progress.close()
        print(as_text(failure.report, project.root), file=sys.stderr)
        raise
    finally:
        progress.close()
    counts = result.counts
    print(f"Built {result.folder} (now the current build)")
    print(f"  triples: {counts['asserted']} asserted, {counts['inferred']} inferred, "
          f"{counts['ontology']} ontology")
    print(f"  quotes verified: {result.report.quotes_checked}")
    warning = quote_warning(result.report, project.root)
    if warning:
        print(warning, file=sys.stderr)
    seconds = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    print(f"  time: {seconds}")
