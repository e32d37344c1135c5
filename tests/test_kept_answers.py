"""Answers kept with a build (``answers/``) are exactly what the store would answer, are read only
for the very query text they were kept for, and a build that cannot write them fails cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from sovkg.build.answers import keep_answers
from sovkg.errors import OutputError, QueryError
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine
from sovkg.queries.kept import kept_file, read_kept, read_kept_plain
from sovkg.queries.library import Library
from sovkg.queries.lookup import Resolver
from sovkg.queries.params import bind, with_values
from sovkg.queries.run import kept_view, run_stored
from sovkg.results.table import ResultTable
from sovkg.store.build import Build
from tests.conftest import ROOT, Runner


def _answerable(project: Project) -> list[str]:
    return [q.name for q in Library(project.queries).all() if not any(p.required for p in q.params)]


def _whole(table: ResultTable) -> tuple[object, ...]:
    return table.columns, table.rows, table.labels, table.parents, table.codes


def _same_as_the_store(project: Project) -> list[str]:
    """Check every question answerable without a parameter: the kept answer (and its labels,
    owners and codes) is the store's; the names of the questions whose answer was kept."""
    build = project.current_build()
    kept, live = EmbeddedEngine(build), EmbeddedEngine(build, kept=False)
    found = []
    for name in _answerable(project):
        try:
            from_store = run_stored(project, name, {}, live)
        except QueryError as refused:  # a default that names nothing in this graph: refused alike
            with pytest.raises(QueryError) as also:
                run_stored(project, name, {}, kept)
            assert str(also.value) == str(refused)
            continue
        assert _whole(run_stored(project, name, {}, kept)) == _whole(from_store), name
        query = Library(project.queries).get(name)
        bindings = bind(query, {}, Resolver.from_engine(live))
        if read_kept(build.answers, with_values(query.text, bindings)) is not None:
            found.append(name)
    return found


def test_every_kept_answer_of_the_seed_graph_is_the_stores(built: Project) -> None:
    kept = _same_as_the_store(built)
    # Every question with no parameter was answered at build time (not only those with rows).
    plain = [q.name for q in Library(built.queries).all() if not q.params]
    assert plain and set(plain) <= set(kept)


def test_every_kept_answer_of_a_generated_world_is_the_stores(tmp_path: Path, sovkg: Runner) -> None:
    world = tmp_path / "world"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "world.py"), "--triples", "6000",
                    "--out", str(world)], capture_output=True, text=True, check=True)
    assert sovkg("build", cwd=world).returncode == 0
    project = Project(world, world / "dist")
    kept = _same_as_the_store(project)
    assert "compute-accelerators" in kept and "investments-ranked" in kept


def test_an_edited_question_is_answered_from_the_store(built_copy: Project, sovkg: Runner) -> None:
    shown = sovkg("query", "investments-ranked", "--format", "csv", cwd=built_copy.root)
    assert shown.returncode == 0 and len(shown.stdout.splitlines()) > 3
    path = built_copy.queries / "investments-ranked.rq"
    path.write_text(path.read_text(encoding="utf-8").rstrip() + "\nLIMIT 2\n", encoding="utf-8")
    edited = sovkg("query", "investments-ranked", "--format", "csv", cwd=built_copy.root)
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.splitlines() == shown.stdout.splitlines()[:3]


def test_a_parameter_other_than_the_default_is_answered_from_the_store(built: Project) -> None:
    build = built.current_build()
    kept, live = EmbeddedEngine(build), EmbeddedEngine(build, kept=False)
    for country in ("FR", "CN"):
        params = {"country": country}
        expected = run_stored(built, "what-if-withdrawal", params, live)
        assert _whole(run_stored(built, "what-if-withdrawal", params, kept)) == _whole(expected)
    query = Library(built.queries).get("what-if-withdrawal")
    text = with_values(query.text, {"_country": ox.Literal("FR")})
    assert read_kept(build.answers, text) is None


def test_answers_that_cannot_be_written_fail_the_build_step(built: Project, tmp_path: Path) -> None:
    folder = tmp_path / "staging"
    folder.mkdir()
    (folder / "answers").write_text("not a folder")
    store = ox.Store()
    store.bulk_load(path=built.current_build().trig, format=ox.RdfFormat.TRIG)
    with pytest.raises(OutputError, match=r"cannot write .*answers"):
        keep_answers(built, store, Build(folder))


