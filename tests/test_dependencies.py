"""Qualified dependencies computed at build time: each project, first hop, layer and actor.

The dependency questions read them instead of following every chain on every run, so they must be
exactly what the chains say: the test compares them with the same rules written as one SPARQL
query with property paths (the form the questions had), on the built seed graph.
"""

from __future__ import annotations

import pyoxigraph as ox

from sovkg.project import Project

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
