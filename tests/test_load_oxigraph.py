"""`sovkg load` into a real Oxigraph server started on loopback, and `sovkg serve`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sovkg.errors import EXIT_ENDPOINT, EXIT_INPUT, EXIT_OK, EndpointError
from sovkg.project import Project
from sovkg.queries.remote import RemoteEngine
from sovkg.queries.run import run_stored
from sovkg.store.load import Loader, read_build
from sovkg.store.oxigraph_server import OxigraphServer, free_port

from .conftest import Runner
from .support.faulty_proxy import FaultyProxy

GRAPHS = ("ontology", "asserted", "inferred")
PREFIX = "https://w3id.org/sovkg/graph/"


def _counts(project: Project) -> dict[str, int]:
    return {k: v for k, v in json.loads((project.dist / "current" / "build.json").read_text())["triples"].items()
            if k in GRAPHS}


def _server_counts(server: OxigraphServer, prefix: str = PREFIX) -> dict[str, int]:
    engine = RemoteEngine(server.query_url, graph_prefix=None)
    return {name: int(engine.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{prefix}{name}> {{ ?s ?p ?o }} }}")
                      .rows[0][0].value) for name in GRAPHS}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    with OxigraphServer(tmp_path / "oxigraph", union_default_graph=False) as running:
        yield running


def _add_fact(project: Project) -> None:
    extra = project.kg / "countries" / "dk.ttl"
    extra.write_text(extra.read_text().replace('sov:locationText "Copenhagen" ;',
                                               'sov:locationText "Copenhagen" ;\n    rdfs:comment "second build" ;'))


def test_load_puts_three_graphs_with_the_counts_sent(built_copy: Project, server: OxigraphServer,
                                                     sovkg: Runner) -> None:
    done = sovkg("load", "--endpoint", server.url, cwd=built_copy.root)
    assert done.returncode == EXIT_OK, done.stderr
    assert "oxigraph; graph store PUT (atomic)" in done.stdout
    assert _server_counts(server) == _counts(built_copy)
    again = sovkg("load", "--endpoint", server.url, cwd=built_copy.root)
    assert again.returncode == EXIT_OK
    assert _server_counts(server) == _counts(built_copy), "loading twice must not duplicate anything"


def test_queries_answer_the_same_on_the_server(built_copy: Project, server: OxigraphServer, sovkg: Runner) -> None:
    assert sovkg("load", "--endpoint", server.url, cwd=built_copy.root).returncode == EXIT_OK
    for name, params in (("us-dependencies", {}), ("dependencies-on-country", {"country": "FR"})):
        embedded = run_stored(built_copy, name, params)
        remote = run_stored(built_copy, name, params, engine=RemoteEngine(server.query_url))
        assert sorted(map(str, embedded.records())) == sorted(map(str, remote.records()))
    done = sovkg("query", "us-dependencies", "--endpoint", server.query_url, cwd=built_copy.root)
    assert done.returncode == EXIT_OK and "Gefion supercomputer" in done.stdout


def test_graph_prefix_names_the_graphs(built_copy: Project, server: OxigraphServer, sovkg: Runner) -> None:
    prefix = "https://example.org/sovkg/v1/"
    done = sovkg("load", "--endpoint", server.url, "--graph-prefix", prefix, cwd=built_copy.root)
    assert done.returncode == EXIT_OK, done.stderr
    assert _server_counts(server, prefix) == _counts(built_copy)
    assert _server_counts(server) == dict.fromkeys(GRAPHS, 0)
    # query and sparql take the same --graph-prefix as load, so they find the graphs loaded under it.
    found = sovkg("query", "us-dependencies", "--endpoint", server.query_url, "--graph-prefix", prefix,
                  cwd=built_copy.root)
    assert found.returncode == EXIT_OK and "Gefion supercomputer" in found.stdout, found.stderr
    bad = sovkg("load", "--endpoint", server.url, "--graph-prefix", "not an iri", cwd=built_copy.root)
    assert bad.returncode == EXIT_INPUT and "--graph-prefix must be an absolute" in bad.stderr


def test_dry_run_writes_nothing(built_copy: Project, server: OxigraphServer, sovkg: Runner) -> None:
    done = sovkg("load", "--endpoint", server.url, "--dry-run", cwd=built_copy.root)
    assert done.returncode == EXIT_OK and done.stdout.startswith("Would load")
    assert _server_counts(server) == dict.fromkeys(GRAPHS, 0)


def test_endpoint_down_is_a_clear_error(built_copy: Project, sovkg: Runner) -> None:
    done = sovkg("load", "--endpoint", f"http://127.0.0.1:{free_port()}", cwd=built_copy.root)
    assert done.returncode == EXIT_ENDPOINT
    assert "cannot reach http://127.0.0.1:" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("kind", ["oxigraph", "generic"])
def test_a_connection_broken_midway_leaves_the_previous_graphs(built_copy: Project, server: OxigraphServer,
                                                               sovkg: Runner, kind: str) -> None:
    assert sovkg("load", "--endpoint", server.url, cwd=built_copy.root).returncode == EXIT_OK
    before = _server_counts(server)
    answer = sorted(map(str, run_stored(built_copy, "us-dependencies",
                                        engine=RemoteEngine(server.query_url)).records()))
    _add_fact(built_copy)
    assert sovkg("build", cwd=built_copy.root).returncode == EXIT_OK
    plans = read_build(built_copy.dist / "current")
    # Each request is one connection: 1 is the probe; then oxigraph's 2 is the PUT of the ontology
    # graph, and generic's 2 drops a stale temporary graph and 3 sends its first INSERT DATA chunk.
    with FaultyProxy(server.port, cut_request=2 if kind == "oxigraph" else 3, cut_after=4096) as proxy:
        if kind == "oxigraph":
            loader = Loader(proxy.url, "oxigraph")
        else:
            loader = Loader(proxy.url + "/query", "generic", update_url=proxy.url + "/update")
        with pytest.raises(EndpointError):
            loader.load(plans)
        assert proxy.cut
    assert _server_counts(server) == before
    engine = RemoteEngine(server.query_url, graph_prefix=None)
    leftovers = engine.select("SELECT ?g WHERE { GRAPH ?g { } FILTER(CONTAINS(STR(?g), '-loading-')) }").rows
    assert leftovers == [], "a failed load must not leave its temporary graph behind"
    assert sorted(map(str, run_stored(built_copy, "us-dependencies",
                                      engine=RemoteEngine(server.query_url)).records())) == answer


def test_a_query_that_times_out_is_an_error_not_an_empty_answer(built: Project, tmp_path: Path) -> None:
    from sovkg.store.oxigraph_server import load_files

    load_files(tmp_path / "db", (built.dist / "current" / "sovkg.trig").resolve())
    with OxigraphServer(tmp_path / "db", timeout_s=1) as slow:
        engine = RemoteEngine(slow.query_url)
        expensive = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
        with pytest.raises(EndpointError):
            engine.select(expensive)


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--virtual-time-budget=5000"]


def _page_renders_its_query_editor(url: str, screenshot: Path) -> None:
    """Open the query page in a real browser: its SPARQL editor and result pane must render."""
    import shutil
    import tempfile

    browser = shutil.which("chromium")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: the test command installs it", pytrace=False)
        pytest.skip("chromium is not installed (Debian package chromium)")
    with tempfile.TemporaryDirectory() as profile:
        flags = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run([*flags, "--dump-dom", url], capture_output=True, text=True, timeout=90)
        subprocess.run([*flags, f"--screenshot={screenshot}", "--window-size=1200,800", url],
                       capture_output=True, timeout=90)
    assert dom.returncode == 0, dom.stderr[-500:]
    for part in ('class="yasqe', 'class="yasr', "yasqe_query"):
        assert part in dom.stdout, f"the query page lacks {part}"
    assert screenshot.stat().st_size > 10_000


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.status, answer.read().decode()


def test_serve_answers_read_only_on_loopback_and_stops(built_copy: Project) -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sovkg", "serve", "--port", str(port)], cwd=built_copy.root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")})
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, page = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, process.stderr.read()
                time.sleep(0.2)
        assert status == 200 and "<html" in page.lower()
        _page_renders_its_query_editor(f"http://127.0.0.1:{port}/", built_copy.root / "page.png")
        table = run_stored(built_copy, "us-dependencies",
                           engine=RemoteEngine(f"http://127.0.0.1:{port}/query", graph_prefix=None))
        assert "Gefion supercomputer" in table.values("project")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/update", data=b"update=CLEAR ALL",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=5)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


def test_serve_on_any_free_port_names_the_port_it_took(built_copy: Project) -> None:
    """``--port 0``: the line printed at once (to a pipe, not a terminal) gives the port to use."""
    process = subprocess.Popen([sys.executable, "-m", "sovkg", "serve", "--port", "0"], cwd=built_copy.root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")})
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        assert port != 0, line
        status, _ = _get(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
        assert status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 128 + signal.SIGTERM


@pytest.mark.parametrize(("args", "refusal"), [
    (["--host", "0.0.0.0", "--writable", "--location", "db"], "refusing a writable server on 0.0.0.0"),
    (["--cors"], "refusing permissive CORS"),
    (["--writable"], "--writable needs --location DIR"),
])
def test_serve_refuses_unsafe_setups(built_copy: Project, sovkg: Runner, args: list[str], refusal: str) -> None:
    done = sovkg("serve", "--port", str(free_port()), *args, cwd=built_copy.root, timeout=20)
    assert done.returncode == EXIT_INPUT and refusal in done.stderr


def test_basic_authentication_with_credentials_from_the_environment(built_copy: Project, server: OxigraphServer,
                                                                    sovkg: Runner) -> None:
    from .support.basic_auth_gateway import BasicAuthGateway

    secret = "Basic-Secret-9081"
    with BasicAuthGateway(server.url, "loader", secret) as gateway:
        refused = sovkg("load", "--endpoint", gateway.url, "--store", "oxigraph", cwd=built_copy.root)
        assert refused.returncode == EXIT_ENDPOINT and "no credentials were given" in refused.stderr
        wrong = sovkg("load", "--endpoint", gateway.url, "--store", "oxigraph", cwd=built_copy.root,
                      env={"SOVKG_ENDPOINT_USER": "loader", "SOVKG_ENDPOINT_PASSWORD": "not-it-77"})
        assert wrong.returncode == EXIT_ENDPOINT and "the password for user 'loader' was not accepted" in wrong.stderr
        assert "not-it-77" not in wrong.stdout + wrong.stderr
        done = sovkg("load", "--endpoint", gateway.url, "--store", "oxigraph", cwd=built_copy.root,
                     env={"SOVKG_ENDPOINT_USER": "loader", "SOVKG_ENDPOINT_PASSWORD": secret})
        assert done.returncode == EXIT_OK, done.stderr
        assert secret not in done.stdout + done.stderr
        query = sovkg("query", "us-dependencies", "--endpoint", gateway.url + "/query", cwd=built_copy.root,
                      env={"SOVKG_ENDPOINT_USER": "loader", "SOVKG_ENDPOINT_PASSWORD": secret})
        assert query.returncode == EXIT_OK and "Gefion supercomputer" in query.stdout
    assert _server_counts(server) == _counts(built_copy)


def test_credentials_from_a_netrc_file(built_copy: Project, server: OxigraphServer, sovkg: Runner,
                                       tmp_path: Path) -> None:
    from .support.basic_auth_gateway import BasicAuthGateway

    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine 127.0.0.1 login loader password Netrc-Secret-4410\n")
    netrc_file.chmod(0o600)
    with BasicAuthGateway(server.url, "loader", "Netrc-Secret-4410") as gateway:
        done = sovkg("load", "--endpoint", gateway.url, "--store", "oxigraph", cwd=built_copy.root,
                     env={"NETRC": str(netrc_file)})
        assert done.returncode == EXIT_OK, done.stderr
        assert gateway.refused == 0
    assert _server_counts(server) == _counts(built_copy)