def test_a_build_without_answers_answers_the_same(built: Project, project_copy: Project, sovkg: Runner) -> None:
    done = sovkg("build", "--no-answers", cwd=project_copy.root)
    assert done.returncode == 0, done.stderr
    assert not project_copy.current_build().answers.exists()
    assert "answer" not in done.stdout.split("time:")[1]
    for name in ("investments-ranked", "what-if-withdrawal", "sovereignty-matrix"):
        kept = sovkg("query", name, "--format", "csv", cwd=built.root)
        assert sovkg("query", name, "--format", "csv", cwd=project_copy.root).stdout == kept.stdout
    # People's formats, drawn from the views the build kept, are those worked out from the answer.
    build = built.current_build()
    for name in _answerable(built):
        kept_whole = kept_view(built, name, {}, EmbeddedEngine(build)) is not None
        for options in (["--format", "table"], ["--format", "md", "--limit", "3"], ["--limit", "0"]):
            if options[-1] == "0" and name not in ("investments-ranked", "what-if-withdrawal", "sovereignty-matrix"):
                continue
            kept = sovkg("query", name, *options, cwd=built.root)
            worked_out = sovkg("query", name, *options, cwd=project_copy.root)
            assert (kept.returncode, kept.stdout, kept.stderr) == \
                (worked_out.returncode, worked_out.stdout, worked_out.stderr), (name, options, kept_whole)
    assert kept_view(built, "investments-ranked", {}, EmbeddedEngine(build)) is not None
    assert kept_view(built, "what-if-withdrawal", {"country": "FR"}, EmbeddedEngine(build)) is None


def test_a_question_asked_with_a_value_of_ones_own_is_kept_and_read_back(built_copy: Project,
                                                                          sovkg: Runner) -> None:
    """Asked once with a value that is not its default, a question's answer and its view are kept
    with the build; asked again, in any format, they are read back, without the store."""
    build = built_copy.current_build()
    before = set(build.answers.iterdir())
    asked = ("query", "what-if-withdrawal", "-p", "country=FR")
    table = sovkg(*asked, cwd=built_copy.root)
    csv = sovkg(*asked, "--format", "csv", cwd=built_copy.root)
    assert table.returncode == csv.returncode == 0, table.stderr + csv.stderr
    assert "Gefion supercomputer" in table.stdout and len(csv.stdout.splitlines()) > 3
    added = set(build.answers.iterdir()) - before
    assert any(path.name.endswith(".view.json") for path in added) and len(added) >= 3
    build.store.rename(build.store.with_name("store.away"))
    assert sovkg(*asked, cwd=built_copy.root).stdout == table.stdout
    assert sovkg(*asked, "--format", "csv", cwd=built_copy.root).stdout == csv.stdout
    other = sovkg("query", "what-if-withdrawal", "-p", "country=CN", cwd=built_copy.root)
    assert other.returncode != 0 and "no built store" in other.stderr


def test_an_answer_that_cannot_be_kept_is_given_all_the_same(built_copy: Project) -> None:
    build = built_copy.current_build()
    query = Library(built_copy.queries).get("what-if-withdrawal")
    text = with_values(query.text, {"_country": ox.Literal("FR")})
    kept_file(build.answers, text).with_suffix(f".{os.getpid()}.partial").mkdir()  # in the way of the write
    asked = run_stored(built_copy, "what-if-withdrawal", {"country": "FR"}, EmbeddedEngine(build, keep_asked=True))
    expected = run_stored(built_copy, "what-if-withdrawal", {"country": "FR"}, EmbeddedEngine(build, kept=False))
    assert asked.rows and _whole(asked) == _whole(expected)
    assert not kept_file(build.answers, text).exists()


def test_a_build_without_answers_keeps_none_when_asked(project_copy: Project, sovkg: Runner) -> None:
    assert sovkg("build", "--no-answers", cwd=project_copy.root).returncode == 0
    asked = sovkg("query", "what-if-withdrawal", "-p", "country=FR", cwd=project_copy.root)
    assert asked.returncode == 0 and "Gefion supercomputer" in asked.stdout
    assert not project_copy.current_build().answers.exists()


def test_sparql_and_the_python_api_keep_nothing(built_copy: Project, sovkg: Runner) -> None:
    import sovkg as api

    answers = built_copy.current_build().answers
    before = sorted(answers.iterdir())
    assert api.open(built_copy.root).query("what-if-withdrawal", country="FR").rows
    ad_hoc = built_copy.root / "states.rq"
    ad_hoc.write_text("SELECT ?s WHERE { ?s a <https://w3id.org/sovkg/ontology#State> }", encoding="utf-8")
    done = sovkg("sparql", str(ad_hoc), "--format", "csv", cwd=built_copy.root)
    assert done.returncode == 0 and len(done.stdout.splitlines()) > 20
    assert sorted(answers.iterdir()) == before


