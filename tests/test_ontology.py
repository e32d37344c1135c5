"""The ontology: header metadata, a label and a definition on every term, inside OWL 2 RL."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from sovkg.namespaces import SOV, SOV_IRI

from .conftest import ROOT

GRAPH = Graph().parse(ROOT / "ontology" / "sovkg.ttl")
ONTOLOGY = URIRef("https://w3id.org/sovkg/ontology")
TERMS = sorted({s for s in GRAPH.subjects() if isinstance(s, URIRef) and str(s).startswith(SOV_IRI)})

# Every OWL construct the ontology uses; each is allowed in OWL 2 RL where the ontology puts it
# (no existential or union superclasses, no hasSelf, no cardinality above one).
OWL_RL_VOCABULARY = {OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                     OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty, OWL.inverseOf,
                     OWL.propertyChainAxiom, OWL.versionIRI, OWL.versionInfo, OWL.deprecated}


def test_header_carries_title_licence_version_iri_and_prefix() -> None:
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, DCTERMS.created,
                      OWL.versionInfo, OWL.versionIRI, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")):
        assert GRAPH.value(ONTOLOGY, predicate) is not None, predicate


def test_every_term_has_an_english_label_a_definition_and_is_defined_by_the_ontology() -> None:
    problems = []
    for term in TERMS:
        label, definition = GRAPH.value(term, RDFS.label), GRAPH.value(term, SKOS.definition)
        if not (isinstance(label, Literal) and label.language == "en"):
            problems.append(f"{term}: no English label")
        if not (isinstance(definition, Literal) and len(str(definition)) > 20):
            problems.append(f"{term}: no definition")
        if GRAPH.value(term, RDFS.isDefinedBy) != ONTOLOGY:
            problems.append(f"{term}: no rdfs:isDefinedBy")
    assert not problems, "\n".join(problems)


def test_only_owl_2_rl_constructs_are_used() -> None:
    used = {o for o in GRAPH.objects(None, RDF.type) if str(o).startswith(str(OWL))}
    used |= {p for p in GRAPH.predicates() if str(p).startswith(str(OWL))}
    assert used <= OWL_RL_VOCABULARY, used - OWL_RL_VOCABULARY
    for superclass in GRAPH.objects(None, RDFS.subClassOf):
        assert isinstance(superclass, URIRef), "superclass expressions are named classes only"


def test_every_class_has_a_place_in_the_hierarchy() -> None:
    roots = {URIRef("http://www.w3.org/ns/prov#Agent"), URIRef("http://www.w3.org/ns/prov#Entity"),
             SKOS.Concept}
    for cls in GRAPH.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(SOV_IRI):
            assert set(GRAPH.transitive_objects(cls, RDFS.subClassOf)) & roots, f"{cls} hangs loose"


def test_every_layer_is_in_the_scheme_and_every_asset_class_has_a_layer() -> None:
    layers = set(GRAPH.subjects(RDF.type, URIRef(SOV_IRI + "SovereigntyLayer")))
    assert {str(layer).rsplit("#", 1)[1] for layer in layers} >= {
        "ChipsLayer", "ComputeLayer", "CloudLayer", "ModelLayer", "DataLayer", "DistributionLayer",
        "FundingLayer", "PolicyLayer", "TalentLayer"}
    asset = URIRef(SOV_IRI + "Asset")
    for cls in GRAPH.transitive_subjects(RDFS.subClassOf, asset):
        if cls not in (asset, URIRef(SOV_IRI + "Application")):
            assert GRAPH.value(cls, URIRef(SOV_IRI + "inLayer")) in layers, f"{cls} has no layer"


def test_dependency_relations_generalise_to_depends_on() -> None:
    depends = URIRef(SOV_IRI + "dependsOn")
    assert (depends, RDF.type, OWL.TransitiveProperty) in GRAPH
    for name in ("developedBy", "ownedBy", "subsidiaryOf", "operatedBy", "hostedBy", "trainedOn", "usesChip",
                 "usesAccelerator", "producedBy", "designedBy", "manufacturedBy", "basedOn", "trainedWithData",
                 "distributedVia", "fundedBy", "builtBy", "hasPartner"):
        assert depends in set(GRAPH.transitive_objects(URIRef(SOV_IRI + name), RDFS.subPropertyOf)), name


def test_namespace_constants_of_the_code_are_declared() -> None:
    for name in SOV.__annotations__:
        if not name.startswith("_"):
            assert URIRef(SOV_IRI + name) in TERMS, name
