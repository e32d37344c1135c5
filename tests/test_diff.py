"""``sovkg diff``: facts added, removed and changed between versions, on real files and real git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from sovkg.project import Project
from sovkg.reports.diff import diff, load_facts

from .conftest import Runner

NEW_ENTITY = """
:Gefion-status-2026 a sov:Status ;
    rdfs:label "Gefion: expanded in 2026"@en ;
    sov:statusDate "2026-01-01"^^xsd:date ;
    sov:hasEvidence [ sov:source :src004 ; sov:locator "Table 2, Denmark" ;
        sov:quote "Gefion Supercomputer; Copenhagen" ] .
"""


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


def commit_all(root: Path, message: str) -> None:
    if not (root / ".git").exists():
        git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def edit(project: Project, relative: str, old: str, new: str) -> None:
    path = project.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def entity_block(output: str, heading_start: str) -> list[str]:
    """The lines of the entity whose heading starts with ``heading_start``."""
    for block in output.split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].startswith(heading_start + " "):
            return lines
    raise AssertionError(f"no entity {heading_start} in:\n{output}")


def test_added_entity_is_new_with_its_facts(project_copy: Project, sovkg: Runner) -> None:
    commit_all(project_copy.root, "base")
    with (project_copy.kg / "countries" / "dk.ttl").open("a", encoding="utf-8") as file:
        file.write(NEW_ENTITY)
    done = sovkg("diff", "HEAD", "worktree", cwd=project_copy.root)
    assert done.returncode == 0, done.stderr
    block = entity_block(done.stdout, ":Gefion-status-2026")
    assert block[0] == ':Gefion-status-2026 "Gefion: expanded in 2026" (new)'
    assert block[1:] == [
        "  + rdf:type sov:Status",
        '  + rdfs:label "Gefion: expanded in 2026"@en',
        '  + sov:statusDate "2026-01-01"^^xsd:date',
        '  + evidence [source :src004, quote "Gefion Supercomputer; Copenhagen", locator "Table 2, Denmark"]',
    ]
    assert done.stdout.rstrip().endswith("1 entity changed, 4 facts added, 0 removed, 0 changed")


def test_changed_number_is_one_change(project_copy: Project, sovkg: Runner) -> None:
    commit_all(project_copy.root, "base")
    edit(project_copy, "kg/countries/dk.ttl", "sov:quantity 1528 ;", "sov:quantity 1600 ;")
    commit_all(project_copy.root, "more chips")
    done = sovkg("diff", "HEAD~1", "HEAD", cwd=project_copy.root)
    assert done.returncode == 0, done.stderr
    assert entity_block(done.stdout, ":Gefion-chips")[1:] == ["  ~ sov:quantity 1528 -> 1600"]
    assert done.stdout.rstrip().endswith("1 entity changed, 0 facts added, 0 removed, 1 changed")
    # Reading a revision leaves nothing behind: no checkout, no worktree, nothing modified.
    assert git(project_copy.root, "status", "--porcelain") == ""
    assert len(git(project_copy.root, "worktree", "list").splitlines()) == 1


def test_changed_quote_is_evidence_removed_and_added(project_copy: Project, sovkg: Runner) -> None:
    commit_all(project_copy.root, "base")
    edit(project_copy, "kg/countries/dk.ttl",
         'sov:quote "Nvidia DGX SuperPOD with a total of 1,528 Nvidia H100 GPUs" ]',
         'sov:quote "Nvidia DGX SuperPOD with 1,528 Nvidia H100 GPUs" ]')
    done = sovkg("diff", "HEAD", "worktree", cwd=project_copy.root)
    assert done.returncode == 0, done.stderr
    assert entity_block(done.stdout, ":Gefion-chips")[1:] == [
        '  - evidence [source :src004, quote "Nvidia DGX SuperPOD with a total of 1,528 Nvidia H100 GPUs", '
        'locator "Table 2, Denmark"]',
        '  + evidence [source :src004, quote "Nvidia DGX SuperPOD with 1,528 Nvidia H100 GPUs", '
        'locator "Table 2, Denmark"]',
    ]
    assert done.stdout.rstrip().endswith("1 entity changed, 1 fact added, 1 removed, 0 changed")


def test_identical_versions_show_no_differences(project_copy: Project, sovkg: Runner) -> None:
    # Two parses of the same files name their blank nodes differently; their evidence is equal.
    first, second = load_facts(project_copy, "worktree"), load_facts(project_copy, "worktree")
    blanks = {t.object.value for t in first if isinstance(t.object, ox.BlankNode)}
    assert blanks and blanks.isdisjoint(t.object.value for t in second)
    result = diff(first, second)
    assert result.entities == []
    assert result.counts() == {"entities_changed": 0, "facts_added": 0, "facts_removed": 0, "facts_changed": 0}
    commit_all(project_copy.root, "base")
    done = sovkg("diff", "HEAD", "worktree", cwd=project_copy.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["No differences in the asserted facts.",
                                        "0 entities changed, 0 facts added, 0 removed, 0 changed"]


def test_two_build_folders(project_copy: Project, sovkg: Runner) -> None:
    def build() -> Path:
        """Build, and return the new build's folder as dist/builds/<id> (what dist/current points at)."""
        assert sovkg("build", cwd=project_copy.root).returncode == 0
        return (project_copy.dist / "current").resolve().relative_to(project_copy.root.resolve())

    first = build()
    # A number its quote does not render fails validation (the support rules), so the edit says
    # where the new figure comes from: a derived figure with a note.
    edit(project_copy, "kg/countries/dk.ttl", "sov:quantity 1528 ;",
         'sov:quantity 1600 ;\n    sov:hasEvidence [ sov:provenanceKind sov:DerivedFigure ; sov:supports sov:quantity ;'
         ' sov:note "A recount." ] ;')
    second = build()
    assert first != second and first.parent == second.parent == Path("dist/builds")
    done = sovkg("diff", str(first), str(second), cwd=project_copy.root)
    assert done.returncode == 0, done.stderr
    block = entity_block(done.stdout, ":Gefion-chips")[1:]
    assert block[0] == "  ~ sov:quantity 1528 -> 1600"
    assert len(block) == 2 and block[1].startswith("  + evidence [") and "A recount." in block[1], block
    assert done.stdout.rstrip().endswith("1 entity changed, 1 fact added, 0 removed, 1 changed")
    # The current build and the worktree hold the same asserted facts.
    same = sovkg("diff", "dist/current", "worktree", cwd=project_copy.root)
    assert same.returncode == 0 and same.stdout.startswith("No differences"), same.stdout + same.stderr


