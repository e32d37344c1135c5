"""Every shape has a tiny valid and a tiny invalid fixture; the invalid one breaks exactly one rule.

A fixture ``tests/fixtures/shapes/<shape>.invalid.ttl`` starts with a line
``# expect: focus=<local name> path=<property or -> message=<words of the message>``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SH

from sovkg.build.pipeline import check, load_graphs
from sovkg.build.validate import Report
from sovkg.project import Project

from .conftest import FIXTURES, ROOT

SHAPE_FIXTURES = FIXTURES / "shapes"
_EXPECT = re.compile(r"^# expect: focus=(\S+) path=(\S+) message=(.+)$")


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def shape_labels() -> list[str]:
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    return sorted(str(shapes.value(s, RDFS.label)) for s in shapes.subjects(RDF.type, SH.NodeShape))


def fixture_project(tmp_path: Path, fixture: Path) -> Project:
    root = tmp_path / "project"
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "kg").mkdir()
    shutil.copy(SHAPE_FIXTURES / "_base.ttl", root / "kg" / "_base.ttl")
    shutil.copy(fixture, root / "kg" / fixture.name)
    shutil.copytree(FIXTURES / "sources", root / "sources")
    return Project(root, root / "dist")


def validate_fixture(tmp_path: Path, fixture: Path) -> Report:
    project = fixture_project(tmp_path, fixture)
    return without_support_rules(check(project, load_graphs(project)))


def without_support_rules(report: Report) -> Report:
    """The report without the support rules: shape and check fixtures carry placeholder quotes,
    and the support rules have tiny fixtures of their own (tests/test_support.py)."""
    report.violations = [v for v in report.violations if not v.rule.startswith("support:")]
    return report


def test_every_shape_has_a_valid_and_an_invalid_fixture() -> None:
    missing = [label for label in shape_labels()
               for kind in ("valid", "invalid")
               if not (SHAPE_FIXTURES / f"{_slug(label)}.{kind}.ttl").is_file()]
    assert not missing, f"shapes without fixtures: {missing}"


def test_base_fixture_conforms(tmp_path: Path) -> None:
    report = validate_fixture(tmp_path, SHAPE_FIXTURES / "_base.ttl")
    assert report.conforms, report.violations


@pytest.mark.parametrize("label", shape_labels())
def test_valid_fixture_conforms(tmp_path: Path, label: str) -> None:
    report = validate_fixture(tmp_path, SHAPE_FIXTURES / f"{_slug(label)}.valid.ttl")
    assert report.conforms, [v.as_dict() for v in report.violations]


@pytest.mark.parametrize("label", shape_labels())
def test_invalid_fixture_breaks_exactly_its_rule(tmp_path: Path, label: str) -> None:
    fixture = SHAPE_FIXTURES / f"{_slug(label)}.invalid.ttl"
    expect = _EXPECT.match(fixture.read_text(encoding="utf-8").splitlines()[0])
    assert expect, f"{fixture.name} must start with '# expect: focus=... path=... message=...'"
    focus, path, message = expect.groups()
    report = validate_fixture(tmp_path, fixture)
    assert len(report.violations) == 1, [v.as_dict() for v in report.violations]
    violation = report.violations[0]
    assert violation.rule == f"shape: {label}"
    assert violation.focus.rsplit("/", 1)[-1].split(" ")[0] == focus
    assert violation.path == (None if path == "-" else path)
    assert message in violation.message
    assert violation.location is not None
    # The line of the broken statement, or where the node is described if a value is missing.
    assert violation.location.path.name in (fixture.name, "_base.ttl")


def test_labels_of_shapes_are_english() -> None:
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        label = shapes.value(shape, RDFS.label)
        assert isinstance(label, Literal) and label.language == "en", shape
