"""The build's graph read once into memory, as the pages and pictures need it.

Facts come from the asserted graph, reasoning's additions from the inferred graph, terms from the
ontology graph, all read from the build's embedded store. Dependency paths (from a project to
the actors it rests on) are found here by a breadth-first walk over the links that carry a
dependency: every sub-property of ``sov:dependsOn``, plus the steps of the property chains that
the ontology defines dependencies by (a project's investment, its funding shares, their funder;
a machine's chip allocation, its chip; a family's versions).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sovkg.namespaces import ASSERTED_GRAPH, ID_IRI, INFERRED_GRAPH, ONTOLOGY_GRAPH, RDF_TYPE, RDFS_LABEL, SOV_IRI

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
US = ID_IRI + "US"

# Jurisdiction categories of an actor relative to the country whose project depends on it.
# "none" is not a category of an actor: it marks a layer the sources say nothing about.
CATEGORIES = {
    "domestic": "domestic",
    "us": "United States",
    "foreign": "foreign (not US)",
    "tbd": "to be determined",
    "unstated": "home not stated",
    "none": "nothing recorded",
}

# Relations that lead from a thing to whom it rests on, besides sov:dependsOn and its sub-properties.
_SKIPPED = {SOV_IRI + "dependsOn", SOV_IRI + "dependsOnJurisdiction", SOV_IRI + "familyDependsOn",
            SOV_IRI + "mayDependOn"}


def sov(name: str) -> str:
    return SOV_IRI + name


Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Evidence:
    """One evidence node: where a fact comes from."""

    source: str | None
    locator: str | None
    quote: str | None
    kind: str | None
    note: str | None
    supports: tuple[str, ...]

    def covers(self, predicate: str) -> bool:
        return not self.supports or predicate in self.supports


@dataclass(frozen=True)
class Step:
    """One link of a dependency path."""

    subject: str
    predicate: str
    object: str


@dataclass
class Dependency:
    """An actor a project rests on, how it is reached, and where the actor is at home."""

    actor: str
    layer: str
    home: str | None
    category: str
    path: list[Step]


@dataclass
class Graph:
    """Indexes over the three graphs of a build."""

    asserted: dict[str, list[tuple[str, Term]]] = field(default_factory=lambda: defaultdict(list))
    inferred: dict[str, list[tuple[str, Term]]] = field(default_factory=lambda: defaultdict(list))
    ontology: dict[str, list[tuple[str, Term]]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=dict)

    # ------------------------------------------------------------------ reading

    @classmethod
    def read(cls, build: Path) -> Graph:
        """Read a build folder's embedded store."""
        from sovkg.queries.engines import EmbeddedEngine

        store = EmbeddedEngine(build / "store").store
        graph = cls()
        for name, index in ((ASSERTED_GRAPH, graph.asserted), (INFERRED_GRAPH, graph.inferred),
                            (ONTOLOGY_GRAPH, graph.ontology)):
            count = 0
            for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                index[_key(quad.subject)].append((quad.predicate.value, quad.object))
                if index is graph.asserted and isinstance(quad.object, ox.NamedNode):
                    graph.incoming[quad.object.value].append((quad.subject.value, quad.predicate.value))
                count += 1
            graph.counts[name.rsplit("/", 1)[1]] = count
        graph._prepare()
        return graph

    def _prepare(self) -> None:
        self.labels: dict[str, str] = {}
        for index in (self.ontology, self.inferred, self.asserted):
            for subject, pairs in index.items():
                for predicate, value in pairs:
                    if predicate == RDFS_LABEL and isinstance(value, ox.Literal) and value.language in ("en", None):
                        self.labels[subject] = value.value
        self.dependency_properties = self._sub_properties(sov("dependsOn")) - _SKIPPED
        self.chain_steps = self._chain_steps() - _SKIPPED
        self.layer_of_property = {p: self.first(p, sov("inLayer"), graph="ontology")
                                  for p in self.dependency_properties | self.chain_steps}
        self.layer_of_property[sov("hasVersion")] = None
        self.transitive = {s for s, pairs in self.ontology.items()
                           if (RDF_TYPE, ox.NamedNode(OWL + "TransitiveProperty")) in pairs}

    def _sub_properties(self, top: str) -> set[str]:
        children: dict[str, set[str]] = defaultdict(set)
        for subject, pairs in self.ontology.items():
            for predicate, value in pairs:
                if predicate == RDFS + "subPropertyOf" and isinstance(value, ox.NamedNode):
                    children[value.value].add(subject)
        found, queue = {top}, [top]
        while queue:
            for child in children[queue.pop()]:
                if child not in found:
                    found.add(child)
                    queue.append(child)
        return found

    def _chain_steps(self) -> set[str]:
        """Properties named in a property chain that defines a dependency."""
        steps: set[str] = set()
        for prop in self._sub_properties(sov("dependsOn")):
            for predicate, head in self.ontology.get(prop, []):
                if predicate == OWL + "propertyChainAxiom":
                    steps.update(self._list(head))
        return steps

    def _list(self, head: Term) -> list[str]:
        items: list[str] = []
        node = _key(head)
        while node and node != "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil":
            first = self.first(node, RDF_FIRST, graph="ontology")
            if first:
                items.append(first)
            node = self.first(node, RDF_REST, graph="ontology") or ""
        return items

    # ------------------------------------------------------------------ terms

    def index(self, graph: str) -> dict[str, list[tuple[str, Term]]]:
        return {"asserted": self.asserted, "inferred": self.inferred, "ontology": self.ontology}[graph]

    def values(self, subject: str, predicate: str, graph: str = "asserted") -> list[Term]:
        return [v for p, v in self.index(graph).get(subject, []) if p == predicate]

    def first(self, subject: str, predicate: str, graph: str = "asserted") -> str | None:
        for value in self.values(subject, predicate, graph):
            return _key(value) if not isinstance(value, ox.Literal) else value.value
        return None

    def literal(self, subject: str, predicate: str) -> str | None:
        for graph in ("asserted", "ontology"):
            for value in self.values(subject, predicate, graph):
                if isinstance(value, ox.Literal):
                    return value.value
        return None

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or local_name(iri)

    def types(self, iri: str, inferred: bool = False) -> set[str]:
        found = {_key(v) for v in self.values(iri, RDF_TYPE)}
        if inferred:
            found |= {_key(v) for v in self.values(iri, RDF_TYPE, "inferred")}
        return found

    def is_a(self, iri: str, cls: str) -> bool:
        return cls in self.types(iri, inferred=True)

    def entities(self) -> list[str]:
        """Every IRI of the id namespace that the asserted graph describes."""
        return sorted(s for s in self.asserted if s.startswith(ID_IRI))

    def evidence(self, subject: str) -> list[Evidence]:
        found = []
        for node in self.values(subject, sov("hasEvidence")):
            key = _key(node)
            found.append(Evidence(
                source=self.first(key, sov("source")), locator=self.first(key, sov("locator")),
                quote=self.first(key, sov("quote")), kind=self.first(key, sov("provenanceKind")),
                note=self.first(key, sov("note")),
                supports=tuple(_key(v) for v in self.values(key, sov("supports")))))
        return found

    def home(self, actor: str) -> str | None:
        """The jurisdiction an actor is at home in; a state or union is its own."""
        if self.is_a(actor, sov("Jurisdiction")):
            return actor
        return self.first(actor, sov("hasJurisdiction"), "inferred") or self.first(actor, sov("hasJurisdiction"))

    def category(self, home: str | None, country: str | None) -> str:
        if home is None:
            return "unstated"
        if home == country:
            return "domestic"
        return "us" if home == US else "foreign"

    # ------------------------------------------------------------------ dependencies

    def links(self, subject: str) -> list[Step]:
        """The dependency-carrying links out of a node: stated ones first, then those that
        reasoning adds through inverses and chains (not those it adds by transitivity, nor a
        super-property's copy of a stated link)."""
        steps: list[Step] = []
        seen: set[tuple[str | None, str]] = set()  # (layer, target): one link per layer to a target
        # Chains need no walking: reasoning states their result (a funder as sov:fundedBy).
        wanted = self.dependency_properties | {sov("hasVersion")}
        for graph in ("asserted", "inferred"):
            for predicate, value in self.index(graph).get(subject, []):
                if predicate not in wanted or not isinstance(value, ox.NamedNode):
                    continue
                key = (self.layer_of_property.get(predicate), value.value)
                if key in seen or (graph == "inferred" and predicate in self.transitive):
                    continue
                seen.add(key)
                steps.append(Step(subject, predicate, value.value))
        targets = {target for _, target in seen}
        for value in self.values(subject, sov("dependsOn")):
            if isinstance(value, ox.NamedNode) and value.value not in targets:
                targets.add(value.value)
                steps.append(Step(subject, sov("dependsOn"), value.value))
        return steps

    def paths(self, start: str) -> dict[str, list[Step]]:
        """The shortest dependency path from ``start`` to every node it reaches."""
        found: dict[str, list[Step]] = {start: []}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for step in self.links(node):
                if step.object not in found:
                    found[step.object] = [*found[node], step]
                    queue.append(step.object)
        return found

    def layer(self, path: list[Step]) -> str:
        """The layer of a path: that of its first link that names one."""
        for step in path:
            layer = self.layer_of_property.get(step.predicate)
            if layer:
                return layer
        return "not stated"

    def dependencies(self, project: str) -> list[Dependency]:
        """Every actor a project depends on, per layer, with a path, and its jurisdiction category.

        As in the stored question sovereignty-matrix, the layer is that of the first link out of
        the project (or of its versions), so an actor reached through two layers is listed in both.
        """
        country = self.first(project, sov("isSovereignEffortOf"))
        found: dict[tuple[str, str], Dependency] = {}
        for first in self.links(project):
            for node, rest in self.paths(first.object).items():
                path = [first, *rest]
                if node == project or not self.is_a(node, sov("Actor")):
                    continue
                layer = self.layer(path)
                known = found.get((layer, node))
                if known is None or len(path) < len(known.path):
                    home = self.home(node)
                    found[(layer, node)] = Dependency(node, layer, home, self.category(home, country), path)
        listed = list(found.values())
        for layer in self.values(project, sov("undeterminedAspect")):
            listed.append(Dependency("", _key(layer), None, "tbd", []))
        return sorted(listed, key=lambda d: (d.layer, d.category, self.label(d.actor)))

    def ownership_chain(self, actor: str) -> list[str]:
        """The actor, its owner, that owner's owner ... up to the ultimate parent."""
        chain = [actor]
        while True:
            owner = (self.first(chain[-1], sov("ownedBy")) or self.first(chain[-1], sov("subsidiaryOf"))
                     or self.first(chain[-1], sov("subsidiaryOf"), "inferred"))
            if owner is None or owner in chain:
                return chain
            chain.append(owner)


def _key(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


def local_name(iri: str) -> str:
    for separator in ("#", "/"):
        if separator in iri:
            return iri.rsplit(separator, 1)[1] or iri
    return iri
