"""Blanking the comments and string literals of Turtle and SPARQL text, keeping every offset.

Reports name the file and line of a term, which no RDF parser keeps, so a few places scan the text
themselves. They must see only syntax: not words inside strings (single, double, and the
triple-quoted long strings that span lines), not comments, and not a ``#`` inside an IRI such as
``<https://example.org/a#b>``, which starts no comment. This one function does that for all of them.
"""

from __future__ import annotations

import re

# One token that may hide syntax: an IRI, a comment to the end of its line, or a string. In a
# string an escape skips the character after its backslash (even a newline); a short string also
# ends at the end of its line, unterminated (the newline is part of it); an unclosed string runs to
# the end of the text.
_TOKEN = re.compile(r"""
    (?P<iri> <[^\s<>"{}|^`\\]*> )
  | \#[^\n]*
  | \"\"\" (?:[^"\\]|\\.|"(?!""))*+ (?:\"\"\"|\\?\Z)
  | ''' (?:[^'\\]|\\.|'(?!''))*+ (?:'''|\\?\Z)
  | " (?:[^"\\\n]|\\.)*+ (?:"|\n|\\?\Z)
  | ' (?:[^'\\\n]|\\.)*+ (?:'|\n|\\?\Z)
""", re.S | re.X)


def _blank(token: str) -> str:
    """Spaces for every character of ``token`` except its newlines."""
    if "\n" not in token:
        return " " * len(token)
    return "\n".join(" " * len(part) for part in token.split("\n"))


def _blank_unless_iri(match: re.Match[str]) -> str:
    return match[0] if match.lastgroup == "iri" else _blank(match[0])


def mask(text: str, blank_iris: bool = False) -> str:
    """``text`` with comments and string literals replaced by spaces (newlines kept, so lines and
    columns stay where they were); IRIs in ``<...>`` kept, or blanked too if ``blank_iris``."""
    # The scan goes left to right, so a ``#`` or quote inside an IRI, or a ``<`` inside a string,
    # is part of the token that holds it.
    return _TOKEN.sub(lambda m: _blank(m[0]) if blank_iris else _blank_unless_iri(m), text)
