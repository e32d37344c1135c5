"""Benchmark: how long `sovkg load` takes to put the built graph into each real triplestore.

Builds a temporary copy of the project, then for each store starts a fresh private instance on
loopback, loads the build several times through the real entry point, and prints the median and
range. Stores: an Oxigraph server (pip package oxigraph), and Virtuoso Open Source 7 when
virtuoso-t is installed (Debian package virtuoso-opensource-7-bin).

    python benchmarks/load.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.virtuoso import Virtuoso, installed  # noqa: E402

from sovkg.store.oxigraph_server import OxigraphServer  # noqa: E402


def timed_load(project: Path, url: str, env: dict[str, str] | None = None) -> float:
    environment = {**os.environ, **(env or {})}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sovkg", "load", "--endpoint", url], cwd=project, check=True,
                   capture_output=True, env=environment)
    return time.perf_counter() - start


def report(name: str, values: list[float]) -> None:
    print(f"{name:28s} median {statistics.median(values):.2f} s  (min {min(values):.2f}, "
          f"max {max(values):.2f}, {len(values)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        for folder in ("ontology", "kg", "shapes", "queries"):
            shutil.copytree(ROOT / folder, project / folder)
        subprocess.run([sys.executable, "-m", "sovkg", "build"], cwd=project, check=True, capture_output=True)
        triples = json.loads((project / "dist" / "current" / "build.json").read_text())["triples"]
        print(f"graphs loaded: ontology {triples['ontology']}, asserted {triples['asserted']}, "
              f"inferred {triples['inferred']} triples")
        with OxigraphServer(Path(tmp) / "oxigraph", union_default_graph=False) as server:
            report("Oxigraph server (PUT)", [timed_load(project, server.url) for _ in range(runs)])
        if installed():
            virtuoso = Virtuoso(Path(tmp) / "virtuoso").start()
            try:
                virtuoso.provision("bench-dba-pw", "bench_loader", "bench-pw")
                env = {"SOVKG_ENDPOINT_USER": "bench_loader", "SOVKG_ENDPOINT_PASSWORD": "bench-pw"}
                report("Virtuoso (PUT, count, MOVE)", [timed_load(project, virtuoso.url, env) for _ in range(runs)])
            finally:
                virtuoso.stop()
        else:
            print("Virtuoso: not installed (apt-get install virtuoso-opensource-7-bin)")


if __name__ == "__main__":
    main()
