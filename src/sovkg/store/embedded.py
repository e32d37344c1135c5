"""Writing the embedded pyoxigraph store of a build (its folder layout is :mod:`sovkg.store.build`'s)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from sovkg.store.build import write_failed


def write_store(path: Path, dataset: Path, format: ox.RdfFormat = ox.RdfFormat.TRIG) -> Path:
    """Create the embedded store at ``path`` and bulk-load the dataset file written beside it (the
    parsing and indexing run in the store's own code, never a Python object per quad)."""
    try:
        store = ox.Store(str(path))
        store.bulk_load(path=dataset, format=format)
        store.flush()
        store.optimize()
        del store
    except OSError as error:
        raise write_failed(path, error) from None
    return path
