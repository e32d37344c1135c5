"""A query's answer as a table of RDF terms, and its renderings: table, CSV, JSON, Markdown.

``table`` and ``md`` are for people: column titles, money with its hedges, flags with a legend,
caveats under the answer (see :mod:`sovkg.results.present`), and a table that fits the terminal
by wrapping long cells, never cutting them. ``csv`` and ``json`` are for programs: variable names
and raw values. An ASK answer is its boolean; a CONSTRUCT or DESCRIBE answer is a graph, written
as Turtle (``table``, ``md``), JSON-LD (``json``) or N-Triples (``csv``).
"""

from __future__ import annotations

import io
import json
import shutil
import textwrap
from dataclasses import dataclass, field

import pyoxigraph as ox

from sovkg.namespaces import PREFIXES
from sovkg.results.plain import plain_table
from sovkg.results.present import Presentation, View, build_view

FORMATS = ("table", "csv", "json", "md")
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class ResultTable:
    """Column names and rows of terms (``None`` where a variable is unbound)."""

    columns: list[str]
    rows: list[list[object]]
    labels: dict[str, str] = field(default_factory=dict)
    kind: str = "select"                                    # select, ask or graph
    presentation: Presentation | None = None
    parents: dict[str, list[str]] = field(default_factory=dict)   # actor IRI or label -> owners, nearest first
    codes: dict[str, str] = field(default_factory=dict)           # country label -> ISO code
    width: int | None = None                                # the terminal's, when None

    def iris(self) -> list[ox.NamedNode]:
        """The IRIs the rows name, in the order they first appear (a term shared by several
        cells, as kept answers share them, is listed once)."""
        distinct = {id(cell): cell for row in self.rows for cell in row}
        return [cell for cell in distinct.values() if isinstance(cell, ox.NamedNode)]

    def text(self, cell: object) -> str:
        """A cell as a person reads it: the label of an IRI, the lexical form of a literal."""
        if cell is None:
            return ""
        if isinstance(cell, ox.NamedNode):
            return self.labels.get(cell.value) or _short(cell.value)
        if isinstance(cell, ox.Literal):
            return cell.value
        return str(cell)

    def texts(self) -> list[list[str]]:
        """Every row as people read it (:meth:`text` of each cell, worked out once per distinct
        term: a long answer names the same countries and actors on row after row)."""
        # Each distinct cell object is read once, then rows are looked up by object (cells that
        # share a term, as kept answers do, cost no hashing of the term). Every cell lives in the
        # rows meanwhile, so no object's id is reused.
        distinct = {id(cell): cell for row in self.rows for cell in row}
        by_term: dict[object, str] = {}
        by_object: dict[int, str] = {}
        for key, cell in distinct.items():
            known = by_term.get(cell)
            if known is None:
                known = by_term[cell] = self.text(cell)
            by_object[key] = known
        return [[by_object[id(cell)] for cell in row] for row in self.rows]

    def values(self, column: str) -> list[str]:
        """The readable texts of one column, in row order (for tests and scripts)."""
        index = self.columns.index(column)
        return [self.text(row[index]) for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        return [{c: self.text(v) for c, v in zip(self.columns, row, strict=True)} for row in self.rows]

    def view(self, limit: int | None = None, more: str = "") -> View:
        """The answer as people read it: titles, formatted cells, notes, legend and caveats;
        with ``limit``, the first rows only, and a note saying how many are left out (and
        ``more``: how to see them)."""
        return shortened(build_view(self, self.presentation, limit), limit, more)

    # ------------------------------------------------------------------ for notebooks and scripts

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def answer(self) -> bool | None:
        """The boolean of an ASK query (None for other queries)."""
        if self.kind != "ask":
            return None
        return bool(self.rows) and isinstance(self.rows[0][0], ox.Literal) and self.rows[0][0].value == "true"

    def to_pandas(self) -> object:
        """A pandas DataFrame with typed columns (pandas is the optional extra ``pandas``).

        An IRI column holds labels, with the IRIs beside it in ``<column>_iri``; numbers are
        numbers and flags booleans (nullable dtypes); a cell that says why a value is missing
        ("undisclosed", "not stated", "not applicable") is missing (``<NA>``) and its words go
        to ``<column>_reason``. Column names stay the variable names, for code.
        """
        try:
            import pandas as pd
        except ImportError as error:
            raise ImportError("to_pandas needs pandas: pip install 'sovkg[pandas]'") from error
        data: dict[str, object] = {}
        for index, column in enumerate(self.columns):
            cells = [row[index] for row in self.rows]
            kinds = {_cell_kind(c) for c in cells} - {"missing"}
            if kinds == {"iri"}:
                data[column] = pd.array([self.text(c) if c is not None else None for c in cells], dtype="string")
                data[f"{column}_iri"] = pd.array([c.value if c is not None else None for c in cells], dtype="string")
            elif kinds and kinds <= {"number", "reason"} and "number" in kinds:
                data[column] = pd.array([float(c.value) if _cell_kind(c) == "number" else None for c in cells],
                                        dtype="Float64")
                data[f"{column}_reason"] = pd.array(
                    [c.value if _cell_kind(c) == "reason" else None for c in cells], dtype="string")
            elif kinds and kinds <= {"boolean", "reason"} and "boolean" in kinds:
                data[column] = pd.array([_truth_of(c) for c in cells], dtype="boolean")
                if "reason" in kinds:
                    data[f"{column}_reason"] = pd.array(
                        [c.value if _cell_kind(c) == "reason" else None for c in cells], dtype="string")
            else:
                data[column] = pd.array([self.text(c) if c is not None else None for c in cells], dtype="string")
        return pd.DataFrame(data)

    def _repr_markdown_(self) -> str:
        return self.render("md")

    def render(self, fmt: str, limit: int | None = None, more: str = "") -> str:
        """The answer in a format; ``limit`` shortens people's formats (and says so, with
        ``more`` saying how to see the rest)."""
        if self.kind == "ask":
            return self._boolean(fmt)
        if self.kind == "graph":
            return self._graph(fmt)
        if fmt == "csv":
            return self._csv()
        if fmt == "json":
            return self._json()
        return draw(self.view(limit, more), fmt, self.width)

    def _csv(self) -> str:
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows([_neutralised(self.text(v)) for v in row] for row in self.rows)
        return buffer.getvalue()

    def _boolean(self, fmt: str) -> str:
        answer = bool(self.answer)
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": answer})
        if fmt == "csv":
            return f"answer\n{'true' if answer else 'false'}\n"
        return "true" if answer else "false"

    def _graph(self, fmt: str) -> str:
        triples = [ox.Triple(*row) for row in self.rows]  # type: ignore[misc]
        if fmt == "json":
            from sovkg.rdf import to_rdflib_graph

            graph = to_rdflib_graph(triples)
            for prefix, namespace in PREFIXES.items():
                graph.bind(prefix or "id", namespace)
            return graph.serialize(format="json-ld", indent=2)
        if fmt == "csv":
            return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")
        # The names of the IRIs as Turtle comments: people read labels, and the text still parses.
        named = sorted({t.value for row in self.rows for t in row
                        if isinstance(t, ox.NamedNode) and t.value in self.labels})
        if named:
            turtle += "".join(f"# <{iri}> is {self.labels[iri]}\n" for iri in named)
        return f"```turtle\n{turtle}```" if fmt == "md" else turtle

    def _json(self) -> str:
        def term(cell: object) -> object:
            if cell is None:
                return None
            if isinstance(cell, ox.NamedNode):
                return {"type": "uri", "value": cell.value, "label": self.labels.get(cell.value)}
            if isinstance(cell, ox.Literal):
                out: dict[str, object] = {"type": "literal", "value": cell.value}
                if cell.language:
                    out["xml:lang"] = cell.language
                elif cell.datatype.value != XSD + "string":
                    out["datatype"] = cell.datatype.value
                return out
            return {"type": "bnode", "value": str(cell)}

        rows = [{c: term(v) for c, v in zip(self.columns, row, strict=True) if v is not None}
                for row in self.rows]
        return json.dumps({"head": {"vars": self.columns}, "results": {"bindings": rows}},
                          indent=2, ensure_ascii=False)


def shortened(view: View, limit: int | None = None, more: str = "") -> View:
    """``view`` with its first ``limit`` rows only, and a note saying how many are left out (and
    ``more``: how to see them)."""
    view.total = max(view.total, len(view.rows))  # a matrix is made whole, of rows of its own
    if limit is not None and len(view.rows) > limit:
        view.rows = view.rows[:limit]
    if view.total > len(view.rows):
        view.notes.insert(0, f"... {view.total - len(view.rows):,} more row(s) not shown here"
                             + (f": {more}" if more else "."))
    return view


def draw(view: View, fmt: str, width: int | None = None) -> str:
    """A view in one of people's formats: ``md``, or a ``table`` that fits ``width`` (the
    terminal's, when None)."""
    if fmt == "md":
        return _markdown(view)
    return _table(view, width)


def _table(view: View, width: int | None) -> str:
    width = max(width or shutil.get_terminal_size((100, 24)).columns, 40)
    # Each column at least as wide as its longest word (up to 16), so that words wrap whole;
    # overflow="fold" carries a longer word over more lines: a cell is never cut with an
    # ellipsis. When the columns cannot fit side by side at 8 characters or their longest
    # word, each row is printed as a record, one "title: value" per line, as psql's \x does.
    minimum = [min(16, max((len(w) for t in [title, *(r[i] for r in view.rows)] for w in t.split()), default=1))
               for i, title in enumerate(view.columns)]
    room = width - 3 * len(minimum)
    if sum(min(m, 8) for m in minimum) > room:
        lines = _records_text(view, width)
    else:
        while sum(minimum) > room and max(minimum, default=0) > 8:
            minimum[minimum.index(max(minimum))] -= 1
        # rich's own drawing only where the lighter one cannot promise the same characters
        drawn = plain_table(view.columns, view.rows, minimum, width)
        lines = [line.rstrip() for line in drawn] if drawn is not None else _rich_table(view, minimum, width)
    count = len(view.rows)
    if count < view.total:
        lines.append(f"(the first {count:,} of {view.total:,} rows; long cells wrap, no cell is cut)")
    else:
        lines.append(f"({count:,} row{'s' if count != 1 else ''}; long cells wrap, nothing is cut)")
    for note in _notes(view):
        lines += textwrap.wrap(note, width=width, subsequent_indent="  ", break_on_hyphens=False) or [""]
    return "\n".join(lines)


def _markdown(view: View) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(esc(c) for c in view.columns) + " |", "|" + "---|" * len(view.columns)]
    out.extend("| " + " | ".join(esc(cell) for cell in row) + " |" for row in view.rows)
    notes = _notes(view)
    if notes:
        out += ["", *[f"- {line}" for line in notes]]
    return "\n".join(out)


