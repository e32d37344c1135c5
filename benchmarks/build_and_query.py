"""Benchmark: wall time of `sovkg build`, `sovkg query` and `sovkg validate` as a user runs them.

Runs each command several times through the real entry point in a temporary copy of the project
and prints the median and the range. Budget (seed graph, 2 cores): build under 5 s, a query
command under 1 s.

    python benchmarks/build_and_query.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import copy_project, report, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        figures = {
            "sovkg build": [timed(["build"], project) for _ in range(runs)],
            "sovkg query us-dependencies": [timed(["query", "us-dependencies"], project) for _ in range(runs)],
            "sovkg validate": [timed(["validate"], project) for _ in range(runs)],
        }
        manifest = json.loads((project / "dist" / "current" / "build.json").read_text())
    print(f"graph: {manifest['triples']['asserted']} asserted, {manifest['triples']['inferred']} inferred, "
          f"{manifest['triples']['ontology']} ontology triples; {manifest['quotes_checked']} quotes")
    print(f"in-process steps of the last build (s): {manifest['seconds']}")
    for name, values in figures.items():
        report(name, values)


if __name__ == "__main__":
    main()
