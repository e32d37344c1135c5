"""Reading the words of a spreadsheet cell as RDF values: amounts, dates, statuses, openness.

Each reader returns a value or raises :class:`CellError` saying what it expected, so that the
importer can point at FILE:ROW:COLUMN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal


class CellError(ValueError):
    """A cell that cannot be read as its column requires."""


@dataclass(frozen=True)
class Amount:
    """A sum of money as a source states it."""

    amount: Decimal | None
    amount_max: Decimal | None = None
    currency: str = "USD"
    approximate: bool = False
    estimate: bool = False
    upper_bound: bool = False
    lower_bound: bool = False
    undisclosed: bool = False


_SCALE = {"thousand": Decimal(10) ** 3, "million": Decimal(10) ** 6, "billion": Decimal(10) ** 9,
          "trillion": Decimal(10) ** 12}
_MONEY = re.compile(r"(?:US)?\$\s*([\d][\d,]*(?:\.\d+)?)\s*(?:-|to|–)?\s*(?:\$\s*)?([\d][\d,]*(?:\.\d+)?)?\s*"
                    r"(thousand|million|billion|trillion)?", re.I)
_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], start=1)}


def amount(text: str) -> Amount:
    """"~$100 million", "$250-300 million (author's estimate)", "Up to ~$1 billion", "Undisclosed"."""
    words = " ".join(text.replace("\\$", "$").split())
    lowered = words.lower()
    if "undisclosed" in lowered and not _MONEY.search(words):
        return Amount(None, undisclosed=True)
    match = _MONEY.search(words)
    if match is None:
        raise CellError(f"cannot read an amount of money in {text!r} (write it as the source does, e.g. ~$15 million)")
    scale = _SCALE.get((match.group(3) or "").lower(), Decimal(1))
    low = Decimal(match.group(1).replace(",", "")) * scale
    high = Decimal(match.group(2).replace(",", "")) * scale if match.group(2) else None
    before = lowered[: match.start()]
    return Amount(
        amount=low, amount_max=high,
        approximate="~" in before or "about" in before or "approximately" in before or "roughly" in before,
        estimate="estimate" in lowered,
        upper_bound="up to" in before, lower_bound="more than" in before or "over" in before.split()[-1:],
        undisclosed="undisclosed" in lowered)


def date(text: str) -> tuple[str, str] | None:
    """The most precise date in the words, as (lexical form, XSD type name), or None."""
    lowered = text.lower()
    year = re.search(r"\b(19|20)\d\d\b", lowered)
    if year is None:
        return None
    for name, number in _MONTHS.items():
        if re.search(rf"\b{name}\s+{year.group(0)}\b", lowered):
            return f"{year.group(0)}-{number:02d}", "gYearMonth"
    return year.group(0), "gYear"


STATUS_WORDS = [  # first match wins: more specific phrases first
    ("not yet released", "NotYetReleased"), ("to be determined", "ToBeDetermined"),
    ("expression of interest", "CallForInterest"), ("expressions of interest", "CallForInterest"),
    ("consultation", "UnderConsultation"), ("empanelment", "Procurement"), ("procurement", "Procurement"),
    ("expected completion", "UnderConstruction"), ("under construction", "UnderConstruction"),
    ("operational", "Operational"), ("announced", "Announced"), ("beta", "BetaReleased"),
    ("released", "Released"), ("planned", "Planned"), ("proposed", "Proposed"), ("cancel", "Cancelled"),
    ("cut", "Cancelled"),
]


def status(text: str) -> str:
    lowered = text.lower()
    for words, concept in STATUS_WORDS:
        if words in lowered:
            return concept
    known = ", ".join(sorted({w for w, _ in STATUS_WORDS}))
    raise CellError(f"cannot tell the status from {text!r}: use words such as {known}")


def openness(text: str) -> str:
    lowered = text.lower().strip()
    if "intend" in lowered:
        return "IntendedOpen"
    if lowered.startswith("open"):
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
    """A list cell: names separated by semicolons."""
    return [part.strip() for part in text.split(";") if part.strip()]


def whole_number(text: str) -> int:
    cleaned = text.replace(",", "").replace("~", "").strip()
    if not re.fullmatch(r"\d+", cleaned):
        raise CellError(f"expected a whole number such as 1528, not {text!r}")
    return int(cleaned)
