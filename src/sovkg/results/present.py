"""How an answer reads for people: column titles, money with its hedges, flags with a legend,
totals once, caveats under the answer, actors grouped under their ultimate parent, matrices.

What to do for a stored question is said in its ``#+`` header (keys that grlc ignores)::

    #+ columns: {usActors: U.S. actors depended on}     # a title per column (else words from the name)
    #+ caveats: ["An absent row means ..."]             # printed under the answer
    #+ money:                                           # an amount column and the columns of its hedges
    #+   amount: {currency: currency, max: amountMax, approximate: approximate, upperBound: upperBound}
    #+ flags: {partial: the figure covers only part}    # true/false columns, shown yes/no, with a legend
    #+ totals: {totalDisclosed: {title: total disclosed, currency: USD}}   # same on every row: once, below
    #+ values: {control: {"old text": "new text"}}      # a clearer wording for a value
    #+ one_row_per: {key: project, also: amount}        # later rows of a key go to an "also stated" column
    #+ control: [lostVia, alternative]                  # group actors under their ultimate parent
    #+ matrix: {rows: country, columns: layer, value: actorCountries, mark: foreign}
    #+ explain: {entity: project, target: _country}   # the command that shows the path behind a row

Machine formats (CSV, JSON) are not touched: they keep the variable names and raw values.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from operator import itemgetter

import pyoxigraph as ox

from sovkg.errors import QueryError

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
MONEY_KEYS = ("currency", "max", "approximate", "estimate", "estimatedBy", "upperBound", "lowerBound", "partial")


def words(name: str) -> str:
    """A variable name as words: ``usActors`` -> ``us actors``, ``HHI`` stays."""
    return " ".join(part if part.isupper() else part.lower() for part in _CAMEL.split(name))


@dataclass(frozen=True)
class Money:
    """An amount column and the columns that hedge it."""

    column: str
    links: dict[str, str]               # MONEY_KEYS -> column name


@dataclass(frozen=True)
class Presentation:
    """What a stored question's header says about showing its answer to people."""

    titles: dict[str, str] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()
    money: tuple[Money, ...] = ()
    flags: dict[str, str] = field(default_factory=dict)
    totals: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    one_row_per: dict[str, str] = field(default_factory=dict)
    control: tuple[str, ...] = ()
    matrix: dict[str, object] = field(default_factory=dict)
    explain: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_header(cls, header: dict[str, object], origin: str) -> Presentation:
        def mapping(key: str) -> dict[str, object]:
            raw = header.get(key) or {}
            if not isinstance(raw, dict):
                raise QueryError(f"{origin}: '#+ {key}:' must be a mapping of column names")
            return raw

        def strings(key: str) -> tuple[str, ...]:
            raw = header.get(key) or []
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list):
                raise QueryError(f"{origin}: '#+ {key}:' must be a list")
            return tuple(" ".join(str(x).split()) for x in raw)

        money = []
        for column, links in mapping("money").items():
            links = links or {}
            unknown = set(links) - set(MONEY_KEYS)
            if unknown:
                raise QueryError(f"{origin}: '#+ money:' for {column!r} has unknown keys {sorted(unknown)} "
                                 f"(known: {', '.join(MONEY_KEYS)})")
            money.append(Money(str(column), {str(k): str(v) for k, v in links.items()}))
        totals = {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in mapping("totals").items()}
        return cls(
            titles={str(k): str(v) for k, v in mapping("columns").items()},
            caveats=strings("caveats"), money=tuple(money),
            flags={str(k): " ".join(str(v).split()) for k, v in mapping("flags").items()},
            totals=totals,
            values={str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in mapping("values").items()},
            one_row_per={str(k): str(v) for k, v in mapping("one_row_per").items()},
            control=strings("control"),
            matrix={str(k): v if isinstance(v, dict) else str(v) for k, v in mapping("matrix").items()},
            explain={str(k): str(v) for k, v in mapping("explain").items()})


@dataclass
class View:
    """An answer ready for people: titled columns, cells as text, notes to print under it."""

    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    total: int = 0                      # rows of the whole answer, of which ``rows`` may be the first


# ---------------------------------------------------------------------- money


@functools.cache
def _locales() -> tuple[object, object]:
    """English and US English, read once: babel reads a locale given by name on every call, which
    costs more than the formatting itself on a long answer."""
    from babel import Locale

    return Locale.parse("en"), Locale.parse("en_US")


