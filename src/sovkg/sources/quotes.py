"""Check that each quote in the graph occurs in the text of the source it cites.

Both sides are normalised the same way first: whitespace collapsed, typographic quotes and
apostrophes made straight, and the markup that collection left in the texts dropped (Markdown
link brackets ``[text](#)`` and backslashes before ``$``). Nothing else is forgiven: a quote that
paraphrases fails.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sovkg.namespaces import SOV

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                              "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """The form in which quotes and source texts are compared."""
    # Each step only when the text holds what it changes: most quotes are plain ASCII.
    if "[" in text:
        text = _LINK.sub(r"\1", text)
    if "\\" in text:
        text = text.replace("\\$", "$").replace("\\", "")
    if not text.isascii():
        text = text.translate(_TYPOGRAPHIC)
    return " ".join(text.split())


@dataclass(frozen=True)
class QuoteProblem:
    """A quote that could not be verified."""

    evidence: ox.BlankNode | ox.NamedNode
    source: ox.NamedNode
    quote: str
    reason: str
    missing_text: str | None = None  # the file name, when no sources folder holds the cited text


def find_text(file_name: str, folders: Sequence[Path]) -> Path | None:
    """The first of ``folders`` that holds ``file_name``, searched in order."""
    for folder in folders:
        path = folder / file_name
        if path.is_file():
            return path
    return None


def check_quotes(store: ox.Store, folders: Sequence[Path] | Path) -> tuple[int, list[QuoteProblem]]:
    """Verify every (evidence, source, quote) in the store against the texts in ``folders``.

    Every folder is searched for a source's file. A quote whose text no folder holds is returned
    as a problem with ``missing_text`` set: it could not be checked, which is not the same as wrong.

    Returns:
        The number of quotes checked against a text, and the problems found.
    """
    folders = [folders] if isinstance(folders, Path) else list(folders)
    query = f"""
        SELECT ?evidence ?source ?quote ?file WHERE {{
            ?evidence <{SOV.quote}> ?quote ; <{SOV.source}> ?source .
            OPTIONAL {{ ?source <{SOV.fileName}> ?file }}
        }}"""
    checked = 0
    problems: list[QuoteProblem] = []
    # Each file looked up and read once per call, however many quotes cite it (and read afresh by
    # the next call: the texts may have changed in between).
    paths: dict[str, Path | None] = {}
    texts: dict[Path, str] = {}
    for row in store.query(query, use_default_graph_as_union=True):
        evidence, source, quote, file = row[0], row[1], row[2].value, row[3]
        if file is None:
            checked += 1
            problems.append(QuoteProblem(evidence, source, quote,
                                         "the cited source has no sov:fileName, so the quote cannot be checked"))
            continue
        if file.value not in paths:
            paths[file.value] = find_text(file.value, folders)
        path = paths[file.value]
        if path is None:
            problems.append(QuoteProblem(evidence, source, quote, f"source text {file.value} is in no sources folder",
                                         missing_text=file.value))
            continue
        checked += 1
        if path not in texts:
            texts[path] = normalise(path.read_text(encoding="utf-8"))
        if normalise(quote) not in texts[path]:
            problems.append(QuoteProblem(evidence, source, quote, f"quote does not occur in {file.value}"))
    return checked, problems
