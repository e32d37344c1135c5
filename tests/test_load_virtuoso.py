"""`sovkg load` and `sovkg query` against a real Virtuoso Open Source 7, started privately on
loopback with a fresh database, its dba password changed and a dedicated update user.

What Virtuoso does differently, each proven here: updates only with digest authentication at
/sparql-auth; its Graph Store endpoint takes ``graph-uri``; INSERT DATA fails above roughly a
thousand triples; answers are cut at ResultSetMaxRows (announced only in X-SPARQL-MaxRows); an
"anytime" timeout answers HTTP 200 with partial rows (flagged only in X-SQL-State); and uploads are
not atomic, so sovkg loads a temporary graph and moves it into place.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from sovkg.errors import EXIT_ENDPOINT, EXIT_OK, EndpointError
from sovkg.project import Project
from sovkg.queries.library import Library
from sovkg.queries.remote import RemoteEngine
from sovkg.queries.run import run_stored
from sovkg.store.endpoint import Credentials, Endpoint
from sovkg.store.load import Loader, read_build

from .conftest import ROOT, Runner
from .support.faulty_proxy import FaultyProxy
from .support.virtuoso import Virtuoso, installed

USER, SECRET, DBA_SECRET = "sovkg_loader", "l0ad-Secret-7731", "dba-Secret-5519"
GRAPHS = ("ontology", "asserted", "inferred")
PREFIX = "https://w3id.org/sovkg/graph/"

if not installed():
    if os.environ.get("CI"):
        pytest.fail("Virtuoso is not installed: .ci/run must install virtuoso-opensource-7-bin", pytrace=False)
    pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource-7-bin)", allow_module_level=True)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"), max_rows=1000).start()
    try:
        server.provision(DBA_SECRET, USER, SECRET)
        yield server
    finally:
        server.stop()


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {"SOVKG_ENDPOINT_USER": USER, "SOVKG_ENDPOINT_PASSWORD": SECRET}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _counts(project: Project) -> dict[str, int]:
    triples = json.loads((project.dist / "current" / "build.json").read_text())["triples"]
    return {k: triples[k] for k in GRAPHS}


def _server_counts(server: Virtuoso) -> dict[str, int]:
    engine = RemoteEngine(server.url + "/sparql", graph_prefix=None)
    return {g: int(engine.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PREFIX}{g}> {{ ?s ?p ?o }} }}")
                   .rows[0][0].value) for g in GRAPHS}


def _load(project: Project, server: Virtuoso, sovkg: Runner, env: dict[str, str], *extra: str) -> None:
    done = sovkg("load", "--endpoint", server.url, *extra, cwd=project.root, env=env)
    assert done.returncode == EXIT_OK, done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_the_default_dba_password_was_changed_first(virtuoso: Virtuoso) -> None:
    assert virtuoso.default_password_refused()


def test_load_moves_verified_temporary_graphs_into_place(built_copy: Project, virtuoso: Virtuoso, sovkg: Runner,
                                                         credentials: dict[str, str]) -> None:
    done = sovkg("load", "--endpoint", virtuoso.url, cwd=built_copy.root, env=credentials)
    assert done.returncode == EXIT_OK, done.stderr
    assert "(virtuoso; temporary graph by graph store PUT, count check, then MOVE)" in done.stdout
    assert _server_counts(virtuoso) == _counts(built_copy)
    _load(built_copy, virtuoso, sovkg, credentials)
    assert _server_counts(virtuoso) == _counts(built_copy), "loading twice must not duplicate blank nodes"
    leftovers = RemoteEngine(virtuoso.url + "/sparql", graph_prefix=None).select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '-loading-')) }").rows
    assert leftovers == []


def test_every_stored_question_answers_as_on_the_embedded_store(built_copy: Project, virtuoso: Virtuoso,
                                                                  sovkg: Runner, credentials: dict[str, str]) -> None:
    _load(built_copy, virtuoso, sovkg, credentials)
    engine = RemoteEngine(virtuoso.url + "/sparql")
    differ = []
    for name in Library(ROOT / "queries").names():
        here, there = run_stored(built_copy, name), run_stored(built_copy, name, engine=engine)
        # the owners of the actors named (questions about control) are read from the engine too
        if sorted(map(str, here.records())) != sorted(map(str, there.records())) or here.parents != there.parents:
            differ.append(name)
    assert not differ, f"answers differ on Virtuoso: {differ}"


def test_updates_need_digest_authentication_at_sparql_auth(virtuoso: Virtuoso) -> None:
    insert = f"INSERT DATA {{ GRAPH <{PREFIX}probe> {{ <urn:a> <urn:b> <urn:c> }} }}"
    update = urllib.parse.urlencode({"update": insert})
    anonymous = urllib.request.Request(virtuoso.url + "/sparql", data=update.encode(), method="POST",
                                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(anonymous, timeout=30)
    assert refused.value.code in (401, 403, 500)
    basic = Endpoint(virtuoso.url + "/sparql-auth", "basic", credentials=Credentials(USER, SECRET))
    with pytest.raises(EndpointError, match="refused access"):
        basic.request("POST", virtuoso.url + "/sparql-auth", update.encode(),
                      {"Content-Type": "application/x-www-form-urlencoded"})
    digest = Endpoint(virtuoso.url + "/sparql-auth", "digest", credentials=Credentials(USER, SECRET))
    digest.request("POST", virtuoso.url + "/sparql-auth", update.encode(),
                   {"Content-Type": "application/x-www-form-urlencoded"})
    digest.request("POST", virtuoso.url + "/sparql-auth",
                   urllib.parse.urlencode({"update": f"DROP SILENT GRAPH <{PREFIX}probe>"}).encode(),
                   {"Content-Type": "application/x-www-form-urlencoded"})


def test_a_wrong_password_is_reported_without_the_secret(built_copy: Project, virtuoso: Virtuoso,
                                                         sovkg: Runner) -> None:
    wrong = "Not-The-Password-4242"
    done = sovkg("load", "--endpoint", virtuoso.url, cwd=built_copy.root,
                 env={"SOVKG_ENDPOINT_USER": USER, "SOVKG_ENDPOINT_PASSWORD": wrong})
    assert done.returncode == EXIT_ENDPOINT
    assert f"the password for user '{USER}' was not accepted" in done.stderr
    assert wrong not in done.stdout + done.stderr


def test_insert_data_is_sent_in_chunks_below_virtuosos_limit(built_copy: Project, virtuoso: Virtuoso,
                                                             credentials: dict[str, str]) -> None:
    plans = read_build(built_copy.dist / "current")
    assert max(p.count for p in plans) > 1500
    chunked = Loader(virtuoso.url + "/sparql", "generic", update_url=virtuoso.url + "/sparql-auth", auth="digest")
    chunked.load(plans)
    assert _server_counts(virtuoso) == _counts(built_copy)


def test_the_server_rejecting_data_midway_leaves_the_previous_graphs(built_copy: Project, virtuoso: Virtuoso,
                                                                     sovkg: Runner,
                                                                     credentials: dict[str, str]) -> None:
    _load(built_copy, virtuoso, sovkg, credentials)
    before = _server_counts(virtuoso)
    answer = sorted(map(str, run_stored(built_copy, "us-dependencies",
                                        engine=RemoteEngine(virtuoso.url + "/sparql")).records()))
    # One INSERT DATA per graph: the ontology graph (about 1,100 triples) passes, the asserted graph
    # (over 3,000) is more than Virtuoso takes in one request and is refused.
    oversized = Loader(virtuoso.url + "/sparql", "generic", update_url=virtuoso.url + "/sparql-auth",
                       auth="digest", chunk=100_000)
    with pytest.raises(EndpointError, match="failed with HTTP"):
        oversized.load(read_build(built_copy.dist / "current"))
    after = _server_counts(virtuoso)
    assert after["asserted"] == before["asserted"] and after["inferred"] == before["inferred"]
    assert sorted(map(str, run_stored(built_copy, "us-dependencies",
                                      engine=RemoteEngine(virtuoso.url + "/sparql")).records())) == answer


def test_a_connection_broken_midway_leaves_the_previous_graphs(built_copy: Project, virtuoso: Virtuoso,
                                                               sovkg: Runner, credentials: dict[str, str]) -> None:
    _load(built_copy, virtuoso, sovkg, credentials)
    before = _server_counts(virtuoso)
    with FaultyProxy(virtuoso.http_port, cut_request=1, cut_after=20_000, only=b"PUT ") as proxy:
        with pytest.raises(EndpointError):
            Loader(proxy.url, "virtuoso").load(read_build(built_copy.dist / "current"))
        assert proxy.cut
    assert _server_counts(virtuoso) == before


def test_an_answer_cut_at_the_row_limit_is_an_error(virtuoso: Virtuoso, built_copy: Project, sovkg: Runner,
                                                    credentials: dict[str, str]) -> None:
    _load(built_copy, virtuoso, sovkg, credentials)
    engine = RemoteEngine(virtuoso.url + "/sparql")
    assert len(engine.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 999").rows) == 999
    with pytest.raises(EndpointError, match="cut the answer at its limit of 1000 rows"):
        engine.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")


def test_a_partial_answer_after_a_timeout_is_an_error(virtuoso: Virtuoso, built_copy: Project, sovkg: Runner,
                                                      credentials: dict[str, str]) -> None:
    _load(built_copy, virtuoso, sovkg, credentials)
    engine = RemoteEngine(virtuoso.url + "/sparql", server_timeout_ms=200)
    # Two unrelated patterns: a cross product Virtuoso takes seconds to count, and answers with a
    # partial count and HTTP 200 once the 200 ms are up.
    expensive = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d }"
    with pytest.raises(EndpointError, match=r"returned an incomplete answer \(S1TAT"):
        engine.select(expensive)


def test_ask_answers_on_virtuoso(built_copy: Project, virtuoso: Virtuoso, sovkg: Runner,
                                 credentials: dict[str, str]) -> None:
    _load(built_copy, virtuoso, sovkg, credentials)
    engine = RemoteEngine(virtuoso.url + "/sparql")
    assert engine.select("ASK { ?s a <https://w3id.org/sovkg/ontology#State> }").rows[0][0].value == "true"
    assert engine.select("ASK { <urn:sovkg:nothing> ?p ?o }").rows[0][0].value == "false"
    done = sovkg("sparql", "-", "--endpoint", virtuoso.url + "/sparql", cwd=built_copy.root,
                 stdin="ASK { ?s a <https://w3id.org/sovkg/ontology#State> }")
    assert done.returncode == EXIT_OK and "true" in done.stdout, done.stderr


def test_redirects_and_size_limits_apply_to_virtuoso_too(built_copy: Project, virtuoso: Virtuoso,
                                                         sovkg: Runner, credentials: dict[str, str]) -> None:
    """The same Endpoint serves Virtuoso: a tiny size limit cuts its answer off, exit 3."""
    _load(built_copy, virtuoso, sovkg, credentials)
    done = sovkg("sparql", "-", "--endpoint", virtuoso.url + "/sparql", "--max-mb", "0.01", cwd=built_copy.root,
                 stdin="SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 900")
    assert done.returncode == EXIT_ENDPOINT and "larger than 0.01 MB" in done.stderr
    assert "Traceback" not in done.stderr
