"""The fast reasoner entails, on the real graph, exactly what owlrl's OWL 2 RL closure entails for
every relation and class of the ontology; and its rules do what the ontology says."""

from __future__ import annotations

import pyoxigraph as ox

from sovkg.build.parse import parse_files, parse_turtle
from sovkg.build.reason import materialise
from sovkg.namespaces import ID_IRI, RDF_TYPE, SOV_IRI
from sovkg.project import Project

from .conftest import ROOT


def _covered(triples: list[ox.Triple]) -> set[ox.Triple]:
    """Entailments about the graph's own entities through the ontology's relations and classes."""
    return {t for t in triples
            if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(ID_IRI)
            and (t.predicate.value.startswith(SOV_IRI)
                 or (t.predicate.value == RDF_TYPE and t.object.value.startswith(SOV_IRI)))}


def test_fast_reasoner_matches_owlrl_on_the_seed_graph() -> None:
    project = Project(ROOT, ROOT / "dist")
    ontology = parse_turtle(project.ontology)
    facts = parse_files(project.kg_files())
    fast = _covered(materialise(ontology, facts, "fast"))
    full = _covered(materialise(ontology, facts, "owlrl"))
    assert fast, "the fast reasoner entailed nothing"
    missing, extra = sorted(map(str, full - fast)), sorted(map(str, fast - full))
    assert not missing and not extra, f"missing: {missing[:10]}\nextra: {extra[:10]}"


ONTOLOGY = parse_turtle(ROOT / "ontology" / "sovkg.ttl")


def _entailed(turtle: str) -> set[tuple[str, str, str]]:
    facts = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
             for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]
    return {(t.subject.value.rsplit("/", 1)[-1], t.predicate.value.rsplit("#", 1)[-1],
             t.object.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1])
            for t in materialise(ONTOLOGY, facts)}


PREFIXES = "@prefix : <https://w3id.org/sovkg/id/> . @prefix sov: <https://w3id.org/sovkg/ontology#> .\n"


def test_dependency_runs_through_chains_of_any_length() -> None:
    entailed = _entailed(PREFIXES + """
        :Model sov:basedOn :Base . :Base sov:developedBy :Lab . :Lab sov:subsidiaryOf :Parent .
        :Parent sov:headquarteredIn :XA . :XA a sov:State .""")
    assert ("Model", "dependsOn", "Parent") in entailed
    assert ("Model", "dependsOnJurisdiction", "XA") in entailed
    assert ("Parent", "hasSubsidiary", "Lab") in entailed


def test_a_family_depends_on_what_its_versions_depend_on() -> None:
    entailed = _entailed(PREFIXES + ":Family sov:hasVersion :V2 . :V2 sov:basedOn :Llama .")
    assert ("Family", "dependsOn", "Llama") in entailed
    assert ("V2", "isVersionOf", "Family") in entailed


def test_funding_shares_make_their_funders_funders_of_the_project() -> None:
    entailed = _entailed(PREFIXES + """
        :Project sov:hasInvestment :Inv . :Inv sov:hasFundingShare :Share . :Share sov:funder :Foundation .""")
    assert ("Project", "fundedBy", "Foundation") in entailed
    assert ("Project", "dependsOn", "Foundation") in entailed


def test_possible_partners_are_not_dependencies() -> None:
    entailed = _entailed(PREFIXES + ":Project sov:hasPossiblePartner :Maybe .")
    assert ("Project", "mayDependOn", "Maybe") in entailed
    assert not any(s == "Project" and p == "dependsOn" for s, p, _ in entailed)
