"""Benchmark: wall time of `sovkg import` for each sheet of the walk-through, and the memory a
zip-bomb workbook costs before it is refused.

Each run makes a fresh copy of the project with the fictional country Freedonia, then imports the
walk-through's sheets in order (each import parses, reasons and validates the whole graph twice:
once to resolve names, once with the new facts). Prints the median per sheet and the peak
resident memory of the process that refuses a workbook that would expand to 1 GB.

    python benchmarks/import_sheets.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, copy_project, report, timed

WALK = ROOT / "tests" / "fixtures" / "walkthrough"
SHEETS = ("actors.csv", "compute.csv", "models.csv", "funding.csv", "policies.tsv")


def freedonia(target: Path) -> Path:
    project = copy_project(target)
    subprocess.run([sys.executable, "-m", "sovkg", "new-country", "XF", "--name", "Freedonia"], cwd=project,
                   check=True, capture_output=True)
    scaffold = project / "kg" / "countries" / "xf.ttl"
    scaffold.write_text(scaffold.read_text() + "\n" + (WALK / "source.ttl").read_text())
    (project / "sources").mkdir(exist_ok=True)
    shutil.copy(WALK / "freedonia-ai-plan.txt", project / "sources")
    return project


def bomb_peak_mb(folder: Path, project: Path) -> float:
    import openpyxl

    book = folder / "bomb.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "kind", "country", "source", "quote"])
    workbook.save(book)
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/x.xml", "w") as part:
        for _ in range(1024):
            part.write(b"\0" * 1024 ** 2)
    done = subprocess.run([sys.executable, "-m", "sovkg", "import", str(book)], cwd=project, capture_output=True,
                          text=True, env={k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")})
    assert "zip" in done.stderr or "expand" in done.stderr, done.stderr
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    figures: dict[str, list[float]] = {f"sovkg import {sheet}": [] for sheet in SHEETS}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            project = freedonia(Path(tmp) / f"project-{run}")
            for sheet in SHEETS:
                figures[f"sovkg import {sheet}"].append(timed(["import", str(WALK / sheet)], project))
        peak = bomb_peak_mb(Path(tmp), project)
    for name, values in figures.items():
        report(name, values)
    print(f"peak memory of any sovkg process here, including refusing a 1 GB zip bomb: {peak:.0f} MB")


if __name__ == "__main__":
    main()
