"""What the benchmark scripts share: a temporary copy of the project, timing a command, printing figures."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(target: Path) -> Path:
    """The project's source folders (and the source texts, if beside it) copied to ``target``."""
    for folder in ("ontology", "kg", "shapes", "queries"):
        shutil.copytree(ROOT / folder, target / folder)
    sources = ROOT.parent / "shared" / "sources"
    if sources.is_dir():
        shutil.copytree(sources, target / "sources")
    return target


def timed(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Wall time of one `sovkg` command run through the real entry point."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sovkg", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def report(name: str, values: list[float]) -> None:
    print(f"{name:32s} median {statistics.median(values):.2f} s  (min {min(values):.2f}, "
          f"max {max(values):.2f}, {len(values)} runs)")
