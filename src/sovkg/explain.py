"""Why does a project depend on a country? The dependency paths behind an answer, hop by hop.

From a project, model, machine or actor, :func:`explain` finds the paths of dependency links to
the actors under a jurisdiction (or to one actor). Each hop carries its relation and layer,
whether it is asserted or inferred, the rule that produced an inferred hop (sub-property,
inverse, chain, symmetry, with the axiom from the ontology), and the evidence of each asserted
fact (source, locator, verbatim quote, provenance kind). Possible and planned arrangements
(``sov:mayDependOn``) are searched apart and never mixed with dependencies.

Paths are found by a bounded breadth-first search over the edges of the build's asserted and
inferred named graphs, read from the store's indexes one node at a time. The materialised
transitive ``sov:dependsOn`` shortcuts are not followed (they would make every path one hop
long); the hops are the typed links under ``sov:dependsOn``, and a plain ``sov:dependsOn`` only
where it was asserted. The cost grows with the part of the graph reachable from the entity, not
with the whole graph, and no SPARQL property path is enumerated.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from sovkg.build.reason import Schema, read_schema
from sovkg.errors import QueryError
from sovkg.namespaces import (
    ASSERTED_GRAPH,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    RDF_TYPE,
    RDFS_LABEL,
    SOV_IRI,
)

FORMATS = ("text", "md", "json", "dot")
DEPENDS_ON = SOV_IRI + "dependsOn"
MAY_DEPEND_ON = SOV_IRI + "mayDependOn"
HAS_VERSION = SOV_IRI + "hasVersion"
FAMILY_DEPENDS_ON = SOV_IRI + "familyDependsOn"
HAS_JURISDICTION = SOV_IRI + "hasJurisdiction"
ACTOR = SOV_IRI + "Actor"
JURISDICTION = SOV_IRI + "Jurisdiction"
RDFS_SUBPROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
DCTERMS_TITLE = "http://purl.org/dc/terms/title"
FAMILY_CHAIN = "sov:familyDependsOn owl:propertyChainAxiom ( sov:hasVersion sov:dependsOn )"
MAX_HOPS = 8
MAX_PATHS = 200

_GRAPHS = {ASSERTED_GRAPH: True, INFERRED_GRAPH: False}


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence of a fact: where it is written and how firmly."""

    source: str | None
    source_title: str | None
    locator: str | None
    quote: str | None
    kind: str
    note: str | None = None

    def text(self) -> str:
        where = ", ".join(x for x in (self.source_title, self.locator) if x) or "no source document"
        said = f'"{self.quote}"' if self.quote else (self.note or "no quote")
        return f"{said} ({where}; {self.kind})"


@dataclass(frozen=True)
class Node:
    iri: str
    label: str


@dataclass
class Rule:
    """How the reasoner produced an inferred hop: the kind of rule, its axiom, the facts it used."""

    kind: str                       # sub-property, inverse, chain, symmetric, not identified
    axiom: str                      # the ontology axiom, in Turtle
    premises: list[Hop] = field(default_factory=list)


@dataclass
class Hop:
    """One link of a path: subject, relation, object, and why it holds."""

    subject: Node
    relation: str                   # property IRI
    relation_label: str
    object: Node
    layer: str | None
    asserted: bool
    rule: Rule | None = None
    evidence: list[Evidence] = field(default_factory=list)
    possible: bool = False

    def status(self) -> str:
        if self.possible:
            return "possible, not a dependency"
        return "asserted" if self.asserted else f"inferred by {self.rule.kind if self.rule else 'the reasoner'}"


@dataclass
class Path:
    """A chain of hops from the entity to an actor, and the actor's home jurisdiction."""

    hops: list[Hop]
    home: Hop | None = None

    @property
    def target(self) -> Node:
        return self.hops[-1].object

    @property
    def possible(self) -> bool:
        return any(h.possible for h in self.hops)

    @property
    def first_layer(self) -> str | None:
        """The layer of the first link, as the dependency questions count it (a family's link to
        one of its versions is passed over: the version's own link gives the layer)."""
        return next((h.layer for h in self.hops if h.relation != HAS_VERSION), None)


