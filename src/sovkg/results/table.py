"""A query's answer as a table of RDF terms, and its renderings: table, CSV, JSON, Markdown."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

import pyoxigraph as ox

FORMATS = ("table", "csv", "json", "md")
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class ResultTable:
    """Column names and rows of terms (``None`` where a variable is unbound)."""

    columns: list[str]
    rows: list[list[object]]
    labels: dict[str, str] = field(default_factory=dict)

    def iris(self) -> list[ox.NamedNode]:
        return [cell for row in self.rows for cell in row if isinstance(cell, ox.NamedNode)]

    def text(self, cell: object) -> str:
        """A cell as a person reads it: the label of an IRI, the lexical form of a literal."""
        if cell is None:
            return ""
        if isinstance(cell, ox.NamedNode):
            return self.labels.get(cell.value) or _short(cell.value)
        if isinstance(cell, ox.Literal):
            return cell.value
        return str(cell)

    def values(self, column: str) -> list[str]:
        """The readable texts of one column, in row order (for tests and scripts)."""
        index = self.columns.index(column)
        return [self.text(row[index]) for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        return [{c: self.text(v) for c, v in zip(self.columns, row, strict=True)} for row in self.rows]

    def render(self, fmt: str) -> str:
        if fmt == "csv":
            return self._csv()
        if fmt == "json":
            return self._json()
        if fmt == "md":
            return self._markdown()
        return self._table()

    def _table(self) -> str:
        cells = [[self.text(v) for v in row] for row in self.rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        widths = [min(w, 60) for w in widths]

        def line(values: list[str]) -> str:
            return "  ".join(_clip(v, w).ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

        out = [line(self.columns), line(["-" * w for w in widths])]
        out.extend(line(r) for r in cells)
        out.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(out)

    def _csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows([_neutralised(self.text(v)) for v in row] for row in self.rows)
        return buffer.getvalue()

    def _markdown(self) -> str:
        def esc(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        out = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        out.extend("| " + " | ".join(esc(self.text(v)) for v in row) + " |" for row in self.rows)
        return "\n".join(out)

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


# A spreadsheet program runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralised(text: str) -> str:
    """A CSV cell that no spreadsheet program runs as a formula: a cell starting with = + - @ tab or
    carriage return gets a leading apostrophe (OWASP's rule for CSV injection). `sovkg import`
    drops that apostrophe again, so an exported table imports back with the same words."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _short(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            return iri.rsplit(sep, 1)[1] or iri
    return iri


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