@pytest.mark.parametrize("spec", ["no-such-revision", "kg"])
def test_unknown_version_exits_2_naming_it(project_copy: Project, sovkg: Runner, spec: str) -> None:
    commit_all(project_copy.root, "base")
    done = sovkg("diff", spec, "worktree", cwd=project_copy.root)
    assert done.returncode == 2
    assert spec in done.stderr and done.stdout == ""
    if spec == "kg":
        assert "asserted.nt" in done.stderr


def test_malformed_turtle_in_a_revision_names_its_file(project_copy: Project, sovkg: Runner) -> None:
    commit_all(project_copy.root, "base")
    with (project_copy.kg / "countries" / "dk.ttl").open("a", encoding="utf-8") as file:
        file.write("\n:Broken a ;\n")
    commit_all(project_copy.root, "broken")
    done = sovkg("diff", "HEAD~1", "HEAD", cwd=project_copy.root)
    assert done.returncode == 2
    assert "HEAD:kg/countries/dk.ttl:" in done.stderr and "malformed Turtle" in done.stderr


def test_json_has_the_counts(project_copy: Project, sovkg: Runner) -> None:
    commit_all(project_copy.root, "base")
    edit(project_copy, "kg/countries/dk.ttl", "sov:quantity 1528 ;", "sov:quantity 1600 ;")
    with (project_copy.kg / "countries" / "dk.ttl").open("a", encoding="utf-8") as file:
        file.write(NEW_ENTITY)
    done = sovkg("diff", "HEAD", "worktree", "--format", "json", cwd=project_copy.root)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["summary"] == {"entities_changed": 2, "facts_added": 4, "facts_removed": 0, "facts_changed": 1}
    entities = {e["name"]: e for e in document["entities"]}
    assert entities[":Gefion-status-2026"]["status"] == "new"
    assert entities[":Gefion-chips"]["changes"] == [
        {"change": "changed", "property": "sov:quantity", "property_iri": "https://w3id.org/sovkg/ontology#quantity",
         "old": "1528", "new": "1600"}]


def test_removed_entity_is_marked_removed(project_copy: Project) -> None:
    old = load_facts(project_copy, "worktree")
    chips = "https://w3id.org/sovkg/id/Gefion-chips"
    new = [t for t in old if t.subject.value != chips]
    result = diff(old, new)
    [entity] = [e for e in result.entities if e.iri == chips]
    assert entity.status == "removed"
    assert {c.kind for c in entity.changes} == {"-"}
    assert entity.heading() == ':Gefion-chips "Gefion: 1,528 Nvidia H100 GPUs" (removed)'
