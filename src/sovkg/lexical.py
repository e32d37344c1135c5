"""Blanking the comments and string literals of Turtle and SPARQL text, keeping every offset.

Reports name the file and line of a term, which no RDF parser keeps, so a few places scan the text
themselves. They must see only syntax: not words inside strings (single, double, and the
triple-quoted long strings that span lines), not comments, and not a ``#`` inside an IRI such as
``<https://example.org/a#b>``, which starts no comment. This one function does that for all of them.
"""

from __future__ import annotations

import re

_IRI = re.compile(r"<[^\s<>\"{}|^`\\]*>")


def mask(text: str, blank_iris: bool = False) -> str:
    """``text`` with comments and string literals replaced by spaces (newlines kept, so lines and
    columns stay where they were); IRIs in ``<...>`` kept, or blanked too if ``blank_iris``."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, i) else char
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if len(quote) == 1 and text[j] == "\n":
                    break  # an unterminated short string ends at the line's end
                j += 2 if text[j] == "\\" else 1
            end = min(j + len(quote), n)
            out.append("".join(c if c == "\n" else " " for c in text[i:end]))
            i = end
        elif char == "<" and (match := _IRI.match(text, i)):
            iri = match.group(0)
            out.append(" " * len(iri) if blank_iris else iri)
            i = match.end()
        else:
            out.append(char)
            i += 1
    return "".join(out)
