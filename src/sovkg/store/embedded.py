"""The build folder and its embedded store, replaced atomically.

Each build writes everything (graph files and the pyoxigraph store) into a fresh folder
``dist/builds/<id>/``. Only when the folder is complete and valid does the link ``dist/current``
move to it, by an atomic rename, so a reader sees either the previous build or the new one and
never a half-written one. The build before the current one is kept, for readers that opened it
just before the swap; older ones are removed.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from sovkg.errors import EndpointError

KEEP_PREVIOUS = 1


def current_build(dist: Path) -> Path | None:
    link = dist / "current"
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


@contextmanager
def staging(dist: Path) -> Iterator[Path]:
    """A fresh build folder; removed again unless :func:`publish` adopted it."""
    builds = dist / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    folder = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    folder.mkdir()
    try:
        yield folder
    finally:
        if current_build(dist) != folder.resolve():
            shutil.rmtree(folder, ignore_errors=True)


def publish(dist: Path, folder: Path) -> None:
    """Point ``dist/current`` at ``folder`` atomically, then prune old builds."""
    link = dist / "current"
    temporary = dist / f".current-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(folder.relative_to(dist))
    os.replace(temporary, link)
    _prune(dist, keep={folder.resolve()})


def _prune(dist: Path, keep: set[Path]) -> None:
    builds = sorted((p for p in (dist / "builds").iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    old = [p for p in builds if p.resolve() not in keep]
    for folder in old[:-KEEP_PREVIOUS] if KEEP_PREVIOUS else old:
        shutil.rmtree(folder, ignore_errors=True)


def write_store(folder: Path, quads: list[ox.Quad]) -> Path:
    """Create the embedded store of a build and load its quads."""
    path = folder / "store"
    try:
        store = ox.Store(str(path))
        store.bulk_extend(quads)
        store.flush()
        store.optimize()
        del store
    except OSError as error:
        raise EndpointError(f"cannot write the embedded store at {path}: {error}") from error
    return path