@dataclass
class Explanation:
    """Every path found from one entity, dependencies and possible arrangements apart."""

    entity: Node
    on: Node | None
    on_kind: str                    # "jurisdiction", "actor" or "any actor"
    paths: list[Path]
    possible: list[Path]
    complete: bool = True           # False when a bound (hops, number of paths) cut the search
    layer: str | None = None

    def render(self, fmt: str = "text", width: int | None = None) -> str:
        """text or md for people (text wrapped to ``width`` if given), json with IRIs, dot for Graphviz."""
        if fmt == "json":
            return json.dumps(self.to_json(), indent=2, ensure_ascii=False)
        if fmt == "dot":
            return _dot(self)
        text = _text(self, markdown=fmt == "md")
        if fmt != "text" or not width:
            return text
        import textwrap

        lines = []
        for line in text.splitlines():
            indent = " " * (len(line) - len(line.lstrip()) + 4)
            lines.extend(textwrap.wrap(line, width=width, subsequent_indent=indent, break_on_hyphens=False) or [""])
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, object]:
        def path(p: Path) -> dict[str, object]:
            return {"target": asdict(p.target), "hops": [_hop_json(h) for h in p.hops],
                    "home": _hop_json(p.home) if p.home else None, "possible": p.possible}

        return {"entity": asdict(self.entity), "on": asdict(self.on) if self.on else None,
                "layer": self.layer, "complete": self.complete,
                "dependencies": [path(p) for p in self.paths],
                "possibleArrangements": [path(p) for p in self.possible]}

    def _repr_markdown_(self) -> str:
        return self.render("md")

    def __str__(self) -> str:
        return self.render("text")

    def summary(self) -> str:
        """One line per path: labels and relations, as printed under a table."""
        return "\n".join(_one_line(p) for p in self.paths)


def _hop_json(hop: Hop) -> dict[str, object]:
    out: dict[str, object] = {
        "subject": asdict(hop.subject), "relation": hop.relation, "relationLabel": hop.relation_label,
        "object": asdict(hop.object), "layer": hop.layer, "asserted": hop.asserted, "possible": hop.possible,
        "evidence": [asdict(e) for e in hop.evidence]}
    if hop.rule:
        out["rule"] = {"kind": hop.rule.kind, "axiom": hop.rule.axiom,
                       "premises": [_hop_json(p) for p in hop.rule.premises]}
    return out