def format_amount(value: float, currency: str | None) -> str:
    """``$100 million``, ``$1.5 billion``, ``$560,000``, ``EUR 5 million``."""
    from babel.numbers import format_compact_decimal, format_decimal, get_currency_symbol

    english, us_english = _locales()
    if abs(value) >= 1_000_000:
        number = format_compact_decimal(value, format_type="long", locale=english, fraction_digits=2)
    else:
        number = format_decimal(value, locale=english)
    if not currency or currency in ("not stated", "none"):
        return number
    symbol = get_currency_symbol(currency, locale=us_english)
    return f"{symbol}{number}" if symbol != currency else f"{currency} {number}"


@functools.lru_cache(maxsize=65536)  # a long answer states the same sums row after row
def _amount_text(amount: str, currency: str | None) -> str:
    """:func:`format_amount` of an amount as written (a cache keyed by the number would take -0
    for 0)."""
    return format_amount(float(amount), currency)


def money_text(amount: str, currency: str | None, maximum: str | None = None, approximate: bool = False,
               upper: bool = False, lower: bool = False, estimate: bool = False, estimated_by: str = "",
               partial: bool = False) -> str:
    """An amount as the sources write it: ``~$100 million``, ``up to $1 billion``, ``$250-300 million``."""
    if not _NUMBER.match(amount.strip()):
        return amount                                   # "undisclosed", "not stated", ...
    text = _amount_text(amount, currency)
    if maximum and _NUMBER.match(maximum.strip()):
        high = _amount_text(maximum, currency)
        low_words, high_words = text.split(" ", 1) if " " in text else (text, ""), high.split(" ", 1)
        same_scale = " " in text and " " in high and low_words[1] == high_words[1]
        text = f"{low_words[0]}–{high_words[0].lstrip('$')} {high_words[1]}" if same_scale else f"{text}–{high}"
    if approximate:
        text = "~" + text
    if upper:
        text = "up to " + text
    if lower:
        text = "more than " + text
    hedges = []
    if estimate:
        hedges.append(f"estimate{' by ' + estimated_by if estimated_by else ''}")
    if partial:
        hedges.append("partial figure")
    return text + (f" ({', '.join(hedges)})" if hedges else "")


MONEY_LEGEND = ("Amounts: ~ approximate (about); up to: an upper bound; more than: a lower bound; a–b: a range; "
                "(estimate by ...): the figure is someone's estimate; (partial figure): covers only part of the whole.")


# ---------------------------------------------------------------------- the view


_TRUTHS = {"true": True, "1": True, "false": False, "0": False}


def _truth(text: str) -> bool | None:
    return _TRUTHS.get(text.strip().lower())


# The hedges of an amount, in the order money_text takes them.
_HEDGES = ("approximate", "upperBound", "lowerBound", "estimate")


@dataclass(frozen=True)
class _Money:
    """A money cell, written out only if it is shown: formatting an amount (and reading its
    hedges) costs more than the rest of its row, and a long answer shows its first rows only.
    Equal when its parts are, as the answer writes them."""

    amount: str
    currency: str | None
    maximum: str | None
    hedges: tuple[str, ...]  # the texts of the _HEDGES columns
    estimated_by: str
    partial: str

    def __str__(self) -> str:
        hedges = [bool(_truth(text)) for text in self.hedges]
        return money_text(self.amount, self.currency, self.maximum, *hedges, estimated_by=self.estimated_by,
                          partial=bool(_truth(self.partial)))


