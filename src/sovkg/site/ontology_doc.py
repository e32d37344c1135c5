"""The data of the ontology's documentation page: every class, property, layer and controlled
value of ``sov:``, with label, definition, place in the hierarchy, and examples from ``kg/``."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from sovkg.namespaces import RDF_TYPE, SOV_IRI
from sovkg.site.model import DCTERMS, OWL, RDFS, SKOS, local_name, sov

if TYPE_CHECKING:
    from sovkg.site.pages import Site

ONTOLOGY_IRI = "https://w3id.org/sovkg/ontology"
EXAMPLES = 5
KINDS = {OWL + "ObjectProperty": "object property", OWL + "DatatypeProperty": "datatype property",
         OWL + "AnnotationProperty": "annotation property"}
CHARACTERISTICS = {OWL + "TransitiveProperty": "transitive", OWL + "SymmetricProperty": "symmetric",
                   OWL + "FunctionalProperty": "functional"}


def ontology_terms(site: Site) -> dict[str, Any]:
    graph = site.graph
    onto = graph.ontology

    def refs(subject: str, predicate: str) -> list[dict[str, Any]]:
        return [site.value(v) for v in graph.values(subject, predicate, "ontology") if isinstance(v, ox.NamedNode)]

    children: dict[str, dict[str, list[str]]] = {"class": defaultdict(list), "property": defaultdict(list)}
    for subject, pairs in onto.items():
        for predicate, value in pairs:
            if isinstance(value, ox.NamedNode) and predicate == RDFS + "subClassOf":
                children["class"][value.value].append(subject)
            if isinstance(value, ox.NamedNode) and predicate == RDFS + "subPropertyOf":
                children["property"][value.value].append(subject)
    instances: dict[str, list[str]] = defaultdict(list)
    uses: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for subject in graph.entities():
        for predicate, value in graph.asserted[subject]:
            if predicate == RDF_TYPE and isinstance(value, ox.NamedNode):
                instances[value.value].append(subject)
            else:
                uses[predicate].append((subject, value))

    def term(iri: str) -> dict[str, Any]:
        types = {v.value for v in graph.values(iri, RDF_TYPE, "ontology") if isinstance(v, ox.NamedNode)}
        entry = {"iri": iri, "name": local_name(iri), "label": graph.label(iri),
                 "definition": graph.literal(iri, SKOS + "definition") or "",
                 "comment": graph.literal(iri, RDFS + "comment"),
                 "deprecated": graph.literal(iri, OWL + "deprecated") == "true",
                 "notation": graph.literal(iri, SKOS + "notation"),
                 "parents": refs(iri, RDFS + "subClassOf") + refs(iri, RDFS + "subPropertyOf"),
                 "layer": refs(iri, sov("inLayer")), "inverse": refs(iri, OWL + "inverseOf"),
                 "domain": refs(iri, RDFS + "domain"), "range": refs(iri, RDFS + "range"),
                 "characteristics": [CHARACTERISTICS[t] for t in sorted(types) if t in CHARACTERISTICS],
                 "chains": [[site.value(ox.NamedNode(p)) for p in graph._list(head)]
                            for head in graph.values(iri, OWL + "propertyChainAxiom", "ontology")],
                 "kind": next((KINDS[t] for t in sorted(types) if t in KINDS), None)}
        key = "class" if OWL + "Class" in types else "property"
        entry["children"] = [site.value(ox.NamedNode(c)) for c in sorted(children[key].get(iri, []))]
        entry["instances"] = [site.value(ox.NamedNode(s)) for s in instances.get(iri, [])[:EXAMPLES]]
        entry["instance_count"] = len(instances.get(iri, []))
        entry["uses"] = [{"subject": site.value(ox.NamedNode(s)), "object": site.value(o)}
                         for s, o in uses.get(iri, [])[:EXAMPLES]]
        entry["use_count"] = len(uses.get(iri, []))
        return entry

    declared = [s for s in onto if s.startswith(SOV_IRI)]

    def typed(*classes: str) -> list[dict[str, Any]]:
        wanted = {ox.NamedNode(c) for c in classes}
        found = [s for s in declared if any(p == RDF_TYPE and v in wanted for p, v in onto[s])]
        return sorted((term(s) for s in found), key=lambda t: t["label"].lower())

    layers = typed(sov("SovereigntyLayer"))
    for layer in layers:
        layer["members"] = [site.value(ox.NamedNode(s)) for s in sorted(declared)
                            if (sov("inLayer"), ox.NamedNode(layer["iri"])) in onto[s]]
    classes = typed(OWL + "Class")
    properties = typed(*KINDS)
    shown = {t["iri"] for t in classes + properties + layers}
    values = sorted((term(s) for s in declared if s not in shown and graph.literal(s, RDFS + "label")),
                    key=lambda t: t["label"].lower())
    header = {"title": graph.literal(ONTOLOGY_IRI, DCTERMS + "title"),
              "description": graph.literal(ONTOLOGY_IRI, DCTERMS + "description"),
              "version": graph.literal(ONTOLOGY_IRI, OWL + "versionInfo"),
              "version_iri": graph.first(ONTOLOGY_IRI, OWL + "versionIRI", "ontology"),
              "licence": graph.first(ONTOLOGY_IRI, DCTERMS + "license", "ontology"),
              "created": graph.literal(ONTOLOGY_IRI, DCTERMS + "created"),
              "namespace": SOV_IRI, "iri": ONTOLOGY_IRI}
    return {"header": header, "classes": classes, "properties": properties, "layers": layers, "values": values}
