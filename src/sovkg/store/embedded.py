"""Writing the embedded pyoxigraph store of a build (its folder layout is :mod:`sovkg.store.build`'s)."""

from __future__ import annotations

import threading
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


class StoreLoad:
    """:func:`write_store` in a background thread, so that the store's indexing (its own code,
    which lets go of the interpreter) overlaps the writing of the other files. Always
    :meth:`wait` before the folder is published or removed."""

    def __init__(self, path: Path, dataset: Path, format: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
        self.path = path
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(dataset, format), name="store-load", daemon=True)
        self._thread.start()

    def _run(self, dataset: Path, format: ox.RdfFormat) -> None:
        try:
            write_store(self.path, dataset, format)
        except BaseException as error:  # handed to the thread that waits
            self._error = error

    def wait(self) -> Path:
        """The store's path once loaded; raises what loading raised (an OutputError if a write failed)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.path