def test_a_question_whose_header_changed_is_not_shown_from_its_kept_view(built_copy: Project,
                                                                        sovkg: Runner) -> None:
    path = built_copy.queries / "investments-ranked.rq"
    text = path.read_text(encoding="utf-8")
    assert "amount: amount," in text
    path.write_text(text.replace("amount: amount,", "amount: sum pledged,"), encoding="utf-8")
    assert kept_view(built_copy, "investments-ranked", {}, EmbeddedEngine(built_copy.current_build())) is None
    shown = sovkg("query", "investments-ranked", "--format", "md", cwd=built_copy.root)
    assert shown.returncode == 0, shown.stderr
    header = shown.stdout.splitlines()[0]
    assert "| sum pledged |" in header and "| amount |" not in header


def test_an_answer_file_left_empty_is_not_taken_for_an_answer(built_copy: Project, sovkg: Runner) -> None:
    build = built_copy.current_build()
    query = Library(built_copy.queries).get("investments-ranked")
    path = kept_file(build.answers, with_values(query.text, {}))
    assert path.is_file()
    path.write_bytes(b"")
    shown = sovkg("query", "investments-ranked", "--format", "csv", cwd=built_copy.root)
    assert shown.returncode == 0, shown.stderr
    expected = run_stored(built_copy, "investments-ranked", {}, EmbeddedEngine(build, kept=False))
    assert len(shown.stdout.splitlines()) == len(expected.rows) + 1 > 3


def test_a_kept_answer_reads_back_every_kind_of_term(tmp_path: Path) -> None:
    store = ox.Store()
    store.load(b'''@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a ex:says "plain", "tab\\there\\nand a \\"quote\\"", "Souverainet\\u00e9"@fr, "Data"@en-GB,
                     "1.50"^^xsd:decimal, "2024-05-01"^^xsd:date, "true"^^xsd:boolean, ex:b .
        ex:b ex:says "only b" .''', ox.RdfFormat.TURTLE)
    text = ("SELECT ?s ?o ?other WHERE { ?s <http://example.org/says> ?o "
            "OPTIONAL { ?o <http://example.org/says> ?other } } ORDER BY ?s ?o")
    expected = ResultTable(*[[v.value for v in store.query(text).variables],
                             [list(s) for s in store.query(text)]])
    kept = EmbeddedEngine(store, keep_into=tmp_path).select(text)
    assert (kept.columns, kept.rows) == (expected.columns, expected.rows)
    assert len(kept.rows) == 9 and any(row[2] is None for row in kept.rows)
    assert read_kept(tmp_path, text) == (expected.columns, expected.rows)
    # read as texts (as the labels of a long answer are): IRIs as text, literals with their language
    plain = [[cell.value if isinstance(cell, ox.NamedNode) else None if cell is None else
              (cell.value, cell.language) for cell in row] for row in expected.rows]
    assert read_kept_plain(tmp_path, text) == (expected.columns, plain)
    assert {("Souverainet\u00e9", "fr"), ("plain", None)} <= {row[1] for row in plain}
    # a blank node's name holds only in the store that gave it: such an answer is not kept
    blank = "SELECT ?b WHERE { BIND (BNODE() AS ?b) }"
    assert len(EmbeddedEngine(store, keep_into=tmp_path).select(blank).rows) == 1
    assert read_kept(tmp_path, blank) is None and not kept_file(tmp_path, blank).exists()


def test_a_question_asked_with_its_defaults_reads_only_kept_answers(built: Project) -> None:
    """Every SELECT a default question takes (the question, its labels, its owners, its name
    lookups) is found among the kept answers, in the very text the build kept it under."""
    build = built.current_build()
    missed: list[str] = []

    class Watching(EmbeddedEngine):
        def select(self, text: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
                   origin: str = "query") -> ResultTable:
            if not kept_file(build.answers, with_values(text, bindings or {})).is_file():
                missed.append(f"{origin}: {text[:80]}")
            return super().select(text, bindings, origin)

    engine = Watching(build)
    for name in ("investments-ranked", "what-if-withdrawal", "sovereignty-matrix", "us-dependencies"):
        assert run_stored(built, name, {}, engine).rows, name
    assert missed == []
