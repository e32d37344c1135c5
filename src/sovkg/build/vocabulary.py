"""Check that every ``sov:`` term the facts use is declared in the ontology.

Every RDF parser accepts a misspelt IRI silently (the published W3C ORG ontology carries
``rdfs:subClasOf``); this check names the file, line and the closest declared term.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sovkg.build.parse import Location, SourceIndex
from sovkg.namespaces import RDF_TYPE, SOV_IRI

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"


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


_SOV_TERM = re.compile(r"\bsov:([A-Za-z_][\w-]*)")
_HIERARCHY_ROOTS = {"http://www.w3.org/ns/prov#Agent", "http://www.w3.org/ns/prov#Entity",
                    "http://www.w3.org/2004/02/skos/core#Concept"}


@dataclass(frozen=True)
class OntologyProblem:
    """A term of the ontology that breaks one of its quality rules, or an undeclared term in use."""

    rule: str
    iri: str
    message: str
    location: Location | None


def ontology_problems(ontology: list[ox.Quad], index: SourceIndex, other_files: list[Path]) -> list[OntologyProblem]:
    """Quality rules for the ontology itself, and sov: terms written in shapes and queries."""
    declared = declared_terms(ontology)
    by_subject: dict[str, dict[str, list[object]]] = {}
    for quad in ontology:
        if isinstance(quad.subject, ox.NamedNode):
            by_subject.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object)
    problems: list[OntologyProblem] = []
    for iri in sorted(declared):
        facts = by_subject.get(iri, {})
        name = "sov:" + iri[len(SOV_IRI):]
        if not any(isinstance(v, ox.Literal) and v.language == "en" for v in facts.get(RDFS + "label", [])):
            problems.append(OntologyProblem("ontology: every term has a label and a definition", iri,
                                            f"{name} has no English rdfs:label", index.where(iri)))
        if not facts.get(SKOS + "definition"):
            problems.append(OntologyProblem("ontology: every term has a label and a definition", iri,
                                            f"{name} has no skos:definition", index.where(iri)))
        is_class = OWL + "Class" in [getattr(t, "value", None) for t in facts.get(RDF_TYPE, [])]
        if is_class and not _reaches_root(iri, by_subject):
            problems.append(OntologyProblem("ontology: every class has a place in the hierarchy", iri,
                                            f"{name} is not a subclass of prov:Agent, prov:Entity or skos:Concept",
                                            index.where(iri)))
    from sovkg.queries.library import mask_sparql

    for path in other_files:
        text = path.read_text(encoding="utf-8", errors="replace")  # a bad byte is reported by the parser
        # In queries, only the SPARQL counts: not comments, strings or IRIs.
        code = mask_sparql(text) if path.suffix == ".rq" else text
        for number, line in enumerate(code.splitlines(), start=1):
            for match in _SOV_TERM.finditer(line):
                iri = SOV_IRI + match.group(1)
                if iri not in declared:
                    close = difflib.get_close_matches(iri, declared, n=1, cutoff=0.6)
                    term = UndeclaredTerm(iri, Location(path, number), close[0] if close else None)
                    problems.append(OntologyProblem("vocabulary: every sov: term is declared", iri,
                                                    term.message, term.location))
    return problems


def _reaches_root(iri: str, by_subject: dict[str, dict[str, list[object]]]) -> bool:
    seen, todo = set(), [iri]
    while todo:
        node = todo.pop()
        if node in _HIERARCHY_ROOTS:
            return True
        if node in seen:
            continue
        seen.add(node)
        todo.extend(getattr(o, "value", "") for o in by_subject.get(node, {}).get(RDFS + "subClassOf", []))
    return False
