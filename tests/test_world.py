"""The scale benchmark's synthetic world is a valid sovkg project: it builds, and its quotes are
checked against the source texts written beside it (a world that failed validation would make
every figure of ``benchmarks/scale.py`` a measurement of a failed build)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, Runner


def test_world_builds_with_every_quote_checked(tmp_path: Path, sovkg: Runner) -> None:
    world = tmp_path / "world"
    written = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "world.py"), "--triples", "4000",
                              "--out", str(world)], capture_output=True, text=True, check=True)
    assert "asserted triples" in written.stdout
    result = sovkg("build", cwd=world)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    quotes = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in (world / "sources").glob("*.txt"))
    assert f"quotes verified: {quotes}" in result.stdout
    asserted = int(result.stdout.split("triples: ")[1].split(" asserted")[0])
    assert 3000 < asserted < 5000