def build_view(table: object, presentation: Presentation | None, limit: int | None = None) -> View:
    """The answer as people read it (``table`` is a :class:`~sovkg.results.table.ResultTable`),
    with its first ``limit`` rows only if given (``total`` says how many there are); a matrix is
    always whole."""
    p = presentation or Presentation()
    columns: list[str] = list(table.columns)  # type: ignore[attr-defined]
    texts = table.texts()  # type: ignore[attr-defined]
    cells = [dict(zip(columns, row, strict=True)) for row in texts]
    raw_rows = table.rows  # type: ignore[attr-defined]
    view = View([], [], caveats=list(p.caveats))
    hidden: set[str] = set()

    for column, replacements in p.values.items():
        for record in cells:
            for name in (columns if column == "*" else [column]):
                if name in record and record[name] in replacements:
                    record[name] = replacements[record[name]]

    # money: one cell with its currency and hedges; the hedge columns are then redundant
    for money in p.money:
        if money.column not in columns:
            continue
        links = money.links
        hedge_columns = [links.get(hedge, "") for hedge in _HEDGES]
        currency, maximum = links.get("currency", ""), links.get("max", "")
        estimated_by, partial = links.get("estimatedBy", ""), links.get("partial", "")
        for record in cells:
            record[money.column] = _Money(  # type: ignore[assignment]
                record[money.column], record.get(currency, None), record.get(maximum, None),
                tuple(record.get(column, "") for column in hedge_columns), record.get(estimated_by, "") or "",
                record.get(partial, ""))
        hidden |= {c for c in links.values() if c not in p.flags} & set(columns)
        view.legend.append(MONEY_LEGEND)

    # totals: the same value on every row is said once, under the table
    for column, spec in p.totals.items():
        if column not in columns:
            continue
        hidden.add(column)
        values = {record[column] for record in cells}
        if len(values) > 1:
            raise QueryError(f"the total {column!r} differs between rows: it cannot be shown once")
        if values:
            value = values.pop()
            if spec.get("currency") and _NUMBER.match(value):
                value = money_text(value, spec["currency"])
            view.notes.append(f"{spec.get('title', words(column))}: {value}")

    # control: actors under their ultimate parent, rows that become the same merged
    parents: dict[str, list[str]] = getattr(table, "parents", {}) or {}
    control = [c for c in p.control if c in columns]
    if control:
        cells = _group_rows(cells, raw_rows, columns, control, parents)

    # one row per key: later statements go to an "also stated" column
    if p.one_row_per.get("key") in columns:
        key, also = p.one_row_per["key"], p.one_row_per.get("also", "")
        merged: dict[str, dict[str, str]] = {}
        order: list[dict[str, str]] = []
        for record in cells:
            first = merged.get(record[key])
            if first is None:
                record["also stated"] = ""
                merged[record[key]] = record
                order.append(record)
            else:
                extra = str(record.get(also, ""))
                first["also stated"] = "; ".join(x for x in (first["also stated"], extra) if x)
        cells = order
        if any(r["also stated"] for r in cells):
            columns = [*columns, "also stated"]
            view.notes.append(f"One row per {p.titles.get(key, words(key))}: other statements of the same "
                              f"one, where sources differ, are under 'also stated'.")

    shown = [c for c in columns if c not in hidden]
    # flags: true/false as yes/no, with a legend
    for column in shown:
        if column not in p.flags:
            continue
        values = {record.get(column, "") for record in cells}
        if values and all(_truth(v) is not None or v == "" for v in values):
            shown_as = {value: _yes_no(_truth(value)) for value in values}  # once per distinct value
            for record in cells:
                record[column] = shown_as[record.get(column, "")]
        view.legend.append(f"{p.titles.get(column, words(column))}: {p.flags[column]}")

    # rows that became the same (after grouping under parents) are shown once
    rows = list(dict.fromkeys(_shown_cells(cells, shown)))
    view.columns = [p.titles.get(c, words(c)) for c in shown]
    view.total = len(rows)
    if limit is not None and not p.matrix:
        rows = rows[:limit]
    view.rows = [[str(cell) for cell in r] for r in rows]
    if p.matrix:
        view.codes = getattr(table, "codes", {})  # type: ignore[attr-defined]
        view = _matrix(view, p, shown)
    return view


def _yes_no(truth: bool | None) -> str:
    return "" if truth is None else ("yes" if truth else "no")


def _shown_cells(cells: list[dict[str, str]], shown: list[str]) -> list[tuple[object, ...]]:
    """The shown columns of each row, in order ("" where a row lacks one)."""
    if len(shown) > 1:
        pick = itemgetter(*shown)
        try:  # every row has every column, but for a merged one that was never given one
            return [pick(record) for record in cells]
        except KeyError:
            pass
    return [tuple(record.get(column, "") for column in shown) for record in cells]


def _group_rows(cells: list[dict[str, str]], raw_rows: list[list[object]], columns: list[str], control: list[str],
                parents: dict[str, list[str]]) -> list[dict[str, str]]:
    """Rows that differ only by actors of one group (a parent and its subsidiaries) become one,
    with the actor shown under its ultimate parent; a cell listing several actors is grouped in place."""
    merged: dict[tuple[object, ...], tuple[dict[str, str], dict[str, list[str]]]] = {}
    at = {column: columns.index(column) for column in control}
    # A long answer lists the same actors on many rows: each cell is grouped once per text and
    # term object (every term lives in the rows meanwhile, so no object's id is reused).
    grouped: dict[tuple[str, int], str] = {}

    def under_parents(text: str, term: object) -> str:
        key = (text, id(term))
        done = grouped.get(key)
        if done is None:
            done = grouped[key] = group_under_parents(text, term, parents)
        return done

    # The rows' other columns, read in one step; the ultimate parent of each actor, looked up once
    # per term object (None: it has none). A long answer names the same actors on row after row.
    plain = [column for column in columns if column not in at]
    pick = itemgetter(*plain) if plain else (lambda record: ())
    tops_of: dict[int, str | None] = {}
    for record, raw in zip(cells, raw_rows, strict=True):
        tops: dict[str, str] = {}
        for column, index in at.items():
            term = raw[index]
            if isinstance(term, ox.NamedNode):
                top = tops_of.get(id(term), "")
                if top == "":
                    chain = parents.get(term.value)
                    top = tops_of[id(term)] = chain[-1] if chain else None
                tops[column] = top if top is not None else record[column]
            else:
                record[column] = under_parents(record[column], term)
        key = (pick(record), *[tops.get(column, record[column]) for column in at])
        entry = merged.get(key)
        if entry is None:
            entry = merged[key] = (record, {column: [] for column in tops})
        for column in tops:
            names = entry[1][column]
            if record[column] not in names:
                names.append(record[column])
    out = []
    for first, members in merged.values():
        for column, names in members.items():
            first[column] = under_parents(", ".join(names), None)
        out.append(first)
    return out


