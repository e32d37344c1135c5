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
of the last two absent where not stated). The what-if question asks, for each project, layer and
country the project rests on there, which other actors of that layer it reaches without resting on
that country; one ``sov:LayerExposure`` node per such project, layer and country holds them
(``sov:alternativeActor``), written only where there is one, and each qualified dependency of that
layer on an actor of that country leads to it (``sov:layerExposure``). The ownership questions follow
``sov:ownedBy`` chains up and down from one actor; ``sov:ownerInChain`` relates each owned node to
every owner above it, ``sov:ultimateOwner`` to the tops of its chains, and ``sov:groupMember`` each
actor to every member of its group (itself, its owners, what it owns).
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


def _record(key: str, kind: str = "") -> ox.NamedNode:
    """The IRI of a record the build writes (a qualified dependency, or of ``kind`` "exposure" or
    "jurisdiction"), named by a digest of ``key``, so that the same record has the same IRI in
    every build."""
    folder = f"dependency/{kind}/" if kind else "dependency/"
    return ox.NamedNode(f"{ID_IRI}{folder}{hashlib.sha1(key.encode()).hexdigest()[:20]}")


def _iri(name: str) -> ox.NamedNode:
    return ox.NamedNode(SOV_IRI + name)


def qualified_dependencies(store: ox.Store, asserted: Iterable[ox.Triple] | None = None,
                           superproperties: dict[str, set[str]] | None = None,
                           graph: ox.NamedNode | None = None) -> list[ox.Triple | ox.Quad]:
    """The qualified dependency triples of every project, read from a store holding the asserted,
    ontology and inferred triples (graph names ignored).

    Args:
        asserted: the asserted triples (read once, so a generator will do), whose links count as
            direct for ``sov:pathLength``; if None, no path lengths are given.
        superproperties: the closed sub-property hierarchy; read from the store if None.
        graph: if given, quads in this graph are made instead of triples (at a million facts,
            making each triple then its quad costs seconds).
    """
    fact = ox.Triple if graph is None else lambda s, p, o: ox.Quad(s, p, o, graph)
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

    stated: dict[object, list[object]] = {}

    def stated_homes(actor: object) -> list[object]:
        if actor not in stated:
            stated[actor] = [where for where in home(actor) if where is not None]
        return stated[actor]

    iso_code, depends_on_jurisdiction = _iri("isoCode"), _iri("dependsOnJurisdiction")
    coded: dict[object, bool] = {}
    labelled: dict[object, bool] = {}
    under: dict[object, set[object]] = {}

    def rests_on(hop: object, country: object) -> bool:
        # as what-if-withdrawal tests a first hop: it is the country, is under it, depends on it,
        # or depends on an actor under it
        if hop not in under:
            under[hop] = {hop, *objects(hop, has_jurisdiction), *objects(hop, depends_on_jurisdiction)}
        return country in under[hop] or country in reached(hop)

    def has(cache: dict[object, bool], node: object, predicate: ox.NamedNode) -> bool:
        if node not in cache:
            cache[node] = next(store.quads_for_pattern(node, predicate, None), None) is not None
        return cache[node]

    exposed_project, exposed_layer = _iri("exposedProject"), _iri("exposedLayer")
    exposed_to, alternative_actor = _iri("exposedTo"), _iri("alternativeActor")
    layer_exposure = _iri("layerExposure")

    def alternatives_if_withdrawn(links: set[tuple[object, object]], country: object) -> list[object]:
        # The labelled actors these links of one layer reach through a first hop that does not rest
        # on the country, and that have a stated home other than it: the recorded alternatives if
        # the country withdrew. A first hop rests on the home of every actor it leads to, so an
        # alternative always comes through another first hop: with a single one there is none.
        if len({hop for hop, _ in links}) < 2:
            return []
        found = set()
        for hop, actor in links:
            stated = stated_homes(actor)
            if has(labelled, actor, label) and (len(stated) > 1 or (stated and stated[0] != country)) \
                    and not rests_on(hop, country):
                found.add(actor)
        return sorted(found, key=str)

    def exposure(project: ox.NamedNode, layer: ox.NamedNode, country: object,
                 links: set[tuple[object, object]]) -> tuple[ox.NamedNode | None, list[ox.Triple | ox.Quad]]:
        # The exposure of a project, in one layer, to a country (with an ISO code), and its facts;
        # None where no alternative is recorded (none recorded is the absence of a node).
        alternatives = alternatives_if_withdrawn(links, country) if has(coded, country, iso_code) else []
        if not alternatives:
            return None, []
        node = _record(f"{project.value} {layer.value} {country}", "exposure")
        return node, [fact(node, exposed_project, project), fact(node, exposed_layer, layer),
                      fact(node, exposed_to, country),
                      *(fact(node, alternative_actor, actor) for actor in alternatives)]

    summaries: set[tuple[object, ox.NamedNode | None, object | None]] = set()
    effort_of, family_text = _iri("isSovereignEffortOf"), family.value
    projects = sorted({q.subject for q in store.quads_for_pattern(None, rdf_type, _iri("SovereignAIProject"))
                       if next(store.quads_for_pattern(q.subject, effort_of, None), None) is not None}, key=str)
    dependent, first_hop, dependee = _iri("dependent"), _iri("firstHop"), _iri("dependee")
    dependency_layer, dependee_jurisdiction, path_length = \
        _iri("dependencyLayer"), _iri("dependeeJurisdiction"), _iri("pathLength")
    # each term's text and each length's literal made once: a project's dependencies repeat them
    texts: dict[object, str] = {}
    lengths: dict[int, ox.Literal] = {}

    def text(term: object) -> str:
        if term not in texts:
            texts[term] = str(term)
        return texts[term]

    triples: list[ox.Triple | ox.Quad] = []
    for project in projects:
        hops: set[tuple[object, ox.NamedNode | None]] = set()
        versions = objects(project, has_version)
        typed_targets: set[object] = set()
        for source in (project, *versions):
            for quad in store.quads_for_pattern(source, None, None):
                prop = quad.predicate.value
                if source == project and prop in direct_typed:
                    typed_targets.add(quad.object)
                if prop in typed and prop != family_text:
                    hops.update((quad.object, layer) for layer in layers[prop])
        plain = reached(project)
        versions_reach = set().union(*(reached(v) for v in versions)) if versions else set()
        unexplained = plain - typed_targets - versions_reach
        if unexplained:
            # a hop that another node of the closure reaches is a later link of a chain
            through_middle: set[object] = set()
            for middle in plain:
                beyond = reached(middle)
                through_middle |= beyond - {middle} if middle in beyond else beyond
            hops.update((hop, None) for hop in unexplained - through_middle)
        countries = objects(project, effort_of)
        project_text = project.value
        by_layer: dict[ox.NamedNode, set[tuple[object, object]]] = {}
        layer_homes: set[tuple[ox.NamedNode | None, object | None]] = set()
        exposed: list[tuple[ox.NamedNode, ox.NamedNode, object]] = []  # a layer's records, each home
        for hop, layer in hops:
            rested = reached(hop) & actors
            if hop in actors:
                rested.add(hop)
            if layer is not None:
                by_layer.setdefault(layer, set()).update((hop, actor) for actor in rested)
            prefix = f"{project_text} {text(hop)} {layer.value if layer else ''} "
            steps_from = distance(hop) if asserted is not None else {}
            for actor in rested:
                where_list = home(actor)
                layer_homes.update((layer, where) for where in where_list)
                key = prefix + text(actor)
                node = _record(key)
                triples += [fact(node, dependent, project), fact(node, first_hop, hop),
                            fact(node, dependee, actor)]
                if layer is not None:
                    triples.append(fact(node, dependency_layer, layer))
                triples += [fact(node, dependee_jurisdiction, where) for where in where_list if where is not None]
                if layer is not None:
                    exposed += [(node, layer, where) for where in where_list if where is not None]
                steps = steps_from.get(actor)
                if steps is not None:
                    if steps not in lengths:
                        lengths[steps] = ox.Literal(str(steps + 1), datatype=XSD_INTEGER)
                    triples.append(fact(node, path_length, lengths[steps]))
        summaries.update((country, layer, where) for country in countries for layer, where in layer_homes)
        # Each record of a layer leads to the exposure of its project, in that layer, to each
        # country (with an ISO code) its actor is under, where alternatives are recorded:
        # what-if-withdrawal follows that link from the records it finds rather than matching
        # exposures by project, layer and country (an engine may then match every exposure first).
        exposures: dict[tuple[ox.NamedNode, object], ox.NamedNode | None] = {}
        for node, layer, where in exposed:
            if (layer, where) not in exposures:
                exposures[layer, where], found = exposure(project, layer, where, by_layer[layer])
                triples += found
            if exposures[layer, where] is not None:
                triples.append(fact(node, layer_exposure, exposures[layer, where]))
    for country, layer, where in sorted(summaries, key=str):
        key = f"{country} {layer.value if layer else ''} {where or ''}"
        node = _record(key, "jurisdiction")
        triples.append(fact(node, _iri("dependentJurisdiction"), country))
        if layer is not None:
            triples.append(fact(node, dependency_layer, layer))
        if where is not None:
            triples.append(fact(node, dependee_jurisdiction, where))
    chains = ownership_chains(store)
    if graph is not None:
        return [*triples, *(ox.Quad(t.subject, t.predicate, t.object, graph) for t in chains)]
    return triples + chains


