"""`sovkg queries`, `sovkg query` and `sovkg sparql`: formats, errors, and parameters that cannot
inject anything."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from sovkg.errors import EXIT_INPUT, EXIT_OK, QueryError
from sovkg.project import Project
from sovkg.queries.library import Library, load_query
from sovkg.queries.params import bind, with_values
from sovkg.queries.remote import RemoteEngine
from sovkg.queries.run import run_stored
from sovkg.store.oxigraph_server import OxigraphServer, load_files

from .conftest import ROOT, Runner

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
INJECTIONS = ['US" } ; DROP ALL ; #', "<http://x> } INSERT { <http://x> <http://x> <http://x> } WHERE {",
              "US' } ; CLEAR DEFAULT ; #", "x\" . ?s ?p ?o } #"]


def test_every_stored_query_parses_and_has_a_header() -> None:
    names = Library(ROOT / "queries").names()
    assert "us-dependencies" in names
    for name in names:
        query = load_query(ROOT / "queries" / f"{name}.rq")
        assert query.summary and len(query.summary) > 15, name
        assert query.description, f"{name} has no description"
        for param in query.params:
            assert param.description, f"{name}: parameter {param.name} has no description"


def test_queries_lists_names_and_summaries(built: Project, sovkg: Runner) -> None:
    done = sovkg("queries", cwd=built.root)
    assert done.returncode == EXIT_OK
    for query in Library(built.queries).all():
        assert query.name in done.stdout and query.summary in done.stdout


def test_table_shows_labels_and_json_keeps_iris_and_labels(built: Project, sovkg: Runner) -> None:
    table = sovkg("query", "us-dependencies", cwd=built.root)
    assert "Gefion supercomputer" in table.stdout and "https://" not in table.stdout
    done = sovkg("query", "us-dependencies", "--format", "json", cwd=built.root)
    bindings = json.loads(done.stdout)["results"]["bindings"]
    gefion = next(b for b in bindings if b["project"]["value"].endswith("/Gefion"))
    assert gefion["project"] == {"type": "uri", "value": "https://w3id.org/sovkg/id/Gefion",
                                 "label": "Gefion supercomputer"}
    csv_text = sovkg("query", "us-dependencies", "--format", "csv", cwd=built.root).stdout
    assert csv_text.splitlines()[0] == "country,project,usActors"
    markdown = sovkg("query", "us-dependencies", "--format", "md", cwd=built.root).stdout
    assert markdown.startswith("| country | project | U.S. actors depended on |")


def test_unknown_query_suggests_the_closest(built: Project, sovkg: Runner) -> None:
    done = sovkg("query", "us-dependencis", cwd=built.root)
    assert done.returncode == EXIT_INPUT
    assert "no stored query named 'us-dependencis'; did you mean us-dependencies" in done.stderr


def test_unknown_parameter_is_refused(built: Project, sovkg: Runner) -> None:
    done = sovkg("query", "us-dependencies", "-p", "country=FR", cwd=built.root)
    assert done.returncode == EXIT_INPUT
    assert "has no parameter 'country'" in done.stderr


def test_missing_required_parameter_names_it_with_an_example(tmp_path: Path) -> None:
    path = tmp_path / "needs-country.rq"
    path.write_text("#+ summary: Everything about a country, by its code\n"
                    "#+ params:\n#+   - country: {kind: country, description: the ISO code}\n"
                    "#+ example: sovkg query needs-country -p country=FR\n"
                    "SELECT ?s WHERE { ?s <https://w3id.org/sovkg/ontology#isoCode> ?_country }\n")
    with pytest.raises(QueryError, match=r"needs the parameter 'country' \(the ISO code\); "
                                         r"for example: sovkg query needs-country -p country=FR"):
        bind(load_query(path), {})


def test_a_value_of_the_wrong_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "needs-country.rq"
    path.write_text("#+ summary: Everything about a country, by its code\n"
                    "#+ params:\n#+   - country: {kind: country, default: US, description: the ISO code}\n"
                    "SELECT ?s WHERE { ?s <https://w3id.org/sovkg/ontology#isoCode> ?_country }\n")
    query = load_query(path)
    with pytest.raises(QueryError, match="takes an ISO 3166-1 alpha-2 country code"):
        bind(query, {"country": "https://w3id.org/sovkg/id/US"})
    assert bind(query, {"country": "fr"}) == {"_country": ox.Literal("FR")}


def test_malformed_query_file_gives_file_and_line(tmp_path: Path, built: Project, sovkg: Runner) -> None:
    broken = tmp_path / "broken.rq"
    broken.write_text("#+ summary: A query with a syntax error on line four\n"
                      "SELECT ?s\nWHERE {\n  ?s ?p \n}\n")
    with pytest.raises(QueryError, match=r"broken.rq:5:2: malformed SPARQL"):
        load_query(broken)
    done = sovkg("sparql", str(broken), cwd=built.root)
    assert done.returncode == EXIT_INPUT and "malformed SPARQL" in done.stderr


def test_malformed_header_gives_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "bad-header.rq"
    broken.write_text("#+ summary: fine\n#+ params: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match=r"bad-header.rq:\d+: malformed '#\+' header"):
        load_query(broken)


def test_sparql_reads_standard_input(built: Project, sovkg: Runner) -> None:
    text = ('SELECT ?code WHERE { ?s <https://w3id.org/sovkg/ontology#isoCode> ?code '
            'FILTER(?code IN ("DK", "FR")) } ORDER BY ?code')
    done = sovkg("sparql", "-", "--format", "csv", cwd=built.root, stdin=text)
    assert done.returncode == EXIT_OK
    assert done.stdout.splitlines() == ["code", "DK", "FR"]


LABELS = ("SELECT DISTINCT (STR(?label) AS ?name) WHERE { ?thing <http://www.w3.org/2000/01/rdf-schema#label> "
          "?label } ORDER BY ?name")


def test_a_long_table_shows_its_first_rows_and_says_how_many_more(built: Project, sovkg: Runner) -> None:
    every = sovkg("sparql", "-", "--format", "csv", cwd=built.root, stdin=LABELS)
    assert every.returncode == EXIT_OK
    total = len(every.stdout.splitlines()) - 1  # csv holds the whole answer, whatever the limit
    assert total > 100
    table = sovkg("sparql", "-", cwd=built.root, stdin=LABELS, env={"COLUMNS": "200"})
    assert table.returncode == EXIT_OK
    assert f"(the first 100 of {total:,} rows" in table.stdout
    assert f"{total - 100:,} more row(s) not shown here: --limit 0 shows every row" in table.stdout
    names = [row[0] for row in csv.reader(io.StringIO(every.stdout))][1:]
    shown = table.stdout.split("(the first")[0].splitlines()
    assert [line.strip() for line in shown[2:]] == names[:100]
    whole = sovkg("sparql", "-", "--limit", "0", cwd=built.root, stdin=LABELS, env={"COLUMNS": "200"})
    assert f"({total:,} rows; long cells wrap, nothing is cut)" in whole.stdout
    assert "not shown" not in whole.stdout
    markdown = sovkg("sparql", "-", "--format", "md", cwd=built.root, stdin=LABELS)
    assert len([line for line in markdown.stdout.splitlines() if line.startswith("| ")]) == total + 1


def test_limit_shortens_a_stored_answer_and_says_so(built: Project, sovkg: Runner) -> None:
    whole = run_stored(built, "actors-by-role")
    done = sovkg("query", "actors-by-role", "--limit", "5", cwd=built.root, env={"COLUMNS": "200"})
    assert done.returncode == EXIT_OK
    assert f"(the first 5 of {len(whole.view().rows)} rows" in done.stdout
    paths = sovkg("query", "us-dependencies", "--paths", "--limit", "1", cwd=built.root, env={"COLUMNS": "200"})
    assert "(the paths of the first 1 entities of the answer: --limit 0 shows every one)" in paths.stdout
    assert paths.stdout.count(" → United States:") == 1
    assert sovkg("query", "us-dependencies", "--paths", cwd=built.root).stdout.count(" → United States:") > 1
    refused = sovkg("query", "actors-by-role", "--limit", "-1", cwd=built.root)
    assert refused.returncode == EXIT_INPUT and "Traceback" not in refused.stderr


def test_paths_on_an_endpoint_are_refused_before_the_question_is_asked(built: Project, sovkg: Runner) -> None:
    # Nothing listens on port 9 of the loopback: the refusal must come before any connection.
    done = sovkg("query", "us-dependencies", "--paths", "--endpoint", "http://127.0.0.1:9/sparql", cwd=built.root)
    assert done.returncode == EXIT_INPUT, done.stderr
    assert done.stderr.strip() == ("sovkg: error: --paths needs the embedded store: the paths are searched in "
                                   "the build, not on an endpoint")
    assert done.stdout == ""


def _injection_query(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "by-label.rq"
    path.write_text("#+ summary: States whose English label is the given text\n"
                    "#+ params:\n#+   - name: {kind: string, default: France, description: a label}\n"
                    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "SELECT ?state WHERE { ?state rdfs:label ?label FILTER(STR(?label) = ?_name) }\n")
    return path


@pytest.mark.parametrize("value", INJECTIONS)
def test_injected_text_changes_nothing_on_the_embedded_store(built_copy: Project, value: str) -> None:
    _injection_query(built_copy.queries)
    store = ox.Store.read_only(str(built_copy.store))
    before = next(iter(store.query(COUNT)))["n"]
    del store
    assert run_stored(built_copy, "by-label", {"name": "France"}).rows
    assert run_stored(built_copy, "by-label", {"name": value}).rows == []
    with pytest.raises(QueryError):
        run_stored(built_copy, "us-dependencies", {"country": value})
    store = ox.Store.read_only(str(built_copy.store))
    assert next(iter(store.query(COUNT)))["n"] == before


@pytest.mark.parametrize("value", INJECTIONS)
def test_injected_text_changes_nothing_on_a_writable_server(built_copy: Project, tmp_path: Path, value: str) -> None:
    _injection_query(built_copy.queries)
    load_files(tmp_path / "db", (built_copy.dist / "current" / "sovkg.trig").resolve())
    with OxigraphServer(tmp_path / "db") as server:
        engine = RemoteEngine(server.query_url)
        before = engine.select(COUNT).rows[0][0].value
        assert run_stored(built_copy, "by-label", {"name": value}, engine=engine).rows == []
        assert engine.select(COUNT).rows[0][0].value == before
        assert run_stored(built_copy, "by-label", {"name": "France"}, engine=engine).rows


def test_values_block_opens_the_outer_where_group_with_escaped_terms() -> None:
    text = "# WHERE { in a comment\nSELECT ?s WHERE { ?s ?p ?_name }"
    out = with_values(text, {"_name": ox.Literal('a" } DROP ALL #')})
    assert out.startswith("# WHERE { in a comment\nSELECT ?s WHERE {\n  VALUES (?_name) { (\"a\\\" } DROP ALL #\") }")
    ox.Store().query(out)


def test_regression_a_comment_mentioning_an_update_keyword_is_still_sent_as_a_query(built: Project,
                                                                                     tmp_path: Path) -> None:
    # SPARQLWrapper guessed the form from the whole text and sent such queries as updates.
    text = ("#+ summary: Facts to clear or insert or delete later, and to load again\n"
            "# DELETE and INSERT in a comment, CLEAR too\n"
            "SELECT ?code WHERE { ?s <https://w3id.org/sovkg/ontology#isoCode> ?code } ORDER BY ?code LIMIT 1\n")
    load_files(tmp_path / "db", (built.dist / "current" / "sovkg.trig").resolve())
    with OxigraphServer(tmp_path / "db") as server:
        table = RemoteEngine(server.query_url).select(text)
    assert table.values("code") == ["AE"]


def test_docs_list_every_question_with_its_current_answer(built: Project, sovkg: Runner, tmp_path: Path) -> None:
    page = tmp_path / "queries.md"
    done = sovkg("docs", "--output", str(page), cwd=built.root)
    assert done.returncode == EXIT_OK, done.stderr
    text = page.read_text()
    for query in Library(built.queries).all():
        assert f"## {query.name}\n\n{query.summary}" in text
    assert "| Gefion supercomputer |" in text or "Gefion supercomputer" in text
    committed = ROOT / "docs" / "queries.md"
    assert committed.read_text() == text, "docs/queries.md is stale: run 'sovkg build && sovkg docs'"
