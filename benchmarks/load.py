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
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import copy_project, report, timed
from tests.support.virtuoso import Virtuoso, installed

from sovkg.store.oxigraph_server import OxigraphServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        timed(["build"], project)
        triples = json.loads((project / "dist" / "current" / "build.json").read_text())["triples"]
        print(f"graphs loaded: ontology {triples['ontology']}, asserted {triples['asserted']}, "
              f"inferred {triples['inferred']} triples")
        with OxigraphServer(Path(tmp) / "oxigraph", union_default_graph=False) as server:
            report("Oxigraph server (PUT)", [timed(["load", "--endpoint", server.url], project) for _ in range(runs)])
        if installed():
            virtuoso = Virtuoso(Path(tmp) / "virtuoso").start()
            try:
                virtuoso.provision("bench-dba-pw", "bench_loader", "bench-pw")
                env = {"SOVKG_ENDPOINT_USER": "bench_loader", "SOVKG_ENDPOINT_PASSWORD": "bench-pw"}
                loads = [timed(["load", "--endpoint", virtuoso.url], project, env) for _ in range(runs)]
                report("Virtuoso (PUT, count, MOVE)", loads)
            finally:
                virtuoso.stop()
        else:
            print("Virtuoso: not installed (apt-get install virtuoso-opensource-7-bin)")


if __name__ == "__main__":
    main()