def ownership_chains(store: ox.Store) -> list[ox.Triple]:
    """``sov:ownerInChain`` from each node with a stated owner to every owner above it,
    ``sov:ultimateOwner`` to each owner above it that has no stated owner (none on a cycle), and
    ``sov:groupMember`` from each actor or owned or owning node to itself and to every node above
    or below it in its chains."""
    owned_by, in_chain, ultimate = _iri("ownedBy"), _iri("ownerInChain"), _iri("ultimateOwner")
    member = _iri("groupMember")
    owners: dict[object, set[object]] = {}
    for quad in store.quads_for_pattern(None, owned_by, None):
        owners.setdefault(quad.subject, set()).add(quad.object)
    triples: set[ox.Triple] = set()
    for start in owners:
        for owner in reachable(owners, start):
            triples.update((ox.Triple(start, in_chain, owner), ox.Triple(start, member, owner),
                            ox.Triple(owner, member, start), ox.Triple(owner, member, owner)))
            if owner not in owners:
                triples.add(ox.Triple(start, ultimate, owner))
        triples.add(ox.Triple(start, member, start))
    # every actor is a member of its own group, owned or not
    triples.update(ox.Triple(quad.subject, member, quad.subject)
                   for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), _iri("Actor")))
    return sorted(triples, key=str)
