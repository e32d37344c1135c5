"""IRIs of the vocabularies sovkg uses, as constants so that a typo fails loudly.

Plain strings, not rdflib terms: the query path must not pay for importing rdflib.
"""

from __future__ import annotations

from typing import ClassVar

SOV_IRI = "https://w3id.org/sovkg/ontology#"
ID_IRI = "https://w3id.org/sovkg/id/"
GRAPH_IRI = "https://w3id.org/sovkg/graph/"

ONTOLOGY_GRAPH = GRAPH_IRI + "ontology"
ASSERTED_GRAPH = GRAPH_IRI + "asserted"
INFERRED_GRAPH = GRAPH_IRI + "inferred"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


class _DefinedTerms(type):
    """Reads a declared term as its IRI; an undeclared one fails loudly, as rdflib's
    ``DefinedNamespace`` with ``_fail = True`` does."""

    def __getattr__(cls, name: str) -> str:
        if name in cls.__annotations__ and not name.startswith("_"):
            return cls._NS + name
        raise AttributeError(f"sov:{name} is not one of the terms sovkg names in its code ({cls.__name__})")


class SOV(metaclass=_DefinedTerms):
    """The ontology terms that the Python code itself names (a test checks each is declared)."""

    _NS: ClassVar[str] = SOV_IRI

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
