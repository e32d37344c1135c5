"""Qualified dependencies computed at build time: each project, first hop, layer and actor.

The dependency questions read them instead of following every chain on every run, so they must be
exactly what the chains say: the test compares them with the same rules written as one SPARQL
query with property paths (the form the questions had), on the built seed graph; the lookups
added beside them are compared with the SPARQL they replace on the seed graph and on a small
generated world (whose chains, groups and countries are many and regular).
"""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

from sovkg.build.dependencies import qualified_dependencies
from sovkg.build.pipeline import build
from sovkg.project import Project
from sovkg.queries.params import with_values
from tests.conftest import ROOT

PREFIXES = """PREFIX sov: <https://w3id.org/sovkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

# The rules of the first hop and the chain, as dependencies-on-country used to state them.
BY_PATHS = PREFIXES + """
SELECT DISTINCT ?project ?hop ?layer ?actor WHERE {
  ?project sov:isSovereignEffortOf ?country .
  {
    ?project a sov:SovereignAIProject .
    { ?project ?property ?hop } UNION { ?project sov:hasVersion ?version . ?version ?property ?hop }
    ?property rdfs:subPropertyOf+ sov:dependsOn .
    FILTER (?property != sov:familyDependsOn)
    OPTIONAL { ?property sov:inLayer ?layer . ?layer rdfs:label ?layerName . }
  } UNION {
    ?project a sov:SovereignAIProject ; sov:dependsOn ?hop .
    FILTER NOT EXISTS { ?project ?typed ?hop . ?typed rdfs:subPropertyOf sov:dependsOn .
                        FILTER (?typed != sov:dependsOn) }
    FILTER NOT EXISTS { ?project sov:hasVersion ?someVersion . ?someVersion sov:dependsOn ?hop . }
    FILTER NOT EXISTS { ?project sov:dependsOn ?middle . ?middle sov:dependsOn ?hop . FILTER (?middle != ?hop) }
  }
  ?hop sov:dependsOn* ?actor .
  ?actor a sov:Actor .
}"""

MATERIALISED = PREFIXES + """
SELECT ?project ?hop ?layer ?actor WHERE {
  GRAPH <https://w3id.org/sovkg/graph/inferred> {
    ?dependency sov:dependent ?project ; sov:firstHop ?hop ; sov:dependee ?actor .
    OPTIONAL { ?dependency sov:dependencyLayer ?layer }
  }
}"""


def _rows(store: ox.Store, query: str) -> set[tuple[str, ...]]:
    return {tuple(str(row[name]) if row[name] is not None else "" for name in ("project", "hop", "layer", "actor"))
            for row in store.query(query, use_default_graph_as_union=True)}


def test_materialised_dependencies_are_what_the_chains_say(built: Project) -> None:
    store = ox.Store.read_only(str(built.store))
    materialised = _rows(store, MATERIALISED)
    assert len(materialised) > 50
    assert materialised == _rows(store, BY_PATHS)


def test_gefion_depends_on_nvidia_through_its_system_chips_and_partnership(built: Project) -> None:
    store = ox.Store.read_only(str(built.store))
    rows = store.query(PREFIXES + """
        SELECT ?hopName ?layerName ?actorName ?length WHERE {
          ?d sov:dependent <https://w3id.org/sovkg/id/Gefion> ; sov:firstHop ?hop ; sov:dependee ?actor ;
             sov:pathLength ?length .
          ?hop rdfs:label ?hopName . ?actor rdfs:label ?actorName .
          OPTIONAL { ?d sov:dependencyLayer/rdfs:label ?layerName }
        }""", use_default_graph_as_union=True)
    found = {(r["hopName"].value, r["layerName"].value, r["actorName"].value, int(r["length"].value)) for r in rows}
    # Table 2, Denmark: a DGX SuperPOD of 1,528 H100; partners Eviden, Digital Realty, Nvidia;
    # 15 percent from Denmark's government, 85 percent from the Novo Nordisk Foundation.
    assert ("Nvidia DGX SuperPOD", "compute infrastructure", "Nvidia", 2) in found
    assert ("Nvidia H100", "chips and semiconductors", "Nvidia", 2) in found
    assert ("Nvidia", "development and integration", "Nvidia", 1) in found
    assert ("Eviden", "development and integration", "Atos", 2) in found
    assert ("Denmark", "funding and capital", "Denmark", 1) in found
    assert ("Novo Nordisk Foundation", "funding and capital", "Novo Nordisk Foundation", 1) in found


def _select(store: ox.Store, query: str, names: tuple[str, ...]) -> set[tuple[str, ...]]:
    return {tuple(str(row[name]) if row[name] is not None else "" for name in names)
            for row in store.query(PREFIXES + query, use_default_graph_as_union=True)}


def test_ownership_closure_is_what_the_chains_say(built: Project) -> None:
    store = ox.Store.read_only(str(built.store))
    closure = _select(store, "SELECT ?owned ?owner WHERE { ?owned sov:ownerInChain ?owner }", ("owned", "owner"))
    assert closure == _select(store, "SELECT DISTINCT ?owned ?owner WHERE { ?owned sov:ownedBy+ ?owner }",
                              ("owned", "owner"))
    tops = _select(store, "SELECT ?owned ?top WHERE { ?owned sov:ultimateOwner ?top }", ("owned", "top"))
    assert tops == _select(store, """SELECT DISTINCT ?owned ?top WHERE {
        ?owned sov:ownedBy+ ?top . FILTER NOT EXISTS { ?top sov:ownedBy ?higher } }""", ("owned", "top"))
    # Table 1: Eviden is a subsidiary of Atos.
    assert ("<https://w3id.org/sovkg/id/Eviden>", "<https://w3id.org/sovkg/id/Atos>") in tops


# The home of an actor, as the dependency questions state it: its stated jurisdiction, or itself
# for a state.
HOMES = """
  { ?actor sov:hasJurisdiction ?home } UNION { ?actor a sov:Jurisdiction . BIND (?actor AS ?home) }"""


def test_each_qualified_dependency_carries_the_home_of_its_actor(built: Project) -> None:
    store = ox.Store.read_only(str(built.store))
    names = ("dependency", "home")
    assert _select(store, "SELECT ?dependency ?home WHERE { ?dependency sov:dependeeJurisdiction ?home ; "
                          "sov:dependee ?actor }", names) == _select(
        store, "SELECT DISTINCT ?dependency ?home WHERE { ?dependency sov:dependee ?actor ." + HOMES + " }", names)


def test_jurisdiction_summaries_sum_the_qualified_dependencies(built: Project) -> None:
    store = ox.Store.read_only(str(built.store))
    names = ("country", "layer", "home")
    summaries = _select(store, """SELECT ?country ?layer ?home WHERE {
        ?summary sov:dependentJurisdiction ?country .
        OPTIONAL { ?summary sov:dependencyLayer ?layer } OPTIONAL { ?summary sov:dependeeJurisdiction ?home } }""",
                        names)
    assert len(summaries) > 20
    assert summaries == _select(store, """SELECT DISTINCT ?country ?layer ?home WHERE {
        ?dependency sov:dependent ?project ; sov:dependee ?actor .
        ?project sov:isSovereignEffortOf ?country .
        OPTIONAL { ?dependency sov:dependencyLayer ?layer }
        OPTIONAL {""" + HOMES + " } }", names)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A small generated world, built once for this module."""
    root = tmp_path_factory.mktemp("world") / "world"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "world.py"), "--triples", "6000", "--out", str(root)],
                   capture_output=True, text=True, check=True)
    project = Project(root, root / "dist")
    build(project)
    return project


