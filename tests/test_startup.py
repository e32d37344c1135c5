"""A stored question loads only what it answers with: not rdflib, not the build, not the importer."""

from __future__ import annotations

import subprocess
import sys

from sovkg.errors import EXIT_OK
from sovkg.project import Project

from .conftest import Runner

HEAVY = ("rdflib", "pyshacl", "owlrl", "sovkg.build", "sovkg.authoring", "openpyxl", "sovkg.cli.build_cmd")


def _imported(*args: str, cwd: object) -> set[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "sovkg", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == EXIT_OK, done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_a_stored_question_imports_no_rdflib_and_no_build_code(built: Project) -> None:
    modules = _imported("query", "us-dependencies", cwd=built.root)
    assert "sovkg.queries.run" in modules
    assert not [m for m in modules if m.startswith(HEAVY)]


def test_help_still_lists_every_command_and_a_command_loads_on_use(built: Project, sovkg: Runner) -> None:
    done = sovkg("--help", cwd=built.root)
    assert done.returncode == EXIT_OK
    for name in ("build", "validate", "query", "queries", "sparql", "docs", "load", "serve", "diff",
                 "new-country", "import"):
        assert f"\n  {name} " in done.stdout, name
    assert "Usage:" in sovkg("import", "--help", cwd=built.root).stdout
    assert "sovkg.build.pipeline" in _imported("validate", cwd=built.root)