def group_under_parents(text: str, term: object, parents: dict[str, list[str]]) -> str:
    """Actors named in a cell, each under its ultimate parent: "Amazon (and its subsidiary AWS)".

    ``parents`` maps an actor's IRI and its label to its chain of owners, nearest first, as labels.
    A cell holds one actor (an IRI) or a comma-separated list of labels (a GROUP_CONCAT).
    """
    if isinstance(term, ox.NamedNode):
        chain = parents.get(term.value) or []
        if not chain:
            return text
        between = f", owned through {' and '.join(chain[:-1])}" if len(chain) > 1 else ""
        return f"{chain[-1]} (through its subsidiary {text}{between})"
    names = [n for n in text.split(", ") if n] if parents else []
    if not names:
        return text
    groups: dict[str, list[str]] = {}
    for name in names:
        chain = parents.get(name) or []
        groups.setdefault(chain[-1] if chain else name, []).append(name)
    def with_chain(member: str) -> str:
        # the owners between a subsidiary and its ultimate parent, so the chain shows
        between = (parents.get(member) or [])[:-1]
        return f"{member}, owned through {' and '.join(between)}" if between else member

    out = []
    for top, members in groups.items():
        # nearest the parent first; a semicolon between them once one carries its own commas
        below = sorted((m for m in members if m != top), key=lambda m: len(parents.get(m) or []))
        subsidiaries = [with_chain(m) for m in below]
        if not subsidiaries:
            out.append(top)
            continue
        listed = ("; " if any("," in s for s in subsidiaries) else ", ").join(subsidiaries)
        noun = "subsidiary" if len(subsidiaries) == 1 else "subsidiaries"
        out.append(f"{top} ({'and' if top in members else 'through'} its {noun} {listed})")
    return ", ".join(out)


def _matrix(view: View, p: Presentation, shown: list[str]) -> View:
    """Rows x columns, each cell the values of that pair; ``mark`` columns add a marker."""
    spec = p.matrix
    index = {c: i for i, c in enumerate(shown)}
    row_key, column_key, value_key = str(spec["rows"]), str(spec["columns"]), str(spec["value"])
    mark_key = str(spec.get("mark", ""))
    marker = str(spec.get("marker", "*"))
    titles = spec.get("column_titles") or {}
    # country names as their ISO codes (the runner gives them), other values as the header says
    short: dict[str, str] = {**(getattr(view, "codes", {}) if spec.get("codes") else {}),
                             **p.values.get(value_key, {})}
    row_names: list[str] = []
    column_names: list[str] = []
    grid: dict[tuple[str, str], list[str]] = {}
    for row in view.rows:
        r, c, v = row[index[row_key]], row[index[column_key]], row[index[value_key]]
        foreign = mark_key in index and _truth(row[index[mark_key]]) is True
        if r not in row_names:
            row_names.append(r)
        if c not in column_names:
            column_names.append(c)
        grid.setdefault((r, c), []).extend(f"{short.get(name, name)}{marker if foreign else ''}"
                                           for name in v.split(", ") if name)
    # the layers in a fixed order: stated ones alphabetically, then "not stated", then "none stated"
    column_names.sort(key=lambda c: (c in ("not stated", "none stated"), c == "none stated", c))
    rows = [[r, *[", ".join(dict.fromkeys(grid.get((r, c), []))) or "·" for c in column_names]] for r in row_names]
    header = [p.titles.get(row_key, words(row_key)), *[str(titles.get(c, c)) if isinstance(titles, dict) else c
                                                       for c in column_names]]
    out = View(header, rows, view.notes, view.legend, view.caveats)
    out.legend.append(str(spec.get("legend", f"{marker} foreign; · nothing stated")))
    codes = getattr(view, "codes", {}) if spec.get("codes") else {}
    used = sorted({f"{code} {name}" for name, code in codes.items()
                   if any(code in cell.replace(marker, "").split(", ") for row in rows for cell in row[1:])})
    if used:
        out.legend.append("; ".join(used))
    return out
