"""Reading the words of a spreadsheet cell as RDF values: statuses, dates, shares, counts, booleans, lists.

Each reader returns a value or raises :class:`CellError` saying what it accepts, so that the importer
can point at FILE:ROW:COLUMN. Amounts of money are read in :mod:`sovkg.authoring.amounts`. The
README's table of accepted cell forms lists what each reader takes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date as calendar_date
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from sovkg.authoring.amounts import Amount, amount  # noqa: F401  (the money reader, re-exported)
from sovkg.authoring.errors import CellError
from sovkg.namespaces import RDF_TYPE, RDFS_LABEL, SOV_IRI

SKOS_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
_MONTH = {name: number for number, name in enumerate(MONTHS, start=1)}
_MONTH.update({name[:3]: number for name, number in list(_MONTH.items())})
_MONTH["sept"] = 9


# ---------------------------------------------------------------- statuses

NEGATIONS = {"not", "no", "never", "non", "without", "neither", "nor", "isn't", "wasn't", "hasn't", "hadn't",
             "aren't", "weren't", "haven't", "won't", "didn't", "doesn't", "don't", "cannot", "can't"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("’", "'"))


@dataclass(frozen=True)
class StatusVocabulary:
    """The ontology's project statuses with their labels and skos:altLabels, matched on whole words."""

    phrases: tuple[tuple[tuple[str, ...], str], ...]  # (words of a label, concept local name), longest first

    @classmethod
    def from_ontology(cls, ontology: list[ox.Quad]) -> StatusVocabulary:
        concepts = {q.subject.value for q in ontology if q.predicate.value == RDF_TYPE
                    and q.object.value == SOV_IRI + "ProjectStatus" and isinstance(q.subject, ox.NamedNode)}
        concepts.add(SOV_IRI + "ToBeDetermined")  # the source's own "to be determined" is a status too
        phrases = {(tuple(_words(q.object.value)), q.subject.value[len(SOV_IRI):]) for q in ontology
                   if q.subject.value in concepts and q.predicate.value in (RDFS_LABEL, SKOS_ALT_LABEL)
                   and isinstance(q.object, ox.Literal) and _words(q.object.value)}
        return cls(tuple(sorted(phrases, key=lambda p: (-len(p[0]), p))))

    def accepted(self) -> str:
        by_concept: dict[str, list[str]] = {}
        for words, concept in self.phrases:
            by_concept.setdefault(concept, []).append(" ".join(words))
        return "; ".join(f"{concept}: {', '.join(sorted(labels))}" for concept, labels in sorted(by_concept.items()))

    def read(self, text: str) -> str:
        """The one status concept the words name (local name), or :class:`CellError`."""
        words = _words(text)
        used = [False] * len(words)
        found: set[str] = set()
        for phrase, concept in self.phrases:  # longest phrases first, each word used once
            n = len(phrase)
            for start in range(len(words) - n + 1):
                if tuple(words[start: start + n]) == phrase and not any(used[start: start + n]):
                    found.add(concept)
                    used[start: start + n] = [True] * n
        rest = [w for w, u in zip(words, used, strict=True) if not u]
        negated = [w for w in rest if w in NEGATIONS] + \
            [f"{a} {b}" for a, b in itertools.pairwise(rest) if (a, b) == ("yet", "to")]
        if negated and found:
            raise CellError(f"{text!r} negates a status ({', '.join(negated)}): write the status it has, "
                            f"using one of: {self.accepted()}")
        if len(found) > 1:
            raise CellError(f"{text!r} names more than one status ({', '.join(sorted(found))}): keep the one "
                            "that holds now")
        if not found:
            raise CellError(f"cannot tell the status from {text!r}: the words name one of: {self.accepted()}")
        return found.pop()


# ---------------------------------------------------------------- dates

