"""Materialise the entailments the stored questions rely on.

Two reasoners:

* ``fast`` (the default) reads the ontology's schema axioms and applies the OWL 2 RL rules that
  this ontology uses, as SPARQL over an in-memory pyoxigraph store, until nothing new is
  entailed: class and property hierarchies (cax-sco, prp-spo1), inverses (prp-inv), symmetric
  and transitive properties (prp-symp, prp-trp), property chains (prp-spo2), and domains and
  ranges (prp-dom, prp-rng). Transitive closures and chains are single property-path queries,
  which is what makes this path scale where rule-by-rule forward chaining does not.
* ``owlrl`` runs owlrl's full OWL 2 RL closure on rdflib: complete, and slow beyond a few
  thousand triples. Kept for cross-checking and for users who want every RL entailment.

Both return only the new triples, so asserted and inferred facts stay apart. After either, the
qualified dependencies of every project (:mod:`sovkg.build.dependencies`) join the inferred
triples, so that the dependency questions are lookups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from sovkg.build.dependencies import qualified_dependencies
from sovkg.errors import InputError

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"

REASONERS = ("fast", "owlrl")


@dataclass(frozen=True)
class Schema:
    """The schema axioms the fast reasoner applies, read from the ontology."""

    superclasses: dict[str, set[str]]
    superproperties: dict[str, set[str]]
    inverses: list[tuple[str, str]]
    symmetric: list[str]
    transitive: list[str]
    chains: list[tuple[str, tuple[str, ...]]]
    domains: list[tuple[str, str]]
    ranges: list[tuple[str, str]]


def _closure(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Reflexive-free transitive closure of a sub-to-super relation."""
    direct: dict[str, set[str]] = {}
    for sub, sup in pairs:
        if sub != sup:
            direct.setdefault(sub, set()).add(sup)
    closed: dict[str, set[str]] = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            node = todo.pop()
            if node in seen or node == start:
                continue
            seen.add(node)
            todo.extend(direct.get(node, ()))
        closed[start] = seen
    return closed


def read_schema(store: ox.Store) -> Schema:
    """Collect the schema axioms from whatever ontology triples the store holds."""

    def pairs(query: str) -> list[tuple[str, str]]:
        return [(row[0].value, row[1].value) for row in store.query(query)
                if isinstance(row[0], ox.NamedNode) and isinstance(row[1], ox.NamedNode)]

    def singles(query: str) -> list[str]:
        return [row[0].value for row in store.query(query) if isinstance(row[0], ox.NamedNode)]

    sub_classes = pairs(f"SELECT ?a ?b {{ {{ ?a <{RDFS}subClassOf> ?b }} UNION "
                        f"{{ ?a <{OWL}equivalentClass> ?b }} UNION {{ ?b <{OWL}equivalentClass> ?a }} }}")
    sub_properties = pairs(
        f"SELECT ?a ?b {{ {{ ?a <{RDFS}subPropertyOf> ?b }} UNION "
        f"{{ ?a <{OWL}equivalentProperty> ?b }} UNION {{ ?b <{OWL}equivalentProperty> ?a }} }}")
    chains: list[tuple[str, tuple[str, ...]]] = []
    for row in store.query(f"SELECT ?p ?list {{ ?p <{OWL}propertyChainAxiom> ?list }}"):
        links = _rdf_list(store, row[1])
        steps = tuple(link.value for link in links if isinstance(link, ox.NamedNode))
        if len(steps) != len(links) or len(steps) < 2:
            raise InputError(f"property chain of <{row[0].value}> must list two or more named properties")
        chains.append((row[0].value, steps))
    return Schema(
        superclasses=_closure(sub_classes),
        superproperties=_closure(sub_properties),
        inverses=pairs(f"SELECT ?a ?b {{ ?a <{OWL}inverseOf> ?b }}"),
        symmetric=singles(f"SELECT ?p {{ ?p a <{OWL}SymmetricProperty> }}"),
        transitive=singles(f"SELECT ?p {{ ?p a <{OWL}TransitiveProperty> }}"),
        chains=chains,
        domains=pairs(f"SELECT ?p ?c {{ ?p <{RDFS}domain> ?c }}"),
        ranges=pairs(f"SELECT ?p ?c {{ ?p <{RDFS}range> ?c }}"),
    )


