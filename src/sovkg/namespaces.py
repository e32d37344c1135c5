"""IRIs of the vocabularies sovkg uses, as constants so that a typo fails loudly."""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace

SOV_IRI = "https://w3id.org/sovkg/ontology#"
ID_IRI = "https://w3id.org/sovkg/id/"
GRAPH_IRI = "https://w3id.org/sovkg/graph/"

ONTOLOGY_GRAPH = GRAPH_IRI + "ontology"
ASSERTED_GRAPH = GRAPH_IRI + "asserted"
INFERRED_GRAPH = GRAPH_IRI + "inferred"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


class SOV(DefinedNamespace):
    """The ontology terms that the Python code itself names (a test checks each is declared)."""

    _fail = True
    _NS = Namespace(SOV_IRI)

    hasEvidence: object
    source: object
    quote: object
    supports: object
    provenanceKind: object
    fileName: object
    CommonKnowledge: object
    SourceDocument: object
    State: object
    isoCode: object
    isSovereignEffortOf: object
    dependsOn: object
    # Used by the support rules (sovkg.build.support).
    locator: object
    note: object
    QualifiedFact: object
    Evidence: object
    IllustrativeFigure: object
    ReferenceStandard: object
    DerivedFigure: object


PREFIXES: dict[str, str] = {
    "": ID_IRI,
    "sov": SOV_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
}
