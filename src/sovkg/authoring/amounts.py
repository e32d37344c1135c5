"""Sums of money read from a cell as a person reads them, exactly, or refused.

A cell such as ``~$100 million``, ``€80 million``, ``80 million euros``, ``CA$2 billion``,
``$1.5bn``, ``USD 300M``, ``$250-300 million (author's estimate)``, ``Up to ~$1 billion``,
``more than £5m`` or ``Undisclosed`` becomes an :class:`Amount` whose number is a
:class:`decimal.Decimal` (never a float) and whose currency is an ISO 4217 code. What cannot be read
exactly (no currency, an unknown magnitude such as ``mln``, a decimal comma, two amounts that are
not added, ``¥`` which is both yen and yuan) raises :class:`CellError` with the accepted forms.

ISO 4217 codes come from pycountry. The symbols and currency words are written here once: no
library maps ``CA$`` or ``euros`` to a code without a locale, and a locale would be a guess.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from sovkg.authoring.errors import CellError

EXAMPLES = ("~$100 million, €80 million, 80 million euros, CA$2 billion, $1.5bn, USD 300M, "
            "$250-300 million, Up to ~$1 billion, more than £5m, Undisclosed")

# Symbols (Unicode CLDR's narrow symbols of the currencies the sources name). "$" alone is the US
# dollar, as the sources use it; "¥" is refused because it is both yen and yuan.
SYMBOLS = {"US$": "USD", "$": "USD", "CA$": "CAD", "C$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD",
           "S$": "SGD", "SG$": "SGD", "HK$": "HKD", "R$": "BRL", "€": "EUR", "£": "GBP", "₹": "INR",
           "₩": "KRW", "₽": "RUB", "₪": "ILS", "CN¥": "CNY", "JP¥": "JPY", "¥": "", "₺": "TRY"}
# Currency words written after the number ("80 million euros"); longest first when matching.
WORDS = {"euros": "EUR", "euro": "EUR", "us dollars": "USD", "u.s. dollars": "USD", "dollars": "USD",
         "canadian dollars": "CAD", "australian dollars": "AUD", "singapore dollars": "SGD",
         "pounds sterling": "GBP", "pounds": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY",
         "renminbi": "CNY", "indian rupees": "INR", "swiss francs": "CHF", "won": "KRW"}
MAGNITUDES = {"thousand": 10 ** 3, "k": 10 ** 3, "K": 10 ** 3, "million": 10 ** 6, "m": 10 ** 6, "M": 10 ** 6,
              "mn": 10 ** 6, "billion": 10 ** 9, "bn": 10 ** 9, "B": 10 ** 9, "trillion": 10 ** 12,
              "tn": 10 ** 12, "lakh": 10 ** 5, "crore": 10 ** 7}
# Words that look like a magnitude but are not read: refused rather than ignored ($12 mln is not $12).
UNREAD_MAGNITUDES = {"mln", "mio", "mil", "mill", "mrd", "bln", "bil", "bil.", "md", "lac", "lacs", "lakhs",
                     "crores", "cr", "millions", "billions", "thousands", "mm", "t", "tr"}

APPROXIMATE = r"~|≈|\babout\b|\baround\b|\bapproximately\b|\broughly\b|\bapprox\.?|\bnearly\b|\balmost\b|\bsome\b"
UPPER = r"\bup to\b|\bless than\b|\bunder\b|\bbelow\b|\bat most\b|\bas much as\b|\bno more than\b"
LOWER = r"\bmore than\b|\bover\b|\bat least\b|\babove\b|\bin excess of\b|\bupwards of\b|\bexceeding\b"
ADDED = r"\badditional\b|\bplus\b|\banother\b|\ba further\b|\bfurther\b"
UNDISCLOSED = r"\bundisclosed\b|\bnot disclosed\b|\bnot been disclosed\b|\bunknown\b"


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
    # When the cell adds up several amounts ("~$1 billion with an additional ~US$1 billion"): each
    # part's words and the figures it states. The total is then a derived figure, not a stated one.
    parts: tuple[str, ...] = ()
    part_figures: tuple[Decimal, ...] = ()


@lru_cache(maxsize=1)
def iso_4217() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SYM = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_WORD = "|".join(re.escape(w) for w in sorted(WORDS, key=len, reverse=True))
_MAG = "|".join(sorted(MAGNITUDES, key=len, reverse=True))


def _part(name: str) -> str:
    return (rf"(?:(?P<{name}sym>{_SYM})\s?|(?P<{name}code>[A-Z]{{3}})\s?)?"
            rf"(?P<{name}num>{_NUM})(?:\s?(?P<{name}mag>{_MAG})(?![A-Za-z]))?"
            rf"(?:\s?(?P<{name}post>[A-Z]{{3}}(?![A-Za-z])|(?i:{_WORD})(?![A-Za-z])))?")


_AMOUNT = re.compile(rf"(?<![\w.,]){_part('lo')}(?:(?P<sep>\s?-\s?|\s(?:to|and)\s){_part('hi')})?")


@dataclass
class _Found:
    start: int
    end: int
    low: Decimal
    high: Decimal | None
    currency: str | None
    has_magnitude: bool


def _side(match: re.Match[str], name: str) -> tuple[Decimal, int | None, str | None]:
    number = Decimal(match.group(name + "num").replace(",", ""))
    magnitude = MAGNITUDES.get(match.group(name + "mag") or "")
    currency = None
    if match.group(name + "sym") is not None:
        symbol = match.group(name + "sym")
        currency = SYMBOLS[symbol]
        if not currency:
            raise CellError(f"{symbol} is both the Japanese yen and the Chinese yuan: write JPY or CNY "
                            f"(accepted forms: {EXAMPLES})")
    code = match.group(name + "code")
    if code is not None and code in iso_4217():  # other capitals (GPU 500) are not a currency
        currency = code
    post = match.group(name + "post")
    post_code = WORDS.get(post.lower(), post) if post is not None else None
    if post_code is not None and post_code in iso_4217():
        if currency is not None and currency != post_code:
            raise CellError(f"two currencies for one amount: {currency} and {post_code}")
        currency = post_code
    return number, magnitude, currency


def _scan(text: str) -> list[_Found]:
    found: list[_Found] = []
    position = 0
    while (match := _AMOUNT.search(text, position)) is not None:
        end = match.end()
        low, low_mag, low_cur = _side(match, "lo")
        has_high = match.group("hinum") is not None
        if has_high and match.group("sep").strip() in ("to", "and"):
            marked = any(match.group("hi" + g) for g in ("sym", "code", "mag", "post"))
            between = re.search(r"\bbetween\s*$", text[: match.start()].lower()) is not None
            # "$5 million to 30 universities" is not a range; "and" makes one only after "between"
            if not marked or (match.group("sep").strip() == "and" and not between):
                has_high = False
                end = max(match.end(g) for g in ("lonum", "lomag", "lopost") if match.group(g) is not None)
        position = end
        high, high_mag, high_cur = _side(match, "hi") if has_high else (None, None, None)
        currency = low_cur or high_cur
        if low_cur and high_cur and low_cur != high_cur:
            raise CellError(f"a range in two currencies ({low_cur} and {high_cur}) cannot be read as one amount")
        magnitude = low_mag or high_mag
        if currency is None:
            if magnitude is not None:
                raise CellError(f"{text[match.start():end].strip()!r} names no currency: write it as $80 million, "
                                f"80 million euros or EUR 80 million (accepted forms: {EXAMPLES})")
            continue  # a year, a count or a percentage: not money
        _check_after(text, end)
        _check_before(text, match.start())
        low_value = low * (low_mag or high_mag or 1)
        high_value = high * (high_mag or low_mag or 1) if high is not None else None
        if high_value is not None and high_value < low_value:
            raise CellError(f"the range {text[match.start():end].strip()!r} ends below its start")
        found.append(_Found(match.start(), end, low_value, high_value, currency, magnitude is not None))
    return found


def _check_after(text: str, end: int) -> None:
    rest = text[end:]
    if re.match(r"[,.]\d", rest):
        raise CellError("a decimal comma or a number split by spaces cannot be read: write 1.5 billion, "
                        f"not 1,5 billion (accepted forms: {EXAMPLES})")
    glued = re.match(r"[A-Za-z]+", rest)
    if glued:
        raise CellError(f"cannot read {glued.group(0)!r} after the number: magnitudes are thousand, million, "
                        f"billion, trillion, k, M, m, bn, B (accepted forms: {EXAMPLES})")
    word = re.match(r"\s+([A-Za-z.]+)", rest)
    if word and (word.group(1).lower() in UNREAD_MAGNITUDES or word.group(1).lower().rstrip(".") in UNREAD_MAGNITUDES):
        raise CellError(f"cannot read {word.group(1)!r} as a magnitude: write thousand, million, billion, "
                        f"trillion, k, M, m, bn or B (accepted forms: {EXAMPLES})")


def _check_before(text: str, start: int) -> None:
    before = text[:start].rstrip()
    if before.endswith("-") and not re.search(r"\d\s?-$", before):
        raise CellError("a negative amount is not a sum of money a project can have")


def amount(text: str) -> Amount:
    """The amount a cell states, read exactly, or :class:`CellError` saying what is accepted."""
    words = " ".join(text.replace("\\$", "$").replace("–", "-").replace("—", "-").replace("\u00a0", " ").split())
    lowered = words.lower()
    found = _scan(words)
    undisclosed = re.search(UNDISCLOSED, lowered) is not None
    estimate = re.search(r"\bestimat|\best\.", lowered) is not None
    if not found:
        if undisclosed:
            return Amount(None, undisclosed=True, estimate=estimate)
        raise CellError(f"cannot read an amount of money in {text!r}: write it as the source does, "
                        f"such as {EXAMPLES}")
    first = found[0]
    low, high = first.low, first.high
    for previous, extra in itertools.pairwise(found):
        between = lowered[previous.end: extra.start]
        if re.search(ADDED, between) is None:
            raise CellError(f"{len(found)} amounts in one cell and no word saying they add up (\"plus\", "
                            "\"an additional\"): give one amount per cell")
        if extra.currency != first.currency:
            raise CellError(f"amounts in {first.currency} and {extra.currency} cannot be added")
        low += extra.low
        high = (high if high is not None else first.low) + (extra.high or extra.low) \
            if (high is not None or extra.high is not None) else None
    # Qualifiers belong to the words before an amount (and before what is added to it).
    lead = lowered[: first.start]
    for previous, extra in itertools.pairwise(found):
        lead += " " + lowered[previous.end: extra.start]
    return Amount(
        amount=low, amount_max=high, currency=first.currency or "USD",
        approximate=re.search(APPROXIMATE, lead) is not None,
        estimate=estimate,
        upper_bound=re.search(UPPER, lead) is not None,
        lower_bound=re.search(LOWER, lead) is not None or bool(re.match(r"\+", lowered[found[-1].end:])),
        undisclosed=undisclosed,
        parts=tuple(words[f.start:f.end].strip() for f in found) if len(found) > 1 else (),
        part_figures=tuple(v for f in found for v in (f.low, f.high) if v is not None) if len(found) > 1 else ())


def decimal_text(value: Decimal) -> str:
    """A decimal's plain lexical form, with a fractional part as the project's Turtle writes it."""
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"
