"""Writing the embedded pyoxigraph store of a build (its folder layout is :mod:`sovkg.store.build`'s)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from sovkg.store.build import write_failed


def write_store(path: Path, quads: list[ox.Quad]) -> Path:
    """Create the embedded store at ``path`` and load its quads."""
    try:
        store = ox.Store(str(path))
        store.bulk_extend(quads)
        store.flush()
        store.optimize()
        del store
    except OSError as error:
        raise write_failed(path, error) from None
    return path
