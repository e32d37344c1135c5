"""The people's table as rich draws it, without importing rich's console (a large share of a stored
question's start-up time).

The table sovkg draws is one shape: rich's ``SIMPLE_HEAD`` box without edges, cells padded by one
space between columns, long cells folded, no styles. This module computes the same characters with
rich's own building blocks (cell widths, line division, width reduction) and the same steps as
``rich.table.Table``; a test compares the two on many tables. Text that rich would change (control
characters, emoji codes such as ``:flag_fr:``, markup in a title, backslashes) is left to rich itself:
:func:`plain_table` then answers None.
"""

from __future__ import annotations

import re
from itertools import pairwise

from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size

_EMOJI_CODE = re.compile(r":\S*:")
_TRAILING_SPACE = re.compile(r"\s+$")


def _normalize(low: int, high: int) -> tuple[int, int]:
    low = min(max(0, low), high)
    return max(0, low), max(0, max(low, high))


def _capped(low: int, high: int, most: int) -> tuple[int, int]:
    """rich's Measurement.get on an already measured range: normalized, capped, normalized."""
    low, high = _normalize(low, high)
    low, high = min(low, most), min(high, most)
    return (0, 0) if high < 1 else _normalize(low, high)


def _measure_cell(text: str, left: int, right: int, most: int) -> tuple[int, int]:
    """A padded cell's least and greatest width, as rich measures a Padding around a Text."""
    if most < 1:
        return 0, 0
    extra = left + right
    if most - extra < 1:
        return _capped(most, most, most)
    longest = cell_len(text)  # one line: the caller refuses line breaks
    words = text.split()
    low, high = _capped(max(cell_len(w) for w in words) if words else longest, longest, most)
    return _capped(min(low + extra, most), min(high + extra, most), most)


def _measure_column(cells: list[str], left: int, right: int, least: int, most: int) -> tuple[int, int]:
    if most < 1:
        return 0, 0
    sizes = [_measure_cell(text, left, right, most) for text in cells]
    low, high = min(max(s[0] for s in sizes), most), min(max(s[1] for s in sizes), most)
    floor = max(0, least + left + right)
    return max(low, floor), max(high, floor)


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """rich._ratio.ratio_reduce, repeated here: importing that module imports fractions and decimal."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            given = min(most, round(ratio * remaining / total_ratio))
            result.append(value - given)
            remaining -= given
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _collapse(widths: list[int], most: int) -> list[int]:
    """rich's Table._collapse_widths with every column wrappable: narrow the widest first."""
    total = sum(widths)
    excess = total - most
    while total and excess > 0:
        widest = max(widths)
        second = max(w if w != widest else 0 for w in widths)
        ratios = [1 if w == widest else 0 for w in widths]
        if not widest - second:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - most
    return widths


def _cell_lines(text: str, width: int) -> list[str]:
    """A cell's text folded to ``width`` cells, each line padded to it (rich's Text.wrap, left)."""
    offsets = divide_line(text, width, fold=True)
    bounds = [0, *offsets, len(text)]
    lines = []
    for start, end in pairwise(bounds):
        line = text[start:end]
        if len(line) > width:  # whitespace beyond the width goes
            space = _TRAILING_SPACE.search(line)
            if space is not None:
                line = line[: len(line) - min(len(space.group(0)), len(line) - width)]
        length = cell_len(line)
        if length > width:
            line = set_cell_size(line, width)
        elif length < width:
            line += " " * (width - length)
        lines.append(line)
    return lines


def plain_table(titles: list[str], rows: list[list[str]], minimum: list[int], width: int) -> list[str] | None:
    """The lines rich prints for this table on a console ``width`` wide (right spaces kept), or None
    where only rich itself can say (text that rich would change)."""
    count = len(titles)
    texts = (*titles, *(cell for row in rows for cell in row))
    if not count or any("[" in title for title in titles) or any(  # rich reads a title as markup
            not text.isprintable() or "\\" in text or _EMOJI_CODE.search(text) for text in texts):
        return None  # (rich's markup escaping doubles a backslash that ends a cell)
    pads = [(0 if i == 0 else 1, 0 if i == count - 1 else 1) for i in range(count)]
    columns = [[titles[i], *(row[i] for row in rows)] for i in range(count)]
    most = width - (count - 1)  # the dividers between columns
    widths = [_measure_column(columns[i], *pads[i], minimum[i], most)[1] or 1 for i in range(count)]
    if sum(widths) > most:
        widths = _collapse(widths, most)
        if sum(widths) > most:
            widths = _ratio_reduce(sum(widths) - most, [1] * count, widths, widths)
        widths = [_measure_column(columns[i], *pads[i], minimum[i], widths[i])[1] for i in range(count)]
    if any(w - left - right < 1 for w, (left, right) in zip(widths, pads, strict=True)):
        return None
    out: list[str] = []
    for number, cells in enumerate([titles, *rows]):
        blocks = [[" " * left + line + " " * right for line in _cell_lines(cell, w - left - right)]
                  for cell, w, (left, right) in zip(cells, widths, pads, strict=True)]
        height = max(len(block) for block in blocks)
        for block, w in zip(blocks, widths, strict=True):
            blank = [" " * w] * (height - len(block))
            block[:] = blank + block if number == 0 else block + blank  # the header sits on its rule
        out.extend(" ".join(parts) for parts in zip(*blocks, strict=True))
        if number == 0:
            out.append("─" * (sum(widths) + count - 1))
    # Columns kept at their least width can overrun the line: the console cuts every line there.
    return [set_cell_size(line, width) if cell_len(line) > width else line for line in out]