class Graph:
    """Read access to a build's store: edges, labels, evidence and the ontology's axioms."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._labels: dict[str, str] = {}
        self._edges: dict[str, list[tuple[str, str, bool]]] = {}
        ontology = ox.Store()
        ontology.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
        self.schema: Schema = read_schema(ontology)
        below_depends = {p for p, sups in self.schema.superproperties.items() if DEPENDS_ON in sups}
        below_may = {p for p, sups in self.schema.superproperties.items() if MAY_DEPEND_ON in sups}
        self.dependency_properties = below_depends - {FAMILY_DEPENDS_ON}
        self.possible_properties = below_may | {MAY_DEPEND_ON}
        self.layers: dict[str, str] = {}
        for quad in ontology.quads_for_pattern(None, ox.NamedNode(SOV_IRI + "inLayer"), None):
            self.layers[quad.subject.value] = self.label(quad.object.value)

    # ------------------------------------------------------------------ reading

    def _objects(self, subject: str, predicate: str, graphs: Iterable[str] | None = None) -> list[object]:
        out = []
        for graph in graphs or (ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH):
            out.extend(q.object for q in self.store.quads_for_pattern(
                ox.NamedNode(subject), ox.NamedNode(predicate), None, ox.NamedNode(graph)))
        return out

    def label(self, iri: str) -> str:
        if iri not in self._labels:
            labels = [o.value for o in self._objects(iri, RDFS_LABEL) if isinstance(o, ox.Literal)]
            self._labels[iri] = labels[0] if labels else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return self._labels[iri]

    def node(self, iri: str) -> Node:
        return Node(iri, self.label(iri))

    def types(self, iri: str) -> set[str]:
        return {o.value for o in self._objects(iri, RDF_TYPE) if isinstance(o, ox.NamedNode)}

    def has(self, subject: str, predicate: str, obj: str, graph: str | None = None) -> bool:
        graphs = [graph] if graph else [ASSERTED_GRAPH, INFERRED_GRAPH]
        return any(next(iter(self.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate),
                                                          ox.NamedNode(obj), ox.NamedNode(g))), None)
                   for g in graphs)

    def edges(self, subject: str) -> list[tuple[str, str, bool]]:
        """(property, object, asserted) of every hop-bearing link out of ``subject``."""
        if subject not in self._edges:
            found: list[tuple[str, str, bool]] = []
            for graph, asserted in _GRAPHS.items():
                for quad in self.store.quads_for_pattern(ox.NamedNode(subject), None, None, ox.NamedNode(graph)):
                    prop, obj = quad.predicate.value, quad.object
                    if not isinstance(obj, ox.NamedNode):
                        continue
                    hop = (prop in self.dependency_properties or prop in self.possible_properties
                           or prop == HAS_VERSION or (prop == DEPENDS_ON and asserted))
                    if hop:
                        found.append((prop, obj.value, asserted))
            self._edges[subject] = found
        return self._edges[subject]

    def best_links(self, subject: str, possible: bool) -> dict[str, tuple[str, bool]]:
        """Per object, the one link to show: asserted before inferred, the narrowest property."""
        wanted = self.possible_properties if possible else (self.dependency_properties | {HAS_VERSION, DEPENDS_ON})
        by_object: dict[str, list[tuple[str, bool]]] = {}
        for prop, obj, asserted in self.edges(subject):
            if prop in wanted:
                by_object.setdefault(obj, []).append((prop, asserted))
        best: dict[str, tuple[str, bool]] = {}
        for obj, links in by_object.items():
            props = {p for p, _ in links}
            narrowest = [(p, a) for p, a in links
                         if not any(p in self.schema.superproperties.get(q, ()) for q in props if q != p)]
            best[obj] = sorted(narrowest or links, key=lambda pa: (not pa[1], pa[0]))[0]
        return best

    # ------------------------------------------------------------------ hops

    def hop(self, subject: str, prop: str, obj: str, asserted: bool, possible: bool = False,
            depth: int = 0) -> Hop:
        hop = Hop(self.node(subject), prop, self.label(prop), self.node(obj),
                  self.layers.get(prop), asserted, possible=possible)
        if asserted:
            hop.evidence = self.evidence(subject, prop)
        else:
            hop.rule = self.rule(subject, prop, obj, depth)
        return hop

    def evidence(self, subject: str, prop: str) -> list[Evidence]:
        """The evidence on ``subject`` that supports ``prop`` (or, failing that, the whole node)."""
        narrow: list[Evidence] = []
        whole: list[Evidence] = []
        related = {prop, *self.schema.superproperties.get(prop, ())}
        for node in self._objects(subject, SOV_IRI + "hasEvidence", [ASSERTED_GRAPH]):
            supports = {q.object.value for q in self.store.quads_for_pattern(
                node, ox.NamedNode(SOV_IRI + "supports"), None, ox.NamedNode(ASSERTED_GRAPH))}
            if supports and not supports & related:
                continue
            (narrow if supports else whole).append(self._evidence(node))
        return narrow or whole

    def _evidence(self, node: object) -> Evidence:
        def value(prop: str) -> object | None:
            return next((q.object for q in self.store.quads_for_pattern(
                node, ox.NamedNode(SOV_IRI + prop), None, ox.NamedNode(ASSERTED_GRAPH))), None)

        source, kind = value("source"), value("provenanceKind")
        quote, locator, note = value("quote"), value("locator"), value("note")
        title = None
        if isinstance(source, ox.NamedNode):
            titles = self._objects(source.value, DCTERMS_TITLE)
            title = titles[0].value if titles else self.label(source.value)
        return Evidence(source.value if isinstance(source, ox.NamedNode) else None, title,
                        locator.value if locator is not None else None,
                        quote.value if quote is not None else None,
                        self.label(kind.value) if isinstance(kind, ox.NamedNode) else "stated in source",
                        note.value if note is not None else None)

    def rule(self, subject: str, prop: str, obj: str, depth: int = 0) -> Rule:
        """Which of the ontology's axioms entails ``subject prop obj``, with the facts it used."""
        short = _curie
        nested = depth < 3
        for narrower, supers in self.schema.superproperties.items():
            if prop in supers and narrower != prop:
                for graph in (ASSERTED_GRAPH, INFERRED_GRAPH):
                    if self.has(subject, narrower, obj, graph):
                        premise = self.hop(subject, narrower, obj, graph == ASSERTED_GRAPH, depth=depth + 1) \
                            if nested else None
                        return Rule("sub-property", f"{short(narrower)} rdfs:subPropertyOf {short(prop)}",
                                    [premise] if premise else [])
        for first, second in self.schema.inverses:
            for mine, other in ((first, second), (second, first)):
                if mine == prop and self.has(obj, other, subject):
                    asserted = self.has(obj, other, subject, ASSERTED_GRAPH)
                    premise = self.hop(obj, other, subject, asserted, depth=depth + 1) if nested else None
                    return Rule("inverse", f"{short(first)} owl:inverseOf {short(second)}",
                                [premise] if premise else [])
        if prop in self.schema.symmetric and self.has(obj, prop, subject, ASSERTED_GRAPH):
            return Rule("symmetric", f"{short(prop)} a owl:SymmetricProperty",
                        [self.hop(obj, prop, subject, True, depth=depth + 1)])
        for chained, steps in self.schema.chains:
            if chained != prop:
                continue
            route = self._chain_route(subject, steps, obj)
            if route is not None:
                premises = [self.hop(s, p, o, self.has(s, p, o, ASSERTED_GRAPH), depth=depth + 1)
                            for s, p, o in route] if nested else []
                return Rule("chain", f"{short(prop)} owl:propertyChainAxiom ( {' '.join(map(short, steps))} )",
                            premises)
        return Rule("not identified", "entailed by the reasoner; no single axiom of the ontology found")

    def _chain_route(self, subject: str, steps: tuple[str, ...], obj: str) -> list[tuple[str, str, str]] | None:
        """One sequence of links following ``steps`` from subject to obj, if any."""
        def walk(node: str, index: int) -> list[tuple[str, str, str]] | None:
            if index == len(steps):
                return [] if node == obj else None
            for next_node in self._objects(node, steps[index], [ASSERTED_GRAPH, INFERRED_GRAPH]):
                if isinstance(next_node, ox.NamedNode):
                    rest = walk(next_node.value, index + 1)
                    if rest is not None:
                        return [(node, steps[index], next_node.value), *rest]
            return None

        return walk(subject, 0)

    def home(self, actor: str) -> Hop | None:
        """The hop from an actor to its home jurisdiction (the narrowest stated relation)."""
        links = []
        for graph, asserted in _GRAPHS.items():
            for quad in self.store.quads_for_pattern(ox.NamedNode(actor), None, None, ox.NamedNode(graph)):
                prop = quad.predicate.value
                if prop == HAS_JURISDICTION or HAS_JURISDICTION in self.schema.superproperties.get(prop, ()):
                    links.append((prop, quad.object.value, asserted))
        if not links:
            return None
        prop, obj, asserted = sorted(links, key=lambda x: (not x[2], x[0] == HAS_JURISDICTION))[0]
        return self.hop(actor, prop, obj, asserted)

    def jurisdiction_of(self, actor: str) -> set[str]:
        homes = {o.value for o in self._objects(actor, HAS_JURISDICTION, [ASSERTED_GRAPH, INFERRED_GRAPH])
                 if isinstance(o, ox.NamedNode)}
        if JURISDICTION in self.types(actor):
            homes.add(actor)
        return homes


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if prefix and iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


