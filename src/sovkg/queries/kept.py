"""Answers kept with a build: the SELECT results a stored question needs, worked out once by
``sovkg build`` and read back by the embedded engine instead of being evaluated again.

On a large graph, a question that answers one row per project costs seconds of lookups on the
on-disk store, every time it is asked, although a build never changes once published. So the
build answers the stored questions that need no parameter (or only defaulted ones) on the
store it reasons in, and keeps each SELECT it ran (the question, its labels, its owners, its
name lookups) as a SPARQL results file (tab-separated) under ``answers/``, named by a digest of
the exact query text. A query whose text differs by one character (an edited question, another
parameter) is not found there and is evaluated as before, so a kept answer is never stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import pyoxigraph as ox

# Tab-separated results hold every RDF term whole (N-Triples syntax) and read back the fastest.
TSV = ox.QueryResultsFormat.TSV
# A kept answer is only valid for the engine that wrote it: another version may answer otherwise.
_ENGINE = f"pyoxigraph {ox.__version__}\n"


def kept_file(folder: Path, text: str) -> Path:
    """Where the answer to the exact query ``text`` is kept in ``folder``."""
    digest = hashlib.sha256((_ENGINE + text).encode("utf-8")).hexdigest()
    return folder / f"{digest}.tsv"


def read_kept(folder: Path, text: str) -> ox.QuerySolutions | None:
    """The kept answer to ``text``, or None if there is none (or it cannot be read)."""
    path = kept_file(folder, text)
    try:
        result = ox.parse_query_results(path=path, format=TSV)
    except (OSError, SyntaxError, ValueError):
        return None
    # An answer file left empty (a machine that stopped before writing it out) names no
    # variable, which no kept SELECT does: it is not an answer.
    return result if isinstance(result, ox.QuerySolutions) and result.variables else None


def keep(folder: Path, text: str, solutions: ox.QuerySolutions) -> ox.QuerySolutions:
    """Keep ``solutions`` as the answer to ``text`` and give them back, read from what was kept
    (results can be iterated only once). An answer that names a blank node is not kept: its
    label holds only in the store that gave it."""
    data = solutions.serialize(format=TSV)
    # A term of a tab-separated row starts a line or follows a tab (literals escape both).
    if not (data.startswith(b"_:") or b"\t_:" in data or b"\n_:" in data):
        folder.mkdir(exist_ok=True)
        path = kept_file(folder, text)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        try:
            partial.write_bytes(data)
            os.replace(partial, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
    return _parsed(data)


def _parsed(data: bytes) -> ox.QuerySolutions:
    result = ox.parse_query_results(data, format=TSV)
    assert isinstance(result, ox.QuerySolutions)  # what a SELECT gave
    return result
