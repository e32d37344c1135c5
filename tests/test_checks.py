"""The check queries of queries/checks/: each passes on a clean graph and catches its fault."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sovkg.build.pipeline import check, load_graphs
from sovkg.build.validate import reads_dependency_records
from sovkg.children import in_child
from sovkg.cli.validate_cmd import validate_project
from sovkg.errors import InputError

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


def test_the_rules_read_no_dependency_record(tmp_path: Path) -> None:
    project = fixture_project(tmp_path, SHAPE_FIXTURES / "_base.ttl")
    rules = [*project.shape_files(), *project.checks.glob("*.rq")]
    assert not reads_dependency_records(rules)
    extra = project.checks / "hop-is-labelled.rq"
    extra.write_text("PREFIX sov: <https://w3id.org/sovkg/ontology#>\n"
                     "SELECT ?focus { ?focus sov:firstHop ?hop FILTER NOT EXISTS { ?hop a sov:Actor } }\n")
    assert reads_dependency_records([*rules, extra])
    # the layer exposures are worked out with the records, and left out with them
    extra.write_text("PREFIX sov: <https://w3id.org/sovkg/ontology#>\n"
                     "SELECT ?focus { ?exposure sov:exposedProject ?focus\n"
                     "  FILTER NOT EXISTS { ?exposure sov:alternativeActor ?actor } }\n")
    assert reads_dependency_records([*rules, extra])


# A project whose links lead to unnamed, unlabelled nodes: the dependency records point at them too.
BLANK_HOPS = f""":P a sov:SovereignModel ; rdfs:label "p"@en ; sov:isSovereignEffortOf :XA ; {EV} ;
    sov:trainedOn [ a sov:Supercomputer ; sov:operatedBy :Vendor ] ;
    sov:developedBy [ a sov:Organization ; sov:dependsOn :Vendor ] ."""


@pytest.mark.parametrize("body", [BLANK_HOPS, *FAULTS.values()])
def test_validation_without_the_dependency_records_reports_the_same(tmp_path: Path, body: str) -> None:
    project = _project(tmp_path, body)
    with_records = check(project, load_graphs(project))
    without = check(project, load_graphs(project, dependency_records=False))
    assert without.violations == with_records.violations
    assert without.support == with_records.support


def test_a_violation_on_an_unnamed_node_is_placed_at_the_stated_link(tmp_path: Path) -> None:
    report = check(project := _project(tmp_path, BLANK_HOPS), load_graphs(project))
    unnamed = {v.focus for v in report.violations if "(its " in v.focus}
    assert unnamed == {"https://w3id.org/sovkg/id/P (its trainedOn)", "https://w3id.org/sovkg/id/P (its developedBy)"}


@pytest.mark.parametrize("body", [BLANK_HOPS, *FAULTS.values()])
def test_the_validate_command_reports_what_the_build_checks(tmp_path: Path, body: str) -> None:
    project = _project(tmp_path, body)
    assert validate_project(project, "fast") == check(project, load_graphs(project))


def test_the_validate_command_raises_the_reasoners_error(tmp_path: Path) -> None:
    project = _project(tmp_path, ":Vendor sov:isMemberOf :XA .")
    ontology = project.ontology.read_text()
    project.ontology.write_text(ontology.replace("owl:propertyChainAxiom ( sov:hasChipAllocation sov:chip )",
                                                 'owl:propertyChainAxiom ( sov:hasChipAllocation "chip" )'))
    with pytest.raises(InputError, match="property chain"):
        validate_project(project, "fast")


def test_work_done_meanwhile_gives_its_result_or_its_error() -> None:
    assert in_child(sorted, [3, 1, 2])() == [1, 2, 3]

    def fail() -> None:
        raise InputError("sources/: cannot read this folder")

    with pytest.raises(InputError, match="cannot read this folder"):
        in_child(fail)()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="work beside is forked only where fork exists")
def test_work_no_longer_wanted_is_stopped_and_reaped() -> None:
    work = in_child(time.sleep, 60)
    child = work.child
    assert child is not None
    os.kill(child, 0)  # running
    work.cancel()
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left
        os.waitpid(child, os.WNOHANG)
    work.cancel()  # twice is harmless