_DATE_PATTERNS = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})\b"), ("d", "month", "y")),
    (re.compile(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"), ("month", "d", "y")),
    (re.compile(r"\b(\d{4})-(\d{2})\b(?!-)"), ("y", "m")),
    (re.compile(r"\b([a-z]+)\.?,?\s+(\d{4})\b"), ("month", "y")),
    (re.compile(r"(?<![\d$€£.,-])\b((?:19|20)\d\d)\b(?![\d%]|[,.-]\d)"), ("y",)),
]


def date(text: str) -> tuple[str, str] | None:
    """The date a status cell gives, as (lexical form, XSD type name); None if it gives none.

    2025-05-12, 12 May 2025 and May 12, 2025 are days (xsd:date); May 2025 and 2025-05 months
    (xsd:gYearMonth); 2025 a year (xsd:gYear). Two different dates, or an impossible one, are refused.
    """
    lowered = text.lower()
    taken = [False] * len(lowered)
    found: list[tuple[str, str]] = []
    for pattern, parts in _DATE_PATTERNS:
        for match in pattern.finditer(lowered):
            if any(taken[match.start(): match.end()]):
                continue
            values = dict(zip(parts, match.groups(), strict=True))
            if "month" in values:
                if values["month"] not in _MONTH:
                    continue
                values["m"] = str(_MONTH[values["month"]])
            year = int(values["y"])
            try:
                if "d" in values:
                    day = calendar_date(year, int(values["m"]), int(values["d"]))
                    found.append((day.isoformat(), "date"))
                elif "m" in values:
                    calendar_date(year, int(values["m"]), 1)
                    found.append((f"{year:04d}-{int(values['m']):02d}", "gYearMonth"))
                else:
                    found.append((f"{year:04d}", "gYear"))
            except ValueError as error:
                raise CellError(f"{match.group(0)!r} is not a date on the calendar ({error})") from error
            taken[match.start(): match.end()] = [True] * (match.end() - match.start())
    distinct = list(dict.fromkeys(found))
    if len(distinct) > 1:
        raise CellError(f"{text!r} gives {len(distinct)} dates ({', '.join(d for d, _ in distinct)}): "
                        "keep the one the status holds from")
    return distinct[0] if distinct else None


# ---------------------------------------------------------------- other cells

def openness(text: str) -> str:
    lowered = " ".join(_words(text))
    if lowered.startswith(("intended to be open", "intends to be open", "intended open")):
        return "IntendedOpen"
    if lowered.startswith("open") and not any(w in NEGATIONS for w in _words(text)):
        return "Open"
    if lowered.startswith("closed"):
        return "Closed"
    raise CellError(f"openness is Open, Intended to be open or Closed, not {text!r}")


def development_methods(text: str) -> list[str]:
    lowered = text.lower()
    methods = []
    if "scratch" in lowered:
        methods.append("PretrainedFromScratch")
    if "based on" in lowered or "derived" in lowered:
        methods.append("DerivedFromBaseModel")
    if "fine-tun" in lowered or "fine tun" in lowered:
        methods.append("FineTuning")
    if "instruction" in lowered:
        methods.append("InstructionTuning")
    if "continued pretraining" in lowered:
        methods.append("ContinuedPretraining")
    return methods


def names(text: str) -> list[str]:
    """A list cell: names separated by semicolons (commas belong to names such as "Tokyo, Japan")."""
    return [part.strip() for part in text.split(";") if part.strip()]


@dataclass(frozen=True)
class Count:
    value: int
    approximate: bool = False


def whole_number(text: str) -> Count:
    """1528, 1,528, ~1528 or about 1,528 (approximate)."""
    match = re.fullmatch(r"\s*(~|about\s+|approximately\s+|around\s+)?(\d{1,3}(?:,\d{3})+|\d+)\s*", text, re.I)
    if match is None:
        raise CellError(f"expected a whole number such as 1528, 1,528 or ~1,500, not {text!r}")
    return Count(int(match.group(2).replace(",", "")), approximate=match.group(1) is not None)


def share(text: str) -> Decimal:
    """15%, 15 percent, 15 per cent or 0.15, as a fraction; a bare 15 is refused (15% or 0.15?)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%|percent|per cent)?\s*", text, re.I)
    if match is None:
        raise CellError(f"a share is a percentage such as 15% or 15 percent, or a fraction such as 0.15, not {text!r}")
    try:
        value = Decimal(match.group(1))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only decimals
        raise CellError(f"cannot read {text!r} as a number") from error
    if match.group(2):
        value /= 100
    elif value > 1:
        raise CellError(f"{text!r} is more than 1: write 15% (or 15 percent) for a percentage, 0.15 for a fraction")
    if not 0 <= value <= 1:
        raise CellError(f"a share lies between 0% and 100%, not {text!r}")
    return value


TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0"}


def boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"a yes/no cell is one of yes, no, true, false, y, n, 1, 0, x (or empty for no), not {text!r}")
