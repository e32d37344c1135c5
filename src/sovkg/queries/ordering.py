"""A query's final ORDER BY, applied to its rows once they are out of the on-disk store.

On the on-disk store, sorting is the costliest step of a long answer ordered by IRIs: the store
compares two IRIs by their text, and reads each text back from disk for every comparison (half of
``what-if-withdrawal`` asked with a value of the user's own, at any size). Sorted once the rows
are out, each text is read once.

Columns of IRIs and strings (all plain, or all of one language), unbound first, then IRIs, then
literals, each by its text (the order SPARQL defines and pyoxigraph follows), are sorted here.
Any other column (numbers, dates, a mix of kinds) is sorted by pyoxigraph itself, on an empty
in-memory store given the sort keys as a VALUES block, so its order is the engine's by
construction. Blank nodes (which the store holds equal to each other, in no set order) and an
ORDER BY of anything but variables of the answer, or followed by LIMIT or OFFSET, are left to the
store.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyoxigraph as ox

from sovkg.lexical import mask

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# One sort condition: a variable, bare or in ASC( ) / DESC( ).
_CONDITION = re.compile(r"\s*(?:(?P<way>ASC|DESC)\s*\(\s*[?$](?P<inner>\w+)\s*\)|[?$](?P<bare>\w+))", re.I)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
_SELECT = re.compile(r"\bSELECT\b", re.I)
_PROJECTION_TOKEN = re.compile(r"\(|\)|\bAS\s+[?$](?P<bound>\w+)|[?$](?P<variable>\w+)", re.I)

Keys = list[tuple[str, bool]]  # (variable, descending)


def split_order(text: str) -> tuple[str, Keys] | None:
    """``text`` without its final ORDER BY, and that ORDER BY's variables in order (each with
    whether it is descending); None unless the query ends with an ORDER BY of variables only."""
    if "order" not in text.lower():  # most queries: no need to mask a text of thousands of IRIs
        return None
    masked = mask(text, blank_iris=True)
    close = masked.rfind("}")
    orders = list(_ORDER_BY.finditer(masked, close + 1))  # after the last group: the query's own
    if not orders:
        return None
    order = orders[-1]
    keys: Keys = []
    at = order.end()
    while (condition := _CONDITION.match(masked, at)) is not None:
        keys.append((condition["inner"] or condition["bare"], (condition["way"] or "").upper() == "DESC"))
        at = condition.end()
    if not keys or masked[at:].strip():
        return None
    projected = _projected(masked)
    if projected is not None and not {name for name, _ in keys} <= projected:
        return None  # sorted by something the answer does not show: only the engine can
    return text[:order.start()], keys


def _projected(masked: str) -> set[str] | None:
    """The variables the query's own SELECT clause projects (``masked`` is its text as
    :func:`~sovkg.lexical.mask` gives it), or None for ``SELECT *`` or a query that is not a
    SELECT. The first SELECT is the query's own: a sub-select comes after its opening brace."""
    select = _SELECT.search(masked)
    group = masked.find("{", select.end()) if select is not None else -1
    if select is None or group < 0:
        return None
    clause = masked[select.end():group]
    clause = re.sub(r"\bWHERE\s*$", "", clause.strip(), flags=re.I)
    if clause.lstrip().startswith("*"):
        return None
    # a bare variable, or the one an expression is bound to: "(... AS ?name)"
    names, depth = set(), 0
    for token in _PROJECTION_TOKEN.finditer(clause):
        if token[0] == "(":
            depth += 1
        elif token[0] == ")":
            depth -= 1
        elif token["bound"] and depth == 1:
            names.add(token["bound"])
        elif token["variable"] and depth == 0:
            names.add(token["variable"])
    return names


def _column_key(values: set[object]) -> Callable[[object], tuple[int, str]] | None:
    """How a column's values sort (unbound, then IRIs, then literals, each group by its text), or
    None if it holds a value whose place only the engine knows."""
    literal_kind: tuple[str, str | None] | None = None
    for value in values:
        if value is None or isinstance(value, ox.NamedNode):
            continue
        if not isinstance(value, ox.Literal) or value.direction:
            return None
        kind = (value.datatype.value, value.language)
        if kind[1] is None and kind[0] != XSD_STRING:
            return None  # numbers, dates, booleans: ordered by value, not text
        if literal_kind is None:
            literal_kind = kind
        elif kind != literal_kind:
            return None
    rank = {type(None): 0, ox.NamedNode: 1, ox.Literal: 2}
    return lambda value: (rank[type(value)], value.value if value is not None else "")  # type: ignore[attr-defined]


def sort_rows(variables: list[str], rows: list[list[object]], keys: Keys) -> list[list[object]] | None:
    """``rows`` in the order ``ORDER BY`` of ``keys`` gives them, or None if it is left to the
    store (a key not among ``variables``, a blank node or a literal with a text direction in a
    key's column). Rows equal on every key keep their order, as in the unordered answer."""
    columns = {name: index for index, name in enumerate(variables)}
    if any(name not in columns for name, _ in keys):
        return None
    # A long answer repeats the same few terms: each column's distinct terms are put in order once,
    # and the rows are sorted by those ranks (negated for a descending key).
    ranks: list[tuple[int, dict[object, int]]] = []
    for name, descending in keys:
        index = columns[name]
        distinct = {row[index] for row in rows}
        key = _column_key(distinct)
        if key is None:
            return _sorted_by_engine([columns[name] for name, _ in keys], rows, keys)
        sign = -1 if descending else 1
        ranks.append((index, {term: sign * rank for rank, term in enumerate(sorted(distinct, key=key))}))
    return sorted(rows, key=lambda row: tuple(rank[row[index]] for index, rank in ranks))


def _sorted_by_engine(at: list[int], rows: list[list[object]], keys: Keys) -> list[list[object]] | None:
    """``rows`` sorted by pyoxigraph: each row's number and its keys (columns ``at``) as a VALUES
    block on an empty store, with the same ORDER BY; None if a key is a term VALUES cannot hold."""
    lines = []
    for number, row in enumerate(rows):
        cells = [row[index] for index in at]
        if any(isinstance(cell, ox.BlankNode) or (isinstance(cell, ox.Literal) and cell.direction)
               or not (cell is None or isinstance(cell, (ox.NamedNode, ox.Literal))) for cell in cells):
            return None
        lines.append(f"({number} {' '.join('UNDEF' if cell is None else str(cell) for cell in cells)})")
    names = " ".join(f"?k{position}" for position in range(len(keys)))
    # the row's number last: rows equal on every key keep their order
    order = " ".join(f"{'DESC' if down else 'ASC'}(?k{position})" for position, (_, down) in enumerate(keys))
    query = f"SELECT ?row WHERE {{ VALUES (?row {names}) {{ {' '.join(lines)} }} }} ORDER BY {order} ?row"
    return [rows[int(solution[0].value)] for solution in ox.Store().query(query)]  # type: ignore[index, union-attr]