@pytest.fixture(params=["seed", "world"])
def graph(request: pytest.FixtureRequest) -> ox.Store:
    """The built store of the seed graph, then of the generated world."""
    project: Project = request.getfixturevalue("built" if request.param == "seed" else "world")
    return ox.Store.read_only(str(project.store))


# The recorded alternatives of what-if-withdrawal, as the question computed them before they were
# materialised: for each project, layer and country (with an ISO code) it rests on in that layer,
# the labelled actors of another dependency in the same layer with a stated home other than the
# country, whose first hop neither is, nor is under, nor depends on the country or its actors.
ALTERNATIVES = """SELECT DISTINCT ?project ?layer ?country ?alternative WHERE {
  ?lost sov:dependeeJurisdiction ?country ; sov:dependent ?project ; sov:dependencyLayer ?layer .
  ?country sov:isoCode ?anyCode .
  ?other sov:dependent ?project ; sov:dependencyLayer ?layer ; sov:firstHop ?otherTarget ;
         sov:dependee ?alternative ; sov:dependeeJurisdiction ?alternativeHome .
  ?alternative rdfs:label ?alternativeName .
  FILTER (?alternativeHome != ?country && ?otherTarget != ?country)
  FILTER NOT EXISTS { ?otherTarget sov:hasJurisdiction ?country }
  FILTER NOT EXISTS { ?otherTarget sov:dependsOnJurisdiction ?country }
  FILTER NOT EXISTS { ?otherTarget sov:dependsOn ?country }
}"""


