"""Check that every ``sov:`` term the facts use is declared in the ontology.

Every RDF parser accepts a misspelt IRI silently (the published W3C ORG ontology carries
``rdfs:subClasOf``); this check names the file, line and the closest declared term.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pyoxigraph as ox

from sovkg.build.parse import Location, SourceIndex
from sovkg.namespaces import SOV_IRI


@dataclass(frozen=True)
class UndeclaredTerm:
    """A ``sov:`` IRI used in the facts but not declared in the ontology."""

    iri: str
    location: Location | None
    closest: str | None

    @property
    def message(self) -> str:
        name = "sov:" + self.iri[len(SOV_IRI):]
        hint = f"; did you mean sov:{self.closest[len(SOV_IRI):]}?" if self.closest else ""
        return f"{name} is not declared in the ontology{hint}"


def declared_terms(ontology: list[ox.Quad]) -> set[str]:
    return {q.subject.value for q in ontology
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(SOV_IRI)}


def undeclared_terms(ontology: list[ox.Quad], facts: list[ox.Quad], index: SourceIndex) -> list[UndeclaredTerm]:
    declared = declared_terms(ontology)
    used: set[str] = set()
    for quad in facts:
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(SOV_IRI):
                used.add(term.value)
            elif isinstance(term, ox.Literal) and term.datatype.value.startswith(SOV_IRI):
                used.add(term.datatype.value)
    problems = []
    for iri in sorted(used - declared):
        close = difflib.get_close_matches(iri, declared, n=1, cutoff=0.6)
        problems.append(UndeclaredTerm(iri, index.where(iri), close[0] if close else None))
    return problems