def _rdf_list(store: ox.Store, head: ox.NamedNode | ox.BlankNode) -> list[object]:
    """The members of an RDF collection, in order."""
    first, rest, nil = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
    members: list[object] = []
    node: object = head
    while node != nil and len(members) < 1000:
        members.extend(q.object for q in store.quads_for_pattern(node, first, None))
        node = next((q.object for q in store.quads_for_pattern(node, rest, None)), nil)
    return members


def _rules(schema: Schema) -> list[str]:
    """One CONSTRUCT query per rule instance; each reads the union of all graphs."""
    rules: list[str] = []
    for sub, sups in schema.superclasses.items():
        for sup in sups:
            rules.append(f"CONSTRUCT {{ ?x a <{sup}> }} WHERE {{ ?x a <{sub}> }}")
    for sub, sups in schema.superproperties.items():
        for sup in sups:
            rules.append(f"CONSTRUCT {{ ?x <{sup}> ?y }} WHERE {{ ?x <{sub}> ?y }}")
    for first, second in schema.inverses:
        rules.append(f"CONSTRUCT {{ ?y <{second}> ?x }} WHERE {{ ?x <{first}> ?y }}")
        rules.append(f"CONSTRUCT {{ ?y <{first}> ?x }} WHERE {{ ?x <{second}> ?y }}")
    for prop in schema.symmetric:
        rules.append(f"CONSTRUCT {{ ?y <{prop}> ?x }} WHERE {{ ?x <{prop}> ?y }}")
    for prop in schema.transitive:
        rules.append(f"CONSTRUCT {{ ?x <{prop}> ?z }} WHERE {{ ?x <{prop}>/<{prop}>+ ?z }}")
    for prop, steps in schema.chains:
        path = "/".join(f"<{step}>" for step in steps)
        rules.append(f"CONSTRUCT {{ ?x <{prop}> ?y }} WHERE {{ ?x {path} ?y }}")
    for prop, cls in schema.domains:
        rules.append(f"CONSTRUCT {{ ?x a <{cls}> }} WHERE {{ ?x <{prop}> ?y }}")
    for prop, cls in schema.ranges:
        rules.append(f"CONSTRUCT {{ ?y a <{cls}> }} WHERE {{ ?x <{prop}> ?y FILTER(!isLiteral(?y)) }}")
    return rules


def materialise_fast(ontology: list[ox.Quad], facts: list[ox.Quad]) -> list[ox.Triple]:
    """Apply the schema's rules to fixpoint; return the entailed triples not already asserted,
    with the qualified dependencies."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in ontology)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in facts)
    schema = read_schema(store)
    rules = _rules(schema)
    inferred: set[ox.Triple] = set()
    while True:
        new: set[ox.Triple] = set()
        for rule in rules:
            for triple in store.query(rule):
                if triple not in inferred:
                    new.add(triple)
        new = {t for t in new
               if ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) not in store}
        if not new:
            break
        inferred |= new
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in new)
    asserted = {ox.Triple(q.subject, q.predicate, q.object) for q in facts}
    return [*sorted(inferred, key=str), *qualified_dependencies(store, asserted, schema.superproperties)]


def materialise_owlrl(ontology: list[ox.Quad], facts: list[ox.Quad]) -> list[ox.Triple]:
    """Full OWL 2 RL closure with owlrl; return the entailed triples not already asserted."""
    import owlrl
    from rdflib import Graph, Literal, URIRef

    asserted = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in [*ontology, *facts]),
                            format=ox.RdfFormat.N_TRIPLES)
    graph = Graph()
    graph.parse(data=asserted, format="nt")
    before = set(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(graph)
    added = Graph()
    for triple in set(graph) - before:
        # owlrl works in generalised RDF; literal subjects have no place in an RDF graph.
        if not isinstance(triple[0], Literal) and isinstance(triple[1], URIRef):
            added.add(triple)
    text = added.serialize(format="nt", encoding="utf-8")
    inferred = sorted((ox.Triple(q.subject, q.predicate, q.object)
                       for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)), key=str)
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in [*ontology, *facts])
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in inferred)
    asserted = {ox.Triple(q.subject, q.predicate, q.object) for q in facts}
    return [*inferred, *qualified_dependencies(store, asserted)]


def materialise(ontology: list[ox.Quad], facts: list[ox.Quad], reasoner: str = "fast") -> list[ox.Triple]:
    """Entailed triples by the named reasoner (``fast`` or ``owlrl``)."""
    if reasoner == "fast":
        return materialise_fast(ontology, facts)
    if reasoner == "owlrl":
        return materialise_owlrl(ontology, facts)
    raise InputError(f"unknown reasoner {reasoner!r}: choose one of {', '.join(REASONERS)}")
