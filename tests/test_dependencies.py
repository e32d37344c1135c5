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
