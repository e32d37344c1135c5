"""Parse the ontology, the facts and the shapes, and remember where each term is written.

Parsing is pyoxigraph's (15-20 times faster than rdflib's). A syntax error becomes an
:class:`InputError` naming file, line and column. The :class:`SourceIndex` lets reports point a
reader at the file and line where a node is described, which no RDF parser keeps.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sovkg.errors import InputError
from sovkg.lexical import mask

# A prefix declaration on a line of a text (``\s`` never crossing a newline).
_PREFIX_DECL_LINE = re.compile(r"^[^\S\n]*(?:@prefix|PREFIX)[^\S\n]+([A-Za-z][\w.-]*)?:[^\S\n]*<([^>\n]*)>",
                               re.I | re.M)
_TERM = re.compile(r"<([^>\s]+)>|(?<![\w\"'])([A-Za-z][\w.-]*)?:((?:[\w-]|\.(?=[\w-]))*)")


@dataclass(frozen=True)
class Location:
    """A place in a source file."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class SourceIndex:
    """Where each IRI is first described (as a subject) or first mentioned, per file.

    Only a report about a term asks where it is written, and a graph that conforms has none: the
    files are indexed on the first question (a third of parsing at a million triples), in the
    order they were added.
    """

    def __init__(self) -> None:
        self.texts: dict[Path, str] = {}  # whole texts: far smaller than their lines
        self._defined: dict[str, Location] = {}
        self._mentioned: dict[str, list[Location]] = {}
        self._statements: dict[tuple[str, str], list[Location]] = {}
        self._pending: list[tuple[Path, str]] = []

    @property
    def defined(self) -> dict[str, Location]:
        self._index_pending()
        return self._defined

    @property
    def mentioned(self) -> dict[str, list[Location]]:
        self._index_pending()
        return self._mentioned

    @property
    def statements(self) -> dict[tuple[str, str], list[Location]]:
        self._index_pending()
        return self._statements

    def where_statement(self, subject: str, predicate: str, value: str | None = None) -> Location | None:
        """Where ``predicate`` is written in a description of ``subject``: on the line that also
        names ``value`` if there is one, else the first such line."""
        places = self.statements.get((subject, predicate), [])
        if value is not None:
            for place in places:
                if place in self.mentioned.get(value, ()):
                    return place
        return places[0] if places else None

    def where(self, iri: str) -> Location | None:
        if iri in self.defined:
            return self.defined[iri]
        places = self.mentioned.get(iri)
        return places[0] if places else None

    def find_text(self, fragment: str) -> Location | None:
        """The first line, in any indexed file, that contains ``fragment``."""
        for path, text in self.texts.items():
            if fragment not in text:
                continue
            for number, line in enumerate(text.splitlines(), start=1):
                if fragment in line:
                    return Location(path, number)
        return None

    def add_file(self, path: Path, text: str) -> None:
        """Remember a file's text; its terms are indexed when first asked for."""
        self.texts[path] = text
        self._pending.append((path, text))

    def _index_pending(self) -> None:
        pending, self._pending = self._pending, []
        for path, text in pending:
            self._index(path, text)

    def _index(self, path: Path, text: str) -> None:
        prefixes: dict[str, str] = {}
        subject: str | None = None
        # Prefix declarations are read on the raw lines, terms on the masked text; both are found
        # by one scan of the whole text each, and the line of a match by counting newlines up to it.
        declarations: list[tuple[int, str, str]] = []
        line, seen = 1, 0
        for found in _PREFIX_DECL_LINE.finditer(text):
            line, seen = line + text.count("\n", seen, found.start()), found.start()
            declarations.append((line, found.group(1) or "", found.group(2)))
        declared = {line for line, _, _ in declarations}
        pending = iter(declarations)
        upcoming = next(pending, None)
        masked = mask(text)
        number, counted, line_start = 1, 0, 0
        location = Location(path, number)
        for match in _TERM.finditer(masked):
            start = match.start()
            if start >= counted:
                newlines = masked.count("\n", counted, start)
                if newlines:
                    number += newlines
                    line_start = masked.rfind("\n", counted, start) + 1
                    location = Location(path, number)
                counted = start
            while upcoming is not None and upcoming[0] <= number:
                prefixes[upcoming[1]] = upcoming[2]
                upcoming = next(pending, None)
            if number in declared:
                continue
            iri = match.group(1)
            if iri is None:
                namespace = prefixes.get(match.group(2) or "")
                if namespace is None:
                    continue
                iri = namespace + match.group(3)
            self._mentioned.setdefault(iri, []).append(location)
            # A term at the start of a line begins a description of it.
            if start == line_start:
                subject = iri
                self._defined.setdefault(iri, location)
            elif subject is not None:
                self._statements.setdefault((subject, iri), []).append(location)


def read_text(path: Path) -> str:
    """The text of a Turtle file: a regular file (a FIFO would hang the build), UTF-8 (the error names
    line and column of the first bad byte), a byte-order mark accepted and dropped.

    Raises:
        InputError: the file cannot be read, is not a regular file, or is not UTF-8.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError(f"{path}: not a regular file (a pipe, device or folder named .ttl); "
                             "move it out of the way")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[:error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise InputError(f"{path}:{line}:{column}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
                         "save the file as UTF-8") from None


def _malformed(path: Path, error: SyntaxError) -> InputError:
    line, column = error.lineno or 0, error.offset or 0
    message = str(error.msg if hasattr(error, "msg") else error)
    return InputError(f"{path}:{line}:{column}: malformed Turtle: {message}")


def parse_turtle(path: Path, graph: ox.NamedNode | None = None, text: str | None = None) -> list[ox.Quad]:
    """Parse one Turtle file into quads of ``graph`` (the default graph if None).

    Raises:
        InputError: the file is missing, unreadable, not UTF-8 or malformed; the message gives
            file:line:column.
    """
    if text is None:
        text = read_text(path)
    try:
        triples = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        target = graph if graph is not None else ox.DefaultGraph()
        return [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
    except SyntaxError as error:
        raise _malformed(path, error) from error


def parse_files(paths: Iterable[Path], graph: ox.NamedNode | None = None,
                index: SourceIndex | None = None) -> list[ox.Quad]:
    """Parse several Turtle files; record their term locations in ``index`` if given."""
    quads: list[ox.Quad] = []
    for path in paths:
        text = read_text(path)
        quads.extend(parse_turtle(path, graph, text))
        if index is not None:
            index.add_file(path, text)
    return quads


def turtle_files(folder: Path) -> list[Path]:
    """Every ``*.ttl`` under ``folder``, sorted. A sub-folder that cannot be read is an error, never
    skipped: skipping it would build a smaller graph without a word.

    Raises:
        InputError: a folder under ``folder`` cannot be listed.
    """
    if not folder.is_dir():
        return []
    found: list[Path] = []

    def refuse(error: OSError) -> None:
        raise InputError(f"{error.filename}: cannot read this folder: {error.strerror}; its facts would be "
                         "missing from the build (fix its permissions or move it out of kg/)")

    for root, folders, files in os.walk(folder, onerror=refuse):
        folders.sort()
        found += [Path(root) / name for name in files if name.endswith(".ttl")]
    return sorted(found)
