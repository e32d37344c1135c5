"""Materialise the entailments the stored questions rely on.

Two reasoners:

* ``fast`` (the default) reads the ontology's schema axioms and applies the OWL 2 RL rules that
  this ontology uses, as SPARQL updates inside an in-memory pyoxigraph store, until nothing new
  is entailed: class and property hierarchies (cax-sco, prp-spo1), inverses (prp-inv), symmetric
  and transitive properties (prp-symp, prp-trp), property chains (prp-spo2), and domains and
  ranges (prp-dom, prp-rng). Rules run semi-naively (see :func:`reason_in_store`) and no
  entailed triple passes through Python, which is what makes this path scale.
* ``owlrl`` runs owlrl's full OWL 2 RL closure on rdflib: complete, and slow beyond a few
  thousand triples. Kept for cross-checking and for users who want every RL entailment.

Both return only the new triples, so asserted and inferred facts stay apart. After either, the
qualified dependencies of every project (:mod:`sovkg.build.dependencies`) join the inferred
triples, so that the dependency questions are lookups.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from sovkg.build.closure import reachable
from sovkg.build.dependencies import ownership_chains, qualified_dependencies
from sovkg.errors import InputError

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
# The graph the list functions reason in; what a build writes names its own graphs.
INFERRED = "urn:sovkg:reasoning"

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
    return {start: reachable(direct, start) - {start} for start in direct}


def read_schema(store: ox.Store) -> Schema:
    """Collect the schema axioms from whatever ontology triples the store holds, in any graph."""

    def pairs(query: str) -> list[tuple[str, str]]:
        return [(row[0].value, row[1].value) for row in store.query(query, use_default_graph_as_union=True)
                if isinstance(row[0], ox.NamedNode) and isinstance(row[1], ox.NamedNode)]

    def singles(query: str) -> list[str]:
        return [row[0].value for row in store.query(query, use_default_graph_as_union=True)
                if isinstance(row[0], ox.NamedNode)]

    sub_classes = pairs(f"SELECT ?a ?b {{ {{ ?a <{RDFS}subClassOf> ?b }} UNION "
                        f"{{ ?a <{OWL}equivalentClass> ?b }} UNION {{ ?b <{OWL}equivalentClass> ?a }} }}")
    sub_properties = pairs(
        f"SELECT ?a ?b {{ {{ ?a <{RDFS}subPropertyOf> ?b }} UNION "
        f"{{ ?a <{OWL}equivalentProperty> ?b }} UNION {{ ?b <{OWL}equivalentProperty> ?a }} }}")
    chains: list[tuple[str, tuple[str, ...]]] = []
    for row in store.query(f"SELECT ?p ?list {{ ?p <{OWL}propertyChainAxiom> ?list }}",
                           use_default_graph_as_union=True):
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


def _values(pairs: Iterable[tuple[str, str]]) -> str:
    return " ".join(f"(<{a}> <{b}>)" for a, b in sorted(set(pairs)))


@dataclass(frozen=True)
class _Rule:
    """One rule as a SPARQL template and body. ``body(False)`` reads the whole graph; ``body(True)``
    only the derivations that use at least one triple of the named graphs in the dataset (what
    was added since the rule last ran), which is all that can be new (semi-naive evaluation).
    ``closed``: one run already entails all its output entails by this rule (a closed hierarchy,
    a transitive closure), so its own additions never make it run again."""

    template: str
    body: Callable[[bool], str]
    reads: frozenset[str]
    closed: bool = False


def _atom(delta: bool, pattern: str) -> str:
    return f"GRAPH ?added {{ {pattern} }}" if delta else pattern


def _path(steps: Sequence[str]) -> str:
    return "/".join(f"<{step}>" for step in steps)


def _chain_body(steps: tuple[str, ...], delta: bool) -> str:
    if not delta:
        return f"?x {_path(steps)} ?y"
    # A new chain uses a new triple at some step k: the steps before and after it read the whole graph.
    cases = []
    for k, step in enumerate(steps):
        before = f"?x {_path(steps[:k])} ?a ." if k else "BIND(?a AS ?x)"
        after = f"?b {_path(steps[k + 1:])} ?y ." if k < len(steps) - 1 else "BIND(?b AS ?y)"
        cases.append(f"{{ GRAPH ?added {{ ?a <{step}> ?b }} {before} {after} }}")
    return " UNION ".join(cases)


def _transitive_body(prop: str, delta: bool) -> str:
    if not delta:
        return f"?x <{prop}>/<{prop}>+ ?z"
    return f"GRAPH ?added {{ ?a <{prop}> ?b }} ?x <{prop}>* ?a . ?b <{prop}>* ?z"


def _rules(schema: Schema) -> list[_Rule]:
    """The rules of the schema. Pairs of a hierarchy go in one VALUES block, so one update applies
    the whole hierarchy; rules that make predicates others read come first."""
    a = f"<{RDF}type>"
    rules: list[_Rule] = []
    property_pairs = _values((sub, sup) for sub, sups in schema.superproperties.items() for sup in sups)
    if property_pairs:
        rules.append(_Rule("?x ?sup ?y",
                           lambda d: f"VALUES (?sub ?sup) {{ {property_pairs} }} {_atom(d, '?x ?sub ?y')}",
                           frozenset(schema.superproperties), closed=True))
    flip_pairs = [*schema.inverses, *((second, first) for first, second in schema.inverses),
                  *((prop, prop) for prop in schema.symmetric)]
    flips = _values(flip_pairs)
    if flips:
        rules.append(_Rule("?y ?to ?x", lambda d: f"VALUES (?from ?to) {{ {flips} }} {_atom(d, '?x ?from ?y')}",
                           frozenset(first for first, _ in flip_pairs)))
    for prop in sorted(set(schema.transitive)):
        rules.append(_Rule(f"?x <{prop}> ?z", lambda d, prop=prop: _transitive_body(prop, d), frozenset({prop}),
                           closed=True))
    for prop, steps in schema.chains:
        rules.append(_Rule(f"?x <{prop}> ?y", lambda d, steps=steps: _chain_body(steps, d), frozenset(steps)))
    domains = _values(schema.domains)
    if domains:
        rules.append(_Rule(f"?x {a} ?c", lambda d: f"VALUES (?p ?c) {{ {domains} }} {_atom(d, '?x ?p ?y')}",
                           frozenset(p for p, _ in schema.domains)))
    ranges = _values(schema.ranges)
    if ranges:
        rules.append(_Rule(f"?y {a} ?c",
                           lambda d: f"VALUES (?p ?c) {{ {ranges} }} {_atom(d, '?x ?p ?y')} FILTER(!isLiteral(?y))",
                           frozenset(p for p, _ in schema.ranges)))
    class_pairs = _values((sub, sup) for sub, sups in schema.superclasses.items() for sup in sups)
    if class_pairs:
        rules.append(_Rule(f"?x {a} ?sup",
                           lambda d: f"VALUES (?sub ?sup) {{ {class_pairs} }} {_atom(d, f'?x {a} ?sub')}",
                           frozenset({RDF + "type"}), closed=True))
    return rules


@dataclass(frozen=True)
class _Run:
    """What one run of a rule added: kept in its own graph until every rule has read it."""

    rule: int
    graph: ox.NamedNode
    predicates: frozenset[str]


def reason_in_store(store: ox.Store, sources: list[ox.NamedNode], inferred: ox.NamedNode) -> Schema:
    """Apply the schema's rules to fixpoint over the union of the ``sources`` graphs and ``inferred``,
    adding what is entailed and not yet in any of them to ``inferred``; return the schema read.

    Each rule is one SPARQL update, so entailed triples never pass through Python. A rule runs
    once over the whole graph, then only over what other runs added since it last ran, and only
    if that holds a predicate it reads; the rules go round until none adds anything.
    """
    schema = read_schema(store)
    rules = _rules(schema)
    using = " ".join(f"USING <{g.value}>" for g in [*sources, inferred])
    runs: list[_Run] = []
    seen = [-1] * len(rules)  # per rule: how many runs it has read (-1: it has not run yet)
    idle = 0  # rules in a row that had nothing to read
    dropped = 0  # runs whose graphs are removed
    for count in itertools.count():
        number = count % len(rules)
        rule = rules[number]
        if seen[number] < 0:
            fresh: list[_Run] = []
        else:
            fresh = [run for run in runs[seen[number]:]
                     if run.predicates & rule.reads and not (rule.closed and run.rule == number)]
            if not fresh:
                seen[number] = len(runs)
                idle += 1
                if idle >= len(rules):
                    break
                continue
        idle = 0
        target = ox.NamedNode(f"{inferred.value}#added-{count}")
        named = " ".join(f"USING NAMED <{run.graph.value}>" for run in fresh)
        store.update(f"INSERT {{ GRAPH <{inferred.value}> {{ {rule.template} }} "
                     f"GRAPH <{target.value}> {{ {rule.template} }} }} {using} {named} "
                     f"WHERE {{ {rule.body(seen[number] >= 0)} FILTER NOT EXISTS {{ {rule.template} }} }}")
        seen[number] = len(runs)
        predicates = frozenset(row[0].value for row in
                               store.query(f"SELECT DISTINCT ?p {{ GRAPH <{target.value}> {{ ?s ?p ?o }} }}"))
        runs.append(_Run(number, target, predicates))
        # What every rule has read is no longer needed (a rule yet to run reads the whole graph).
        needed = min((n for n in seen if n >= 0), default=0)
        for run in runs[dropped:needed]:
            if run.predicates:
                store.remove_graph(run.graph)
        dropped = max(dropped, needed)
    for run in runs[dropped:]:
        if run.predicates:
            store.remove_graph(run.graph)
    return schema


def inferred_triples(store: ox.Store, inferred: ox.NamedNode) -> list[ox.Triple]:
    return sorted((q.triple for q in store.quads_for_pattern(None, None, None, inferred)), key=str)


def materialise_fast(ontology: list[ox.Quad], facts: list[ox.Quad]) -> list[ox.Triple]:
    """Apply the schema's rules to fixpoint; return the entailed triples not already asserted,
    with the qualified dependencies."""
    store = ox.Store()
    sources = [ox.NamedNode(f"{INFERRED}#ontology"), ox.NamedNode(f"{INFERRED}#asserted")]
    graph = ox.NamedNode(INFERRED)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, sources[0]) for q in ontology)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, sources[1]) for q in facts)
    schema = reason_in_store(store, sources, graph)
    inferred = inferred_triples(store, graph)
    asserted = {q.triple for q in facts}
    return [*inferred, *qualified_dependencies(store, asserted, schema.superproperties)]


def materialise_owlrl(ontology: list[ox.Quad], facts: list[ox.Quad]) -> list[ox.Triple]:
    """Full OWL 2 RL closure with owlrl; return the entailed triples not already asserted."""
    import owlrl
    from rdflib import Graph, Literal, URIRef

    asserted = ox.serialize((q.triple for q in [*ontology, *facts]),
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
    asserted = {q.triple for q in facts}
    return [*inferred, *qualified_dependencies(store, asserted)]


def materialise(ontology: list[ox.Quad], facts: list[ox.Quad], reasoner: str = "fast") -> list[ox.Triple]:
    """Entailed triples by the named reasoner (``fast`` or ``owlrl``)."""
    if reasoner == "fast":
        return materialise_fast(ontology, facts)
    if reasoner == "owlrl":
        return materialise_owlrl(ontology, facts)
    raise InputError(f"unknown reasoner {reasoner!r}: choose one of {', '.join(REASONERS)}")


def materialise_in_store(store: ox.Store, ontology: list[ox.Quad], facts: list[ox.Quad],
                         sources: list[ox.NamedNode], inferred: ox.NamedNode, reasoner: str = "fast",
                         dependency_records: bool = True) -> None:
    """Add to graph ``inferred`` of ``store`` what the named reasoner entails from the ``sources``
    graphs (which hold ``ontology`` and ``facts``), with the qualified dependencies: what
    :func:`materialise` returns, without making a Python object of each entailed triple.

    ``dependency_records=False`` (fast reasoner only) leaves out the qualified dependency records
    and their sums by jurisdiction, more than half of what is inferred at scale. Each is a node of
    its own, with no type, label or evidence, reached only through the record's own predicates: a
    validation whose shapes and checks name none of them does without them. The ownership chains
    are still added, as they hang off the actors."""
    if reasoner == "fast":
        schema = reason_in_store(store, sources, inferred)
        if dependency_records:
            # the asserted triples streamed, not kept: at a million facts a set of them is 300 MB
            store.extend(qualified_dependencies(store, (q.triple for q in facts), schema.superproperties, inferred))
        else:
            store.extend(ox.Quad(t.subject, t.predicate, t.object, inferred) for t in ownership_chains(store))
    elif reasoner == "owlrl":
        store.extend(ox.Quad(t.subject, t.predicate, t.object, inferred) for t in materialise_owlrl(ontology, facts))
    else:
        raise InputError(f"unknown reasoner {reasoner!r}: choose one of {', '.join(REASONERS)}")
