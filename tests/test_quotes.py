"""How quotes are compared with source texts: what is forgiven and what is not."""

from __future__ import annotations

from sovkg.sources.quotes import normalise


def test_markup_left_by_collection_is_dropped() -> None:
    source = "launched a [\\\\$7.4 million project](#) in 2023"
    assert normalise("launched a $7.4 million project in 2023") in normalise(source)


def test_whitespace_and_typographic_quotes_are_forgiven() -> None:
    source = "Meta\u2019s  announcement of a\n multiyear partnership"
    assert normalise("Meta's announcement of a multiyear partnership") in normalise(source)


def test_a_paraphrase_is_not_forgiven() -> None:
    source = "Operational as of October 2024"
    assert normalise("Operational since October 2024") not in normalise(source)
