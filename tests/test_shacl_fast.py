"""The fast SHACL validator (each constraint one SPARQL query) reports what pySHACL reports.

pySHACL is the reference. Compared per violation: the shape, the focus node, the path, the value
and, where the shape states an sh:message, the message (where it does not, each validator words
its own default message).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sovkg.build.pipeline import check, load_graphs
from sovkg.build.shacl import Unsupported, compile_shapes
from sovkg.errors import EXIT_OK, EXIT_VIOLATIONS
from sovkg.project import Project

from .conftest import FIXTURES, ROOT, Runner, copy_project
from .test_shapes import fixture_project

MANY_BREAKS = FIXTURES / "shacl" / "many-breaks.ttl"


def _declared_messages() -> set[str]:
    import pyoxigraph as ox

    from sovkg.build.shacl import read_shapes

    shapes = read_shapes(sorted((ROOT / "shapes").glob("*.ttl")))
    message = ox.NamedNode("http://www.w3.org/ns/shacl#message")
    return {q.object.value for q in shapes.quads_for_pattern(None, message, None)}


def _both(project: Project) -> tuple[set[tuple[str | None, ...]], set[tuple[str | None, ...]]]:
    """Shape violations by the fast validator and by pySHACL, on one parse (same blank nodes)."""
    declared = _declared_messages()
    graphs = load_graphs(project)
    found = []
    for validator in ("fast", "pyshacl"):
        report = check(project, graphs, validator=validator)
        found.append({(v.rule, v.focus, v.path, v.value, v.message if v.message in declared else None)
                      for v in report.violations if v.rule.startswith("shape: ")})
    return found[0], found[1]


@pytest.mark.parametrize("fixture", sorted((FIXTURES / "shapes").glob("*.ttl")), ids=lambda p: p.stem)
def test_fast_validator_reports_what_pyshacl_reports_on_every_shape_fixture(tmp_path: Path, fixture: Path) -> None:
    project = fixture_project(tmp_path, fixture)
    fast, reference = _both(project)
    assert fast == reference


def test_fast_validator_agrees_on_a_graph_breaking_many_rules(tmp_path: Path) -> None:
    project = fixture_project(tmp_path, MANY_BREAKS)
    fast, reference = _both(project)
    assert fast == reference
    # ill-typed literals, wrong languages, counts, both kinds of sh:or, blank-node focus nodes
    assert len(fast) >= 30
    rules = {v[0] for v in fast}
    assert {"shape: evidence", "shape: AI model", "shape: amount", "shape: chip allocation",
            "shape: source document", "shape: natural language", "shape: status statement"} <= rules
    assert ("shape: AI model", "https://w3id.org/sovkg/id/BadModel", "parameterCountMin", "seven billion",
            None) in fast


def test_fast_validator_agrees_on_the_seed_graph_with_breaks_added(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.copy(FIXTURES / "shapes" / "_base.ttl", project.kg / "_base.ttl")
    shutil.copy(MANY_BREAKS, project.kg / "many-breaks.ttl")
    fast, reference = _both(project)
    assert fast == reference
    assert len(fast) >= 30


def test_shapes_beyond_the_compiled_set_fall_back_to_pyshacl(tmp_path: Path) -> None:
    project = fixture_project(tmp_path, FIXTURES / "shapes" / "_base.ttl")
    extra = project.shapes / "qualified.ttl"
    extra.write_text("""
@prefix sh:  <http://www.w3.org/ns/shacl#> .
@prefix sov: <https://w3id.org/sovkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/sovkg/shapes#TwoEvidence> a sh:NodeShape ; rdfs:label "two evidence"@en ;
    sh:targetClass sov:State ;
    sh:property [ sh:path sov:hasEvidence ; sh:qualifiedValueShape [ sh:path sov:quote ; sh:minCount 1 ] ;
                  sh:qualifiedMinCount 2 ; sh:message "a state needs two quoted evidence" ] .
""", encoding="utf-8")
    with pytest.raises(Unsupported):
        compile_shapes(project.shape_files())
    report = check(project, load_graphs(project))
    assert [(v.rule, v.focus, v.message) for v in report.violations] == [
        ("shape: two evidence", "https://w3id.org/sovkg/id/XA", "a state needs two quoted evidence")]


def test_validate_with_either_validator_from_the_command_line(tmp_path: Path, sovkg: Runner) -> None:
    project = fixture_project(tmp_path, FIXTURES / "shapes" / "amount.invalid.ttl")
    answers = []
    for validator in ("fast", "pyshacl"):
        done = sovkg("validate", "--validator", validator, "--format", "json", cwd=project.root)
        assert done.returncode == EXIT_VIOLATIONS, done.stderr
        answers.append(json.loads(done.stdout)["violations"])
    assert answers[0] == answers[1]
    assert [v["path"] for v in answers[0]] == ["amount"]
    base = fixture_project(tmp_path / "base", FIXTURES / "shapes" / "_base.ttl")
    assert sovkg("validate", "--validator", "pyshacl", cwd=base.root).returncode == EXIT_OK
