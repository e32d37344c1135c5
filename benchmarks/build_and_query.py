"""Benchmark: wall time of `sovkg build` and of `sovkg query` on this project, as a user runs them.

Runs each command several times through the real entry point in a temporary copy of the project
and prints the median and the range. Budget (seed graph, 2 cores): build under 5 s, a query
command under 1 s.

    python benchmarks/build_and_query.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sovkg", *args], cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        for folder in ("ontology", "kg", "shapes", "queries"):
            shutil.copytree(ROOT / folder, project / folder)
        sources = ROOT.parent / "shared" / "sources"
        if sources.is_dir():
            shutil.copytree(sources, project / "sources")
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
        print(f"{name:32s} median {statistics.median(values):.2f} s  "
              f"(min {min(values):.2f}, max {max(values):.2f}, {runs} runs)")


if __name__ == "__main__":
    main()
