"""sovkg installed from its wheel, used outside any project folder.

Regression: installed from a wheel, `new-country`, `import` and `docs` wrote into site-packages and
printed a relative path that did not exist where the user stood. Now they refuse and say to run
`sovkg init DIR`, which copies the packaged ontology, kg, shapes and queries into a new folder.
The wheel is built from this checkout and installed into a folder of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sovkg.errors import EXIT_INPUT, EXIT_OK

from .conftest import FIXTURES, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding sovkg installed from a freshly built wheel (its dependencies come from the
    test environment)."""
    base = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(base / "wheels"), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    [wheel] = (base / "wheels").glob("sovkg-*.whl")
    target = base / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return target


def run(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")}
    environment.update(PYTHONPATH=str(site), HOME=str(cwd), XDG_CACHE_HOME=str(cwd / ".cache"))
    return subprocess.run([sys.executable, "-m", "sovkg", *args], cwd=cwd, capture_output=True, text=True,
                          env=environment, timeout=300)


def test_the_wheel_is_what_runs(installed: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", "import sovkg; print(sovkg.__file__)"], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True)
    assert done.stdout.startswith(str(installed))


@pytest.mark.parametrize("args", [["new-country", "XF", "--name", "Freedonia"],
                                  ["import", str(FIXTURES / "walkthrough" / "actors.csv")],
                                  ["docs"]], ids=["new-country", "import", "docs"])
def test_authoring_outside_a_project_refuses_and_says_how_to_make_one(installed: Path, tmp_path: Path,
                                                                      args: list[str]) -> None:
    before = sorted(p.relative_to(installed) for p in installed.rglob("*"))
    done = run(installed, *args, cwd=tmp_path)
    assert done.returncode == EXIT_INPUT
    assert "make one with `sovkg init DIR`, then run the command inside DIR" in done.stderr
    assert sorted(p.relative_to(installed) for p in installed.rglob("*")) == before  # nothing in site-packages


def test_init_makes_a_project_that_builds_and_takes_a_country(installed: Path, tmp_path: Path) -> None:
    done = run(installed, "init", "my-graph", cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    project = tmp_path / "my-graph"
    for folder in ("ontology", "kg", "shapes", "queries", "sources"):
        assert (project / folder).is_dir(), folder
    assert (project / "ontology" / "sovkg.ttl").read_bytes() == (ROOT / "ontology" / "sovkg.ttl").read_bytes()
    made = run(installed, "new-country", "XF", "--name", "Freedonia", cwd=project)
    assert made.returncode == EXIT_OK, made.stderr
    assert made.stdout.startswith("wrote kg/countries/xf.ttl")  # a path that exists where the user stands
    assert (project / "kg" / "countries" / "xf.ttl").is_file()
    built = run(installed, "build", cwd=project)
    assert built.returncode == EXIT_OK, built.stderr
    assert "WARNING:" in built.stderr and "put those texts in sources/" in built.stderr
    again = run(installed, "init", "my-graph", cwd=tmp_path)
    assert again.returncode == EXIT_INPUT and "exists and is not an empty folder" in again.stderr
