"""The check queries of queries/checks/: each passes on a clean graph and catches its fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovkg.build.pipeline import check, load_graphs

from .test_shapes import SHAPE_FIXTURES, fixture_project, without_support_rules

HEADER = """@prefix : <https://w3id.org/sovkg/id/> . @prefix sov: <https://w3id.org/sovkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
"""
EV = 'sov:hasEvidence [ sov:source :srcT ; sov:quote "cost about $10 million" ]'

FAULTS = {
    "amount-range-is-ordered": f""":Inv a sov:Investment ; rdfs:label "range"@en ; sov:amount 300.0 ;
        sov:amountMax 250.0 ; sov:currency "USD" ; {EV} .""",
    "funding-shares-add-up": f""":Inv a sov:Investment ; rdfs:label "split"@en ; sov:hasFundingShare :S1 , :S2 ; {EV} .
        :S1 a sov:FundingShare ; rdfs:label "a"@en ; sov:funder :XA ; sov:shareFraction 0.6 ; {EV} .
        :S2 a sov:FundingShare ; rdfs:label "b"@en ; sov:funder :Vendor ; sov:shareFraction 0.6 ; {EV} .""",
    "evidence-supports-a-stated-property": """:Vendor sov:hasEvidence [ sov:provenanceKind sov:CommonKnowledge ;
        sov:supports sov:subsidiaryOf ; sov:note "says a parent that the node does not name" ] .""",
}


def _project(tmp_path: Path, body: str) -> object:
    fixture = tmp_path / "fault.ttl"
    fixture.write_text(HEADER + body)
    return fixture_project(tmp_path, fixture)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_check_catches_its_fault(tmp_path: Path, name: str) -> None:
    project = _project(tmp_path, FAULTS[name])
    report = without_support_rules(check(project, load_graphs(project)))
    assert [v.rule for v in report.violations] == [f"check: {name}"]
    assert report.violations[0].location is not None


def test_deprecated_term_in_use_is_reported(tmp_path: Path) -> None:
    project = _project(tmp_path, ":Vendor sov:isMemberOf :XA .")
    ontology = project.ontology.read_text()
    project.ontology.write_text(ontology.replace(
        'rdfs:label "is member of"@en ;', 'rdfs:label "is member of"@en ;\n    owl:deprecated true ;'))
    report = without_support_rules(check(project, load_graphs(project)))
    assert [v.rule for v in report.violations] == ["check: no-deprecated-term-in-use"]
    assert "isMemberOf" in report.violations[0].message


def test_checks_pass_on_the_base_fixture(tmp_path: Path) -> None:
    project = fixture_project(tmp_path, SHAPE_FIXTURES / "_base.ttl")
    assert without_support_rules(check(project, load_graphs(project))).conforms