def test_layer_exposures_hold_the_alternatives_the_question_computed(graph: ox.Store) -> None:
    names = ("project", "layer", "country", "alternative")
    materialised = _select(graph, """SELECT ?project ?layer ?country ?alternative WHERE {
        ?exposure sov:exposedProject ?project ; sov:exposedLayer ?layer ; sov:exposedTo ?country ;
                  sov:alternativeActor ?alternative }""", names)
    assert materialised
    assert materialised == _select(graph, ALTERNATIVES, names)
    # one project, layer and country per exposure, and none without an alternative
    assert not _select(graph, """SELECT ?exposure WHERE {
        ?exposure sov:exposedProject ?project . FILTER NOT EXISTS { ?exposure sov:alternativeActor ?any } }""",
                       ("exposure",))
    assert _select(graph, """SELECT ?exposure WHERE {
        { ?exposure sov:exposedProject ?a , ?b } UNION { ?exposure sov:exposedLayer ?a , ?b }
        UNION { ?exposure sov:exposedTo ?a , ?b } FILTER (?a != ?b) }""", ("exposure",)) == set()


def test_each_dependency_leads_to_the_exposures_of_its_project_and_layer(graph: ox.Store) -> None:
    names = ("record", "exposure")
    # the exposure of the record's own project, layer and country, for every country its actor is
    # under where alternatives are recorded, and no other
    followed = _select(graph, "SELECT ?record ?exposure WHERE { ?record sov:layerExposure ?exposure }", names)
    expected = _select(graph, """SELECT ?record ?exposure WHERE {
        ?record sov:dependent ?project ; sov:dependencyLayer ?layer ; sov:dependeeJurisdiction ?country .
        ?exposure sov:exposedProject ?project ; sov:exposedLayer ?layer ; sov:exposedTo ?country . }""", names)
    assert expected
    assert followed == expected


# The company's group as projects-involving-company read it before it was materialised: the
# company itself, its owners up the chain and what it owns down the chain.
GROUPS = """SELECT DISTINCT ?company ?member WHERE {
  { ?company a sov:Actor . BIND (?company AS ?member) }
  UNION { ?company sov:ownedBy ?anyOwner . BIND (?company AS ?member) }
  UNION { ?anyOwned sov:ownedBy ?company . BIND (?company AS ?member) }
  UNION { ?company sov:ownerInChain ?member }
  UNION { ?member sov:ownerInChain ?company }
}"""


def test_group_members_are_the_company_its_owners_and_what_it_owns(graph: ox.Store) -> None:
    names = ("company", "member")
    members = _select(graph, "SELECT ?company ?member WHERE { ?company sov:groupMember ?member }", names)
    assert members == _select(graph, GROUPS, names)
    assert members == _select(graph, GROUPS.replace("sov:ownerInChain", "sov:ownedBy+"), names)
    assert any(company != member for company, member in members)


