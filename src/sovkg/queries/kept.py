"""Answers kept with a build: the SELECT results a stored question needs, worked out once by
``sovkg build`` and read back by the embedded engine instead of being evaluated again.

On a large graph, a question that answers one row per project costs seconds of lookups on the
on-disk store, every time it is asked, although a build never changes once published. So the
build answers the stored questions that need no parameter (or only defaulted ones) on the
store it reasons in, and keeps each SELECT it ran (the question, its labels, its owners, its
name lookups) under ``answers/``, named by a digest of the exact query text. A query whose text
differs by one character (an edited question, another parameter) is not found there and is
evaluated as before, so a kept answer is never stale.

The file is JSON: the variables, each distinct term once, and the rows as indices into the
terms. No results format of a library does this, and it matters at scale: a long answer names
the same countries and actors on row after row, and reading a standard results file back made
one term object per cell (half a second for 36,000 rows at a million triples, against a tenth
of that here). The terms read back are shared between rows, which later steps count on to work
out each distinct cell once.

Beside a stored question's answer the build also keeps its view: the whole answer as people read
it (:class:`~sovkg.results.present.View`), which a table is drawn from without reading the answer
back. A view depends on more than the query text: on the question's header (which the text holds
today, but a view should not rest on that) and on the code that makes views, so both are in its
key.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sovkg.results.present import View

# A kept answer is only valid for the engine that wrote it (another version may answer otherwise)
# and in the layout this module reads.
_ENGINE = f"pyoxigraph {ox.__version__}\nkept terms and rows\n"

Rows = list[list[object]]


def kept_file(folder: Path, text: str) -> Path:
    """Where the answer to the exact query ``text`` is kept in ``folder``."""
    digest = hashlib.sha256((_ENGINE + text).encode("utf-8")).hexdigest()
    return folder / f"{digest}.json"


def read_kept(folder: Path, text: str) -> tuple[list[str], Rows] | None:
    """The kept answer to ``text`` as its variables and rows, or None if there is none (or it
    cannot be read: a file left empty by a machine that stopped before writing it out, say)."""
    datatypes: dict[str, ox.NamedNode] = {}
    return _read(folder, text, lambda term: _term(term, datatypes))


def read_kept_plain(folder: Path, text: str) -> tuple[list[str], list[list[object]]] | None:
    """The kept answer to ``text`` without making RDF terms, for a caller that only reads texts
    (the labels of 40,000 IRIs, say, where making the terms costs more than the rest): an IRI as
    its text, a literal as its text and language tag (None for a literal with a datatype), None
    where unbound. None if there is no such answer."""
    return _read(folder, text, lambda term: term if isinstance(term, str) else
                 (term[0], term[1][1:] if term[1].startswith("@") else None))


def _read(folder: Path, text: str, decoded: Callable[[Any], object]) -> tuple[list[str], list[list[object]]] | None:
    """The kept answer to ``text``, each distinct term ``decoded`` once."""
    try:
        data = json.loads(kept_file(folder, text).read_bytes())
        terms = [None, *(decoded(term) for term in data["terms"])]
        return list(data["variables"]), [[terms[i] for i in row] for row in data["rows"]]
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


@functools.cache
def _view_code() -> str:
    """A digest of the code that turns answers into views (this package and the results one): a
    view kept by other code is not taken for this code's."""
    digest = hashlib.sha256()
    for package in (Path(__file__).parent, Path(__file__).parent.parent / "results"):
        for source in sorted(package.glob("*.py")):
            digest.update(source.read_bytes())
    return digest.hexdigest()


def view_file(folder: Path, text: str, presentation: str) -> Path:
    """Where the view of the answer to ``text`` shown as ``presentation`` says is kept."""
    key = f"{_ENGINE}view of\n{_view_code()}\n{presentation}\n{text}"
    return folder / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()}.view.json"


def keep_view(folder: Path, text: str, presentation: str, view: View) -> None:
    """Keep the whole ``view`` of the answer to ``text`` (each of its rows)."""
    folder.mkdir(exist_ok=True)
    # a view is flat: its fields as they are (asdict would copy each of its cells first)
    _write(view_file(folder, text, presentation), {f.name: getattr(view, f.name) for f in dataclasses.fields(view)})


def read_kept_view(folder: Path, text: str, presentation: str) -> View | None:
    """The kept view of the answer to ``text`` shown as ``presentation`` says, or None."""
    try:
        data = json.loads(view_file(folder, text, presentation).read_bytes())
        return View(**data)
    except (OSError, ValueError, TypeError):
        return None


def _write(path: Path, data: object) -> None:
    """Write ``data`` as JSON under another name, then rename it (a reader never sees half a file)."""
    partial = path.with_suffix(f".{os.getpid()}.partial")
    try:
        # dumps, not dump: only the one-shot encoder is the C one (ten times faster on long answers)
        partial.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def keep(folder: Path, text: str, variables: list[str], solutions: Iterable[Iterable[object]],
         quietly: bool = False) -> tuple[list[str], Rows]:
    """Keep ``solutions`` (rows of terms, None where unbound, in the order of ``variables``) as the
    answer to ``text`` and give them back as variables and rows (results can be iterated only
    once). An answer that names a blank node is not kept (its label holds only in the store that
    gave it), nor one with a literal of a text direction. ``quietly``, an answer that cannot be
    written is not kept, and that is all.

    Raises:
        OSError: the answer could not be written (unless ``quietly``).
    """
    index: dict[object, int] = {}
    terms: list[object] = [None]
    rows: list[list[int]] = []
    for solution in solutions:
        row = []
        for term in solution:
            number = index.get(term) if term is not None else 0
            if number is None:
                number = index[term] = len(terms)
                terms.append(term)
            row.append(number)
        rows.append(row)
    if all(isinstance(term, ox.NamedNode) or (isinstance(term, ox.Literal) and not term.direction)
           for term in terms[1:]):
        try:
            folder.mkdir(exist_ok=True)
            _write(kept_file(folder, text), {"variables": variables, "terms": _encoded(terms[1:]), "rows": rows})
        except OSError:
            if not quietly:
                raise
    return variables, [[terms[i] for i in row] for row in rows]


def _encoded(terms: Iterable[object]) -> list[object]:
    """An IRI as its text; a literal as its text with its language tag (after "@") or datatype."""
    return [term.value if isinstance(term, ox.NamedNode)
            else [term.value, f"@{term.language}" if term.language else term.datatype.value]  # type: ignore[union-attr]
            for term in terms]


def _term(encoded: str | list[str], datatypes: dict[str, ox.NamedNode]) -> ox.NamedNode | ox.Literal:
    """A term read back (``datatypes``: each datatype's IRI made once, for all the literals)."""
    if isinstance(encoded, str):
        return ox.NamedNode(encoded)
    value, kind = encoded
    if kind.startswith("@"):
        return ox.Literal(value, language=kind[1:])
    datatype = datatypes.get(kind)
    if datatype is None:
        datatype = datatypes[kind] = ox.NamedNode(kind)
    return ox.Literal(value, datatype=datatype)
