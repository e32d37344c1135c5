"""Stored questions written in a form the embedded engine answers fast give what the plain form gives.

Each test builds a tiny graph with the cases the fast form has to get right (countries sharing a
name or without one, languages with several tags or none) and compares the stored question with
its plain form or with rows written by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from sovkg.queries.engines import EmbeddedEngine
from sovkg.queries.library import load_query
from sovkg.queries.params import bind

QUERIES = Path(__file__).resolve().parents[1] / "queries"

PREFIXES = """@prefix : <https://w3id.org/sovkg/id/> .
@prefix sov: <https://w3id.org/sovkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

COUNTRIES = PREFIXES + """
:A a sov:State ; rdfs:label "Twin"@en .
:B a sov:State ; rdfs:label "Twin"@en .
:C a sov:State .
:D a sov:State ; rdfs:label "Alone"@en .
:E a sov:State .
:mA1 a sov:SovereignModel ; rdfs:label "Model 1"@en ; sov:isSovereignEffortOf :A ; sov:trainedOn :cB1 .
:mA2 a sov:SovereignModel ; rdfs:label "Model 2"@en ; sov:isSovereignEffortOf :A .
:cA1 a sov:SovereignComputeProject ; rdfs:label "Machine 1"@en ; sov:isSovereignEffortOf :A .
:mB1 a sov:SovereignModel ; rdfs:label "Model 1"@en ; sov:isSovereignEffortOf :B .
:cB1 a sov:SovereignComputeProject ; rdfs:label "Machine 9"@en ; sov:isSovereignEffortOf :B .
:mC1 a sov:SovereignModel ; sov:isSovereignEffortOf :C .
:cC1 a sov:SovereignComputeProject ; sov:isSovereignEffortOf :C .
:mD1 a sov:SovereignModel ; rdfs:label "Model 3"@en ; sov:isSovereignEffortOf :D ; sov:trainedOn :cD1 , :cA1 .
:cD1 a sov:SovereignComputeProject ; rdfs:label "Machine 0"@en ; sov:isSovereignEffortOf :D .
:mE1 a sov:SovereignModel ; sov:isSovereignEffortOf :E .
:cE1 a sov:SovereignComputeProject ; sov:isSovereignEffortOf :E .
:mE2 a sov:SovereignModel ; sov:isSovereignEffortOf :E .
"""

LANGUAGES = PREFIXES + """
:Swedish a sov:NaturalLanguage ; rdfs:label "Swedish"@en ; sov:languageTag "sv" , "swe" .
:Untagged a sov:NaturalLanguage ; rdfs:label "Untagged"@en .
:GPTSW3 a sov:AIModel ; sov:coversLanguage :Swedish .
:Other a sov:AIModel ; sov:coversLanguage :Untagged .
"""


def _engine(turtle: str) -> EmbeddedEngine:
    store = ox.Store()
    store.load(turtle.encode(), ox.RdfFormat.TURTLE)
    return EmbeddedEngine(store)


def _rows(engine: EmbeddedEngine, text: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None
          ) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in engine.select(text, bindings).rows]


def test_model_and_compute_countries_sorts_as_its_plain_order() -> None:
    """The cheap sort keys (a number for the kind, the country's IRI only among namesakes and
    unnamed countries) give the order of the plain keys."""
    engine = _engine(COUNTRIES)
    text = load_query(QUERIES / "model-and-compute-countries.rq").text
    plain = re.sub(r"ORDER BY .*", "ORDER BY ?countryName ?country DESC(?kind) ?projectName ?project ?trainedOn",
                   text)
    assert plain != text
    rows = _rows(engine, text)
    assert len(rows) == 13
    assert rows == _rows(engine, plain)


def test_models_by_language_matches_each_tag_and_a_language_without_one() -> None:
    engine = _engine(LANGUAGES)
    query = load_query(QUERIES / "models-by-language.rq")

    def tags(language: str) -> list[str]:
        table = engine.select(query.text, bind(query, {"language": language}, None))
        return sorted(str(row[table.columns.index("tag")]) for row in table.rows)

    assert tags("swe") == ['"swe"']
    assert tags("SV") == ['"sv"']
    assert tags("swedish") == ['"sv"', '"swe"']
    assert tags("untagged") == ['"not stated"']
    assert tags("nowhere") == []
