"""Shared fixtures: temporary copies of the project, a built project, and the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sovkg.build.pipeline import build
from sovkg.project import Project
from sovkg.store.oxigraph_server import OxigraphServer, load_files

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_FOLDERS = ("ontology", "kg", "shapes", "queries")


def source_texts() -> Path | None:
    """The folder of the project's source documents, where this checkout sits beside them (the
    suite passes without them: the tests that need texts use fixtures under tests/fixtures/)."""
    for folder in Project(ROOT, ROOT / "dist").sources:
        if any(folder.glob("004_*.txt")):
            return folder
    return None


def copy_project(target: Path, kg: bool = True) -> Project:
    """A copy of this project's source folders (optionally without kg/) in ``target``."""
    for folder in PROJECT_FOLDERS:
        if folder == "kg" and not kg:
            (target / "kg").mkdir(parents=True)
            continue
        shutil.copytree(ROOT / folder, target / folder)
    sources = source_texts()
    if sources is not None:
        shutil.copytree(sources, target / "sources")
    return Project(target, target / "dist")


@pytest.fixture(autouse=True)
def _no_inherited_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SOVKG_PROJECT", "SOVKG_SOURCES", "SOVKG_ENDPOINT_USER", "SOVKG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A fresh, unbuilt copy of the whole project."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The whole project, built once for the session (treat as read-only)."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    build(project)
    return project


@pytest.fixture(scope="session")
def oxigraph_of_built(built: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A read-only Oxigraph server on loopback, over the session's built project."""
    location = tmp_path_factory.mktemp("oxigraph")
    load_files(location, (built.dist / "current" / "sovkg.trig").resolve())
    with OxigraphServer(location, read_only=True) as running:
        yield running


@pytest.fixture
def built_copy(tmp_path: Path, built: Project) -> Project:
    """A private copy of the built project that a test may break."""
    target = tmp_path / "project"
    shutil.copytree(built.root, target, symlinks=True)
    return Project(target, target / "dist")


Runner = Callable[..., subprocess.CompletedProcess[str]]


def run_sovkg(*args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real ``sovkg`` entry point in a folder, without inherited SOVKG_ settings."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "sovkg", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, env=environment, timeout=timeout)


@pytest.fixture
def sovkg() -> Runner:
    """Run the real ``sovkg`` entry point in a project folder; returns the finished process."""
    return run_sovkg