# ---------------------------------------------------------------------- search


def explain(store: ox.Store, entity: str, on: str | None = None, layer: str | None = None,
            all_paths: bool = False, max_hops: int = MAX_HOPS, max_paths: int = MAX_PATHS,
            graph: Graph | None = None) -> Explanation:
    """The dependency paths from ``entity`` (an IRI) to the actors of ``on`` (a jurisdiction or an
    actor IRI; every actor when None).

    By default, for every target actor and every first link out of the entity, the shortest path
    that starts with that link (so each row of a dependency table has its path); with
    ``all_paths``, every simple path of at most ``max_hops`` links. At most ``max_paths`` paths;
    ``Explanation.complete`` says whether a bound cut the answer.
    """
    graph = graph or Graph(store)
    on_kind = "any actor"
    if on is not None:
        on_kind = "jurisdiction" if (JURISDICTION in graph.types(on) or graph._objects(on, SOV_IRI + "isoCode")) \
            else "actor"
    wanted_layer = _match_layer(graph, layer) if layer else None

    def is_goal(node: str) -> bool:
        if on_kind == "actor":
            return node == on
        if ACTOR not in graph.types(node):
            return False
        return on_kind == "any actor" or on in graph.jurisdiction_of(node)

    result = Explanation(graph.node(entity), graph.node(on) if on else None, on_kind, [], [],
                         layer=wanted_layer)
    for possible in (False, True):
        found, complete = _search(graph, entity, is_goal, possible, all_paths, max_hops, max_paths)
        if wanted_layer:
            found = [p for p in found if p.first_layer == wanted_layer]
        result.complete &= complete
        for path in found:
            if on_kind != "actor":
                path.home = graph.home(path.target.iri)
        (result.possible if possible else result.paths).extend(found)
    return result