# what-if-withdrawal's alternatives as it read them before each record led to its exposures:
# matched by project, layer and country.
WHAT_IF_BY_MATCH = ("""
  OPTIONAL {
    ?exposure sov:exposedProject ?project ; sov:exposedLayer ?layer ; sov:exposedTo ?withdrawing ;
              sov:alternativeActor ?alternativeActor .
  }
""")

# An actor under two countries (V1: AA and BB), depended on beside actors of each (V2 of CC, V3 of
# BB): the alternatives if AA withdrew are V2 and V3, if BB withdrew only V2 (V3 is BB's), so the
# record of V1 leads to two exposures and the question must take the withdrawing country's.
TWO_HOMES = """@prefix sov: <https://w3id.org/sovkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <https://w3id.org/sovkg/id/> .
:P a sov:SovereignAIProject ; rdfs:label "P" ; sov:isSovereignEffortOf :XA ;
   sov:usesChip :C1 , :C2 , :C3 ; sov:dependsOn :C1 , :C2 , :C3 , :V1 , :V2 , :V3 .
:C1 sov:dependsOn :V1 ; sov:dependsOnJurisdiction :AA , :BB .
:C2 sov:dependsOn :V2 ; sov:dependsOnJurisdiction :CC .
:C3 sov:dependsOn :V3 ; sov:dependsOnJurisdiction :BB .
:V1 a sov:Actor ; rdfs:label "V1" ; sov:hasJurisdiction :AA , :BB .
:V2 a sov:Actor ; rdfs:label "V2" ; sov:hasJurisdiction :CC .
:V3 a sov:Actor ; rdfs:label "V3" ; sov:hasJurisdiction :BB .
:XA a sov:Jurisdiction , sov:Actor ; sov:isoCode "XA" .
:AA a sov:Jurisdiction , sov:Actor ; sov:isoCode "AA" .
:BB a sov:Jurisdiction , sov:Actor ; sov:isoCode "BB" .
:CC a sov:Jurisdiction , sov:Actor ; sov:isoCode "CC" .
"""


def _what_if(store: ox.Store, code: str, by_match: bool = False) -> list[tuple[str, ...]]:
    text = (ROOT / "queries" / "what-if-withdrawal.rq").read_text(encoding="utf-8")
    if by_match:
        start = text.index("  OPTIONAL { ?dependency sov:layerExposure")
        text = text[:start] + WHAT_IF_BY_MATCH + text[text.index("  BIND (COALESCE(?alternativeActor"):]
    text = with_values(text, {"_country": ox.Literal(code)})
    return sorted(tuple(str(term) for term in row) for row in store.query(text, use_default_graph_as_union=True))


def test_what_if_follows_each_record_to_the_withdrawing_countrys_exposure() -> None:
    store = ox.Store()
    store.load(path=str(ROOT / "ontology" / "sovkg.ttl"), format=ox.RdfFormat.TURTLE)
    store.load(TWO_HOMES, format=ox.RdfFormat.TURTLE)
    store.extend(qualified_dependencies(store, graph=ox.NamedNode("https://w3id.org/sovkg/graph/inferred")))
    lost_v1 = {code: {row[4] for row in _what_if(store, code) if row[3] == "<https://w3id.org/sovkg/id/V1>"}
               for code in ("AA", "BB")}
    assert lost_v1 == {"AA": {"<https://w3id.org/sovkg/id/V2>", "<https://w3id.org/sovkg/id/V3>"},
                       "BB": {"<https://w3id.org/sovkg/id/V2>"}}
    for code in ("AA", "BB", "CC", "XA"):
        assert _what_if(store, code) == _what_if(store, code, by_match=True)


def test_what_if_answers_as_when_it_matched_the_exposures(graph: ox.Store) -> None:
    codes = [row[0].value for row in graph.query(PREFIXES + "SELECT DISTINCT ?code WHERE { ?c sov:isoCode ?code }",
                                                  use_default_graph_as_union=True)]
    answered = 0
    for code in codes:
        rows = _what_if(graph, code)
        assert rows == _what_if(graph, code, by_match=True), code
        answered += bool(rows)
    assert answered >= 3
