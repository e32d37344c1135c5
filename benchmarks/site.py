"""Benchmark: wall time of `sovkg site` and `sovkg release`, and the size of what they write.

Builds a temporary copy of the project once, then runs each command several times through the
real entry point and prints the median and the range, the number of pages and the site's size.

    python benchmarks/site.py [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import copy_project, report, timed


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        timed(["build"], project)
        site = [timed(["site"], project) for _ in range(runs)]
        release = [timed(["release", f"0.0.{n}"], project) for n in range(runs)]
        pages = len(list((project / "dist" / "site").rglob("*.html")))
        files, size = _size(project / "dist" / "site")
        release_files, release_size = _size(project / "dist" / "releases" / "0.0.0")
    report("sovkg site", site)
    report("sovkg release VERSION", release)
    print(f"site: {pages} pages, {files} files, {size / 1e6:.1f} MB")
    print(f"release folder: {release_files} files, {release_size / 1e6:.1f} MB (site included)")


if __name__ == "__main__":
    main()