def _match_layer(graph: Graph, text: str) -> str:
    wanted = " ".join(text.casefold().replace("-", " ").split())
    names = sorted(set(graph.layers.values()))
    for name in names:
        if name.casefold() == wanted or name.casefold().split()[0] == wanted or wanted in name.casefold():
            return name
    raise QueryError(f"no layer named {text!r} (layers: {', '.join(names)})")


def _search(graph: Graph, start: str, is_goal: object, possible: bool, all_paths: bool,
            max_hops: int, max_paths: int) -> tuple[list[Path], bool]:
    """Paths of (subject, property, object, asserted) links; with ``possible``, exactly those that
    use one or more possible links (and dependency links elsewhere)."""

    def links(node: str) -> list[tuple[str, str, bool, bool]]:
        out = [(p, o, a, False) for o, (p, a) in graph.best_links(node, False).items()]
        if possible:
            out += [(p, o, a, True) for o, (p, a) in graph.best_links(node, True).items()]
        return out

    goal = is_goal  # type: ignore[assignment]
    complete = True
    raw: list[list[tuple[str, str, str, bool, bool]]] = []
    if all_paths:
        stack: list[tuple[str, list[tuple[str, str, str, bool, bool]]]] = [(start, [])]
        while stack:
            node, path = stack.pop()
            if len(path) >= max_hops:
                complete = complete and not links(node)
                continue
            seen = {start, *(h[2] for h in path)}
            for prop, obj, asserted, maybe in sorted(links(node), reverse=True):
                if obj in seen:
                    continue
                step = [*path, (node, prop, obj, asserted, maybe)]
                if goal(obj) and (not possible or any(h[4] for h in step)):  # type: ignore[operator]
                    raw.append(step)
                    if len(raw) >= max_paths:
                        complete = False
                        stack.clear()
                        break
                stack.append((obj, step))
    else:
        for prop, first, asserted, maybe in sorted(links(start)):
            # breadth-first from this first link: the shortest path to each goal that starts with it
            parents: dict[tuple[str, bool], tuple[tuple[str, bool] | None, tuple[str, str, str, bool, bool]]] = {}
            state = (first, maybe)
            parents[state] = (None, (start, prop, first, asserted, maybe))
            queue = deque([(state, 1)])
            while queue:
                (node, used), depth = queue.popleft()
                if goal(node) and (used or not possible):  # type: ignore[operator]
                    step_list = []
                    cursor: tuple[str, bool] | None = (node, used)
                    while cursor is not None:
                        parent, link = parents[cursor]
                        step_list.append(link)
                        cursor = parent
                    raw.append(step_list[::-1])
                if depth >= max_hops:
                    complete = complete and not links(node)
                    continue
                for next_prop, obj, next_asserted, next_maybe in sorted(links(node)):
                    next_state = (obj, used or next_maybe)
                    if next_state in parents or obj == start:
                        continue
                    parents[next_state] = ((node, used), (node, next_prop, obj, next_asserted, next_maybe))
                    queue.append((next_state, depth + 1))
            if len(raw) >= max_paths:
                complete = False
                raw = raw[:max_paths]
                break
    unique = {tuple((h[0], h[1], h[2]) for h in p): p for p in raw}
    ordered = sorted(unique.values(), key=lambda p: (len(p), graph.label(p[-1][2]), [graph.label(h[2]) for h in p]))
    paths = [Path([graph.hop(s, p, o, a, possible=m) for s, p, o, a, m in steps]) for steps in ordered]
    return paths, complete


