"""Qualified dependencies: each sovereign AI project, each actor it depends on, and how.

The dependency questions (dependencies on a country, the sovereignty matrix, what-if) all ask the
same thing first: for every project, which nodes it links to directly (its first hops, also
through the versions of a model family), in which layer, and which actors those rest on through
any chain of ``sov:dependsOn``. Asked as one SPARQL query with property paths inside UNIONs, an
engine enumerates combinations and takes minutes on a large graph; computed once here, from the
materialised closure, each question becomes a lookup. Written to the inferred graph as

    [] sov:dependent :Project ; sov:firstHop :Hop ; sov:dependencyLayer sov:ChipsLayer ;
       sov:dependee :Actor ; sov:dependeeJurisdiction :US ; sov:pathLength 2 .

The first hops follow the rules the questions state: a typed link is any sub-property of
``sov:dependsOn`` but ``sov:familyDependsOn`` (a family's versions are followed instead), its layer
the ``sov:inLayer`` of the property (with a label), or none; a plain ``sov:dependsOn`` counts only
where no typed link, no version and no longer chain explains it. The actor's home jurisdiction is
its stated ``sov:hasJurisdiction``, or the actor itself for a state; none where not stated.

Two more lookups are written beside them. The sovereignty matrix sums every qualified dependency of
every project of a country; one node per country, layer and home jurisdiction of the actors holds
that sum (``sov:dependentJurisdiction``, ``sov:dependencyLayer``, ``sov:dependeeJurisdiction``, each
of the last two absent where not stated). The ownership questions follow ``sov:ownedBy`` chains up
and down from one actor; ``sov:ownerInChain`` relates each owned node to every owner above it and
``sov:ultimateOwner`` to the tops of its chains.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable

import pyoxigraph as ox

from sovkg.build.closure import reachable
from sovkg.namespaces import ID_IRI, RDF_TYPE, RDFS_LABEL, SOV_IRI

RDFS_SUBPROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _iri(name: str) -> ox.NamedNode:
    return ox.NamedNode(SOV_IRI + name)


def qualified_dependencies(store: ox.Store, asserted: Iterable[ox.Triple] | None = None,
                           superproperties: dict[str, set[str]] | None = None) -> list[ox.Triple]:
    """The qualified dependency triples of every project, read from a store holding the asserted,
    ontology and inferred triples (graph names ignored).

    Args:
        asserted: the asserted triples (read once, so a generator will do), whose links count as
            direct for ``sov:pathLength``; if None, no path lengths are given.
        superproperties: the closed sub-property hierarchy; read from the store if None.
    """
    depends_on = _iri("dependsOn")
    family = _iri("familyDependsOn")
    in_layer, has_version = _iri("inLayer"), _iri("hasVersion")
    rdf_type, label = ox.NamedNode(RDF_TYPE), ox.NamedNode(RDFS_LABEL)

    def objects(subject: object, predicate: ox.NamedNode) -> list[object]:
        return [q.object for q in store.quads_for_pattern(subject, predicate, None)]

    if superproperties is None:
        from sovkg.build.reason import read_schema

        superproperties = read_schema(store).superproperties
    typed = {p for p, sups in superproperties.items() if depends_on.value in sups}
    direct_typed = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDFS_SUBPROPERTY), depends_on)
                    if isinstance(q.subject, ox.NamedNode) and q.subject != depends_on}
    layers: dict[str, list[ox.NamedNode | None]] = {}
    for prop in typed:
        named = [layer for layer in objects(ox.NamedNode(prop), in_layer)
                 if isinstance(layer, ox.NamedNode) and objects(layer, label)]
        layers[prop] = named or [None]
    actors = {q.subject for q in store.quads_for_pattern(None, rdf_type, _iri("Actor"))}
    depends: dict[object, set[object]] = {}

    def reached(node: object) -> set[object]:
        if node not in depends:
            depends[node] = set(objects(node, depends_on))
        return depends[node]

    direct: dict[object, set[object]] = {}
    if asserted is not None:
        links = typed | {depends_on.value}
        for triple in asserted:
            if triple.predicate.value in links:
                direct.setdefault(triple.subject, set()).add(triple.object)
    distances: dict[object, dict[object, int]] = {}

    def distance(start: object) -> dict[object, int]:
        if start not in distances:
            seen = {start: 0}
            todo = deque([start])
            while todo:
                node = todo.popleft()
                for target in direct.get(node, ()):
                    if target not in seen:
                        seen[target] = seen[node] + 1
                        todo.append(target)
            distances[start] = seen
        return distances[start]

    jurisdiction, has_jurisdiction = _iri("Jurisdiction"), _iri("hasJurisdiction")
    homes: dict[object, list[object | None]] = {}

    def home(actor: object) -> list[object | None]:
        # where the actor is under: its stated jurisdictions, a state itself, or none stated
        if actor not in homes:
            found: list[object | None] = list(dict.fromkeys(objects(actor, has_jurisdiction)))
            if next(store.quads_for_pattern(actor, rdf_type, jurisdiction), None) is not None:
                found.append(actor)
            homes[actor] = list(dict.fromkeys(found)) or [None]
        return homes[actor]

    summaries: set[tuple[object, ox.NamedNode | None, object | None]] = set()
    projects = sorted({q.subject for q in store.quads_for_pattern(None, rdf_type, _iri("SovereignAIProject"))
                       if objects(q.subject, _iri("isSovereignEffortOf"))}, key=str)
    triples: list[ox.Triple] = []
    for project in projects:
        hops: set[tuple[object, ox.NamedNode | None]] = set()
        versions = objects(project, has_version)
        by_target: dict[object, set[str]] = {}
        for source in (project, *versions):
            for quad in store.quads_for_pattern(source, None, None):
                prop = quad.predicate.value
                if source == project:
                    by_target.setdefault(quad.object, set()).add(prop)
                if prop in typed and quad.predicate != family:
                    hops.update((quad.object, layer) for layer in layers[prop])
        plain = reached(project)
        versions_reach = set().union(*(reached(v) for v in versions)) if versions else set()
        for hop in plain:
            if by_target.get(hop, set()) & direct_typed or hop in versions_reach:
                continue
            if any(hop in reached(middle) for middle in plain if middle != hop):
                continue
            hops.add((hop, None))
        countries = objects(project, _iri("isSovereignEffortOf"))
        for hop, layer in hops:
            rested = {a for a in reached(hop) if a in actors}
            if hop in actors:
                rested.add(hop)
            for actor in rested:
                summaries.update((country, layer, where) for country in countries for where in home(actor))
                key = f"{project.value} {hop} {layer.value if layer else ''} {actor}"
                node = ox.NamedNode(f"{ID_IRI}dependency/{hashlib.sha1(key.encode()).hexdigest()[:20]}")
                triples += [ox.Triple(node, _iri("dependent"), project), ox.Triple(node, _iri("firstHop"), hop),
                            ox.Triple(node, _iri("dependee"), actor)]
                if layer is not None:
                    triples.append(ox.Triple(node, _iri("dependencyLayer"), layer))
                triples += [ox.Triple(node, _iri("dependeeJurisdiction"), where) for where in home(actor)
                            if where is not None]
                steps = distance(hop).get(actor) if asserted is not None else None
                if steps is not None:
                    length = ox.Literal(str(steps + 1), datatype=XSD_INTEGER)
                    triples.append(ox.Triple(node, _iri("pathLength"), length))
    for country, layer, where in sorted(summaries, key=str):
        key = f"{country} {layer.value if layer else ''} {where or ''}"
        node = ox.NamedNode(f"{ID_IRI}dependency/jurisdiction/{hashlib.sha1(key.encode()).hexdigest()[:20]}")
        triples.append(ox.Triple(node, _iri("dependentJurisdiction"), country))
        if layer is not None:
            triples.append(ox.Triple(node, _iri("dependencyLayer"), layer))
        if where is not None:
            triples.append(ox.Triple(node, _iri("dependeeJurisdiction"), where))
    return triples + ownership_chains(store)


def ownership_chains(store: ox.Store) -> list[ox.Triple]:
    """``sov:ownerInChain`` from each node with a stated owner to every owner above it, and
    ``sov:ultimateOwner`` to each owner above it that has no stated owner (none on a cycle)."""
    owned_by, in_chain, ultimate = _iri("ownedBy"), _iri("ownerInChain"), _iri("ultimateOwner")
    owners: dict[object, set[object]] = {}
    for quad in store.quads_for_pattern(None, owned_by, None):
        owners.setdefault(quad.subject, set()).add(quad.object)
    triples: set[ox.Triple] = set()
    for start in owners:
        for owner in reachable(owners, start):
            triples.add(ox.Triple(start, in_chain, owner))
            if owner not in owners:
                triples.add(ox.Triple(start, ultimate, owner))
    return sorted(triples, key=str)
