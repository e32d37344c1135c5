"""``sovkg docs``."""

from __future__ import annotations

import argparse
from pathlib import Path

from sovkg.cli.main import command, file, project_of
from sovkg.reports.query_docs import query_docs


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=file, default=None, metavar="FILE",
                        help="Where to write the page (default: docs/queries.md in the project; - for stdout).")


@command(_arguments)
def docs(args: argparse.Namespace) -> None:
    """Write docs/queries.md: every stored question with an example answer from the current build.

    Example:
      sovkg build && sovkg docs
    """
    project = project_of(args)
    output = args.output
    if output is None:
        project.require_writable("docs")
    page = query_docs(project)
    if output == "-":
        print(page, end="")
        return
    target = Path(output) if output else project.root / "docs" / "queries.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    print(f"wrote {target}")