# ---------------------------------------------------------------------- rendering


def _one_line(path: Path) -> str:
    parts = [path.hops[0].subject.label]
    for hop in path.hops:
        mark = "" if hop.asserted else "*"
        parts.append(f"—{hop.relation_label}{mark}→ {hop.object.label}")
    home = f" ({path.home.object.label})" if path.home else ""
    return " ".join(parts) + home


def _text(result: Explanation, markdown: bool) -> str:
    out: list[str] = []
    entity = result.entity.label
    target = {"jurisdiction": f"actors under the jurisdiction of {result.on.label}" if result.on else "",
              "actor": result.on.label if result.on else "", "any actor": "any actor"}[result.on_kind]
    layer = f", first link in the {result.layer} layer" if result.layer else ""
    head = f"Dependency paths from {entity} to {target}{layer}"
    out.append(f"## {head}" if markdown else head)
    out.append("")
    if not result.paths and result.complete:
        out.append(f"No dependency of {entity} on {target} is stated in the graph. This means the sources "
                   "state none, not that there is none.")
    elif not result.paths:
        out.append(f"No dependency of {entity} on {target} was found within the bounds of the search.")
    for number, path in enumerate(result.paths, 1):
        out.extend(_path_text(number, path, markdown))
    if result.possible:
        title = ("Possible or planned arrangements (sov:mayDependOn): not dependencies, "
                 "listed apart")
        out.append(f"## {title}" if markdown else title)
        out.append("")
        for number, path in enumerate(result.possible, 1):
            out.extend(_path_text(number, path, markdown))
    if not result.complete:
        out.append("The search stopped at a bound (--max-hops or the number of paths): "
                   "more paths may exist.")
    out.append("Legend: asserted = written in kg/ with its evidence; inferred = entailed by the reasoner "
               "from the rule shown. Every path makes the entity depend on its last actor by the "
               "transitivity of sov:dependsOn (owl:TransitiveProperty).")
    return "\n".join(out).rstrip() + "\n"


def _path_text(number: int, path: Path, markdown: bool) -> list[str]:
    home = f" ({path.home.object.label})" if path.home else ""
    hops = len(path.hops)
    title = (f"{number}. {path.hops[0].subject.label} → {path.target.label}{home}: {hops} link{'s' * (hops != 1)}, "
             f"first in the {path.first_layer or 'unstated'} layer")
    out = [f"### {title}" if markdown else title]
    indent = "" if markdown else "   "
    for hop in path.hops:
        out.extend(_hop_text(hop, indent, markdown))
    if path.home:
        out.extend(_hop_text(path.home, indent, markdown))
    out.append("")
    return out


def _hop_text(hop: Hop, indent: str, markdown: bool, depth: int = 0) -> list[str]:
    bullet = "- " if markdown else ""
    pad = indent + "  " * depth
    layer = f", {hop.layer} layer" if hop.layer else ""
    lines = [f"{pad}{bullet}{hop.subject.label} —{hop.relation_label}→ {hop.object.label}  [{hop.status()}{layer}]"]
    inner = pad + ("  " if markdown else "    ")
    if hop.relation == HAS_VERSION:
        lines.append(f"{inner}{bullet}a family depends on what its versions depend on: {FAMILY_CHAIN}")
    if hop.rule:
        lines.append(f"{inner}{bullet}rule: {hop.rule.kind}: {hop.rule.axiom}")
        for premise in hop.rule.premises:
            lines.extend(_hop_text(premise, indent, markdown, depth + 2))
    for evidence in hop.evidence:
        lines.append(f"{inner}{bullet}evidence: {evidence.text()}")
    if hop.asserted and not hop.evidence:
        lines.append(f"{inner}{bullet}evidence: none recorded for this link")
    return lines