# A spreadsheet program runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralised(text: str) -> str:
    """A CSV cell that no spreadsheet program runs as a formula: a cell starting with = + - @ tab or
    carriage return gets a leading apostrophe (OWASP's rule for CSV injection). `sovkg import`
    drops that apostrophe again, so an exported table imports back with the same words."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger",
                              "positiveInteger", "short")}
_WORDS_FOR_MISSING = {"undisclosed", "not stated", "not applicable", "none", "none recorded", "unknown", ""}


def _cell_kind(cell: object) -> str:
    """number, boolean, iri, reason (words saying why a value is missing), text or missing."""
    if cell is None:
        return "missing"
    if isinstance(cell, ox.NamedNode):
        return "iri"
    if isinstance(cell, ox.Literal):
        if cell.datatype.value in _NUMERIC:
            return "number"
        if cell.datatype.value == XSD + "boolean" or cell.value in ("true", "false"):
            return "boolean"
        if cell.value.strip().lower() in _WORDS_FOR_MISSING:
            return "reason"
    return "text"


def _truth_of(cell: object) -> bool | None:
    if isinstance(cell, ox.Literal) and cell.value in ("true", "false", "1", "0"):
        return cell.value in ("true", "1")
    return None


def escape(text: str) -> str:
    """Cell text for rich, whose markup would otherwise read "[...]" as a style."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _rich_table(view: View, minimum: list[int], width: int) -> list[str]:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for title, least in zip(view.columns, minimum, strict=True):
        table.add_column(title, overflow="fold", min_width=least)
    for row in view.rows:
        table.add_row(*[escape(cell) for cell in row])
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, force_terminal=False, soft_wrap=False).print(table)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


def _records_text(view: View, width: int) -> list[str]:
    """Each row as a block of "title: value" lines, wrapped to the width."""
    label = min(max((len(c) for c in view.columns), default=0), 24)
    out: list[str] = []
    for number, row in enumerate(view.rows, 1):
        out.append(f"── row {number} " + "─" * max(0, min(width, 60) - 9 - len(str(number))))
        for title, cell in zip(view.columns, row, strict=True):
            wrapped = textwrap.wrap(cell, width=max(width - label - 2, 20), break_long_words=True,
                                    break_on_hyphens=False) or [""]
            out.append(f"{title.rjust(label)}: {wrapped[0]}")
            out.extend(" " * (label + 2) + more for more in wrapped[1:])
    return out


def _notes(view: View) -> list[str]:
    """What is printed under an answer: totals, the legend, the caveats."""
    out: list[str] = []
    out += view.notes
    out += [f"Legend: {line}" for line in dict.fromkeys(view.legend)]
    out += [f"Note: {line}" for line in view.caveats]
    return out


def _short(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            return iri.rsplit(sep, 1)[1] or iri
    return iri
