"""``sovkg diff``."""

from __future__ import annotations

import argparse

from sovkg.cli.main import command, project_of
from sovkg.reports.diff import FORMATS, diff, load_facts


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="A build folder, a git revision or worktree.")
    parser.add_argument("new", metavar="NEW", help="The same, to compare with OLD.")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="text",
                        help="text for a reviewer; json for the same as one JSON document (default: text).")


@command(_arguments)
def diff_command(args: argparse.Namespace) -> None:
    """List the facts added, removed and changed from OLD to NEW, grouped by entity.

    OLD and NEW are each a build folder (one holding asserted.nt, e.g. dist/current), a git
    revision of the project (HEAD~1, main, a sha: its kg/*.ttl, read without a checkout), or the
    word "worktree" for the kg/ files on disk. Only asserted facts (kg/) are compared, never
    inferred ones. Blank nodes (evidence) are compared by content.

    Lines: "+ property value" added, "- property value" removed,
    "~ property old -> new" one value replaced by another.
    Exit codes: 0 whether or not there are differences; 2 an unknown revision,
    a folder without asserted.nt, or malformed Turtle.
    Examples:
      sovkg diff HEAD~1 worktree
      sovkg diff dist/builds/OLD-ID dist/current --format json
    """
    project = project_of(args)
    changes = diff(load_facts(project, args.old), load_facts(project, args.new))
    print(changes.render(args.fmt))