def _dot(result: Explanation) -> str:
    """Graphviz: solid asserted links, dashed inferred ones, dotted possible ones."""
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    nodes: dict[str, str] = {}
    edges: dict[tuple[str, str, str], str] = {}
    for path in [*result.paths, *result.possible]:
        for hop in [*path.hops, *([path.home] if path.home else [])]:
            nodes[hop.subject.iri] = hop.subject.label
            nodes[hop.object.iri] = hop.object.label
            style = "dotted" if hop.possible else ("solid" if hop.asserted else "dashed")
            edges[(hop.subject.iri, hop.relation, hop.object.iri)] = (
                f"label={quote(hop.relation_label)}, style={style}")
    ids = {iri: f"n{i}" for i, iri in enumerate(nodes)}
    title = f"Dependency paths from {result.entity.label} (dashed: inferred, dotted: possible)"
    out = ["digraph explain {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];",
           f"  label={quote(title)};"]
    out += [f"  {ids[iri]} [label={quote(label)}];" for iri, label in nodes.items()]
    out += [f"  {ids[s]} -> {ids[o]} [{attrs}];" for (s, _, o), attrs in edges.items()]
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- under a table


def paths_for_rows(store: ox.Store, table: object, spec: dict[str, str], bound: dict[str, object],
                   resolver: object, limit: int | None = None) -> str:
    """The path behind each row of a dependency question, one line per path, grouped by entity.

    ``spec`` is the question's ``#+ explain:`` header: ``entity`` names the column of the entity
    explained, ``target`` a parameter (``_country``), a fixed country code (``US``) or a column.
    With ``limit``, the paths of the first ``limit`` entities only, saying how many are left out.
    """
    columns: list[str] = table.columns  # type: ignore[attr-defined]
    if spec.get("projects_of") in columns:
        return _foreign_paths_of_countries(store, table, spec["projects_of"])
    if spec.get("entity") not in columns:
        return ""
    graph = Graph(store)
    entity_index = columns.index(spec["entity"])
    on = spec.get("target", "")
    pairs: list[tuple[str, str]] = []
    for row in table.rows:  # type: ignore[attr-defined]
        entity = row[entity_index]
        if not isinstance(entity, ox.NamedNode):
            continue
        if on in columns and isinstance(row[columns.index(on)], ox.NamedNode):
            target = row[columns.index(on)].value
        else:
            term = bound.get(on)
            code = term.value if isinstance(term, ox.Literal) else on
            target = resolver.entity(code, "country", jurisdictions_only=True).iri  # type: ignore[attr-defined]
        if (entity.value, target) not in pairs:
            pairs.append((entity.value, target))
            if limit is not None and len(pairs) > limit:
                break
    out = ["", "The paths behind the rows (sovkg explain ENTITY --on COUNTRY shows each with its evidence;"
               " * marks an inferred link):"]
    if limit is not None and len(pairs) > limit:
        pairs = pairs[:limit]
        out.append(f"(the paths of the first {limit:,} entities of the answer: --limit 0 shows every one)")
    for entity, target in pairs:
        result = explain(store, entity, target, graph=graph)
        out.append(f"{graph.label(entity)} → {graph.label(target)}:")
        out += [f"  {line}" for line in result.summary().splitlines()] or ["  no stated path"]
    return "\n".join(out)


def _foreign_paths_of_countries(store: ox.Store, table: object, column: str) -> str:
    """For each country of the rows, the paths from its sovereign projects to foreign actors."""
    graph = Graph(store)
    index = table.columns.index(column)  # type: ignore[attr-defined]
    countries = list(dict.fromkeys(row[index].value for row in table.rows  # type: ignore[attr-defined]
                                   if isinstance(row[index], ox.NamedNode)))
    effort, project_class = ox.NamedNode(SOV_IRI + "isSovereignEffortOf"), SOV_IRI + "SovereignAIProject"
    out = ["", "The paths behind the foreign cells (sovkg explain PROJECT --on COUNTRY shows each with its "
               "evidence; * marks an inferred link):"]
    for country in countries:
        projects = sorted({q.subject.value for g in (ASSERTED_GRAPH, INFERRED_GRAPH)
                           for q in store.quads_for_pattern(None, effort, ox.NamedNode(country), ox.NamedNode(g))
                           if project_class in graph.types(q.subject.value)}, key=graph.label)
        lines = []
        for project in projects:
            result = explain(store, project, None, graph=graph)
            for path in result.paths:
                # a state or union reached is its own home (the EU funding Italy's Cineca)
                home = path.home.object.iri if path.home else (
                    path.target.iri if JURISDICTION in graph.types(path.target.iri) else None)
                if home is not None and home != country:
                    lines.append(f"  {_one_line(path)}")
        if lines:
            out.append(f"{graph.label(country)}:")
            out += lines
    return "\n".join(out)
