"""Source texts live in several folders, all searched; quotes that cannot be checked are said so loudly.

Regression tests for the walk-through's step 2: a `sources/` folder inside a project used to hide
the texts beside it (all 386 quotes then failed), and with no folder at all `sovkg build` printed
"quotes verified: 0" without a word of warning.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sovkg.errors import EXIT_OK, EXIT_VIOLATIONS
from sovkg.project import Project

from .conftest import FIXTURES, Runner, source_texts

WALK = FIXTURES / "walkthrough"


def with_freedonia(project: Project, runner: Runner) -> Project:
    assert runner("new-country", "XF", "--name", "Freedonia", cwd=project.root).returncode == EXIT_OK
    scaffold = project.kg / "countries" / "xf.ttl"
    scaffold.write_text(scaffold.read_text() + "\n" + (WALK / "source.ttl").read_text() + """
:FreedoniaFact a sov:Company ; rdfs:label "Freedonia fact"@en ; sov:headquarteredIn :XF ;
    sov:hasEvidence [ sov:source :src-xf-plan ;
        sov:quote "Fredville Compute Ltd is a state-owned company of Freedonia" ] .
""")
    return project


def test_every_folder_is_listed_in_order(tmp_path: Path, monkeypatch: object) -> None:
    root = tmp_path / "project"
    for folder in ("a", "b", "project/sources", "shared/sources"):
        (tmp_path / folder).mkdir(parents=True)
    monkeypatch.setenv("SOVKG_SOURCES", os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b"),  # type: ignore[attr-defined]
                                                         str(tmp_path / "missing")]))
    assert Project(root, root / "dist").sources == [tmp_path / "a", tmp_path / "b", root / "sources",
                                                    tmp_path / "shared" / "sources"]


def test_a_sources_folder_in_the_project_no_longer_hides_the_texts_beside_it(
        project_copy: Project, sovkg: Runner) -> None:
    project = with_freedonia(project_copy, sovkg)
    beside = project.root.parent / "shared" / "sources"
    beside.parent.mkdir()
    if (project.root / "sources").exists():  # the real texts, where this checkout has them
        shutil.move(project.root / "sources", beside)
    else:
        beside.mkdir()
    (project.root / "sources").mkdir()
    shutil.copy(WALK / "freedonia-ai-plan.txt", project.root / "sources")  # step 2 of the walk-through
    done = sovkg("build", cwd=project.root)
    assert done.returncode == EXIT_OK, done.stderr
    checked = int(done.stdout.split("quotes verified: ")[1].split()[0])
    if source_texts() is not None:  # the full check: every seed quote and Freedonia's
        assert checked > 380 and "WARNING" not in done.stderr
    else:  # the Freedonia quote is checked; the others are named as not checked, with the fix
        assert checked == 1
        assert "WARNING:" in done.stderr and "004_63c922d1424f645c.txt" in done.stderr
    # A wrong quote is still caught in the project's own folder.
    scaffold = project.kg / "countries" / "xf.ttl"
    scaffold.write_text(scaffold.read_text().replace("a state-owned company", "a privately owned company"))
    wrong = sovkg("validate", cwd=project.root)
    assert wrong.returncode == EXIT_VIOLATIONS
    assert "quote does not occur in freedonia-ai-plan.txt" in wrong.stdout


def test_sovkg_sources_holds_several_folders(project_copy: Project, sovkg: Runner, tmp_path: Path) -> None:
    project = with_freedonia(project_copy, sovkg)
    shutil.rmtree(project.root / "sources", ignore_errors=True)
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    shutil.copy(WALK / "freedonia-ai-plan.txt", mine)
    if source_texts() is not None:
        shutil.copytree(source_texts(), theirs)
    else:
        theirs.mkdir()
    done = sovkg("validate", cwd=project.root, env={"SOVKG_SOURCES": os.pathsep.join([str(mine), str(theirs)])})
    assert done.returncode == EXIT_OK, done.stdout
    assert ("WARNING" in done.stdout) == (source_texts() is None)


def test_without_any_sources_folder_the_build_warns_and_says_how_to_fix_it(project_copy: Project,
                                                                          sovkg: Runner) -> None:
    shutil.rmtree(project_copy.root / "sources", ignore_errors=True)
    done = sovkg("build", cwd=project_copy.root)
    assert done.returncode == EXIT_OK  # unchecked is not wrong; the build goes on, loudly
    assert "quotes verified: 0" in done.stdout
    assert "WARNING: 386 quote(s) were NOT checked" in done.stderr or "quote(s) were NOT checked" in done.stderr
    assert "are in none of the sources folders searched (none found)" in done.stderr
    assert "put those texts in sources/ or set SOVKG_SOURCES" in done.stderr
