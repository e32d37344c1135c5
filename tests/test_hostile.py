"""sovkg against hostile servers and bad bytes, through the real CLI: each test is named after what
broke. No traceback may ever reach the user, and every exit code is a documented one."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sovkg.build.parse import SourceIndex
from sovkg.errors import EXIT_ENDPOINT, EXIT_INPUT, EXIT_OK, EXIT_OUTPUT
from sovkg.project import Project
from sovkg.store.oxigraph_server import OxigraphServer, free_port, load_files

from .conftest import Runner, copy_project
from .support.hostile_server import HostileServer

USER, SECRET = "alice", "Sup3r-Secret-Pa55"
CREDENTIALS = {"SOVKG_ENDPOINT_USER": USER, "SOVKG_ENDPOINT_PASSWORD": SECRET}
BASIC_TOKEN = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
DOCUMENTED = {0, 1, 2, 3, 4}


def _clean(done: subprocess.CompletedProcess[str]) -> None:
    """No traceback, no secret, a documented exit code."""
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-2000:]
    assert SECRET not in output and BASIC_TOKEN not in output and f"{USER}:" not in output, output[-2000:]
    assert done.returncode in DOCUMENTED, (done.returncode, output[-2000:])


# --- 3. credentials and redirects -----------------------------------------------------------------

def test_credentials_never_follow_a_redirect_to_another_host(built: Project, sovkg: Runner) -> None:
    with HostileServer("ok-empty", host="127.0.0.2") as elsewhere, \
            HostileServer("redirect", target=elsewhere.url + "/query") as redirecting:
        runs = [sovkg("query", "us-dependencies", "--endpoint", redirecting.url + "/query", cwd=built.root,
                      env=CREDENTIALS),
                sovkg("sparql", "-", "--endpoint", redirecting.url + "/query", cwd=built.root, env=CREDENTIALS,
                      stdin="SELECT * WHERE { ?s ?p ?o } LIMIT 1"),
                sovkg("load", "--endpoint", redirecting.url, "--store", "oxigraph", cwd=built.root,
                      env=CREDENTIALS)]
        for done in runs:
            _clean(done)
            assert done.returncode == EXIT_ENDPOINT
            assert "redirected the request (HTTP 302) to http://127.0.0.2:" in done.stderr
        assert elsewhere.requests == [], "the other host must not even be asked"
        assert all(b"Basic " + BASIC_TOKEN.encode() in r for r in redirecting.requests[:1])


# --- 4. secrets in messages -----------------------------------------------------------------------

def test_a_server_echoing_the_request_never_makes_sovkg_print_the_password(built: Project, sovkg: Runner) -> None:
    with HostileServer("echo") as echo:
        for args in (["query", "us-dependencies", "--endpoint", echo.url + "/query"],
                     ["load", "--endpoint", echo.url, "--store", "oxigraph"],
                     ["load", "--endpoint", echo.url, "--store", "generic", "--auth", "digest"]):
            done = sovkg(*args, cwd=built.root, env=CREDENTIALS)
            _clean(done)
            assert done.returncode == EXIT_ENDPOINT and "HTTP 500" in done.stderr
            if "digest" not in args:  # digest sends no credentials until challenged, and the server never asks
                assert "Authorization: ***" in done.stderr, "the echoed header is shown, its secret is not"
        assert any(BASIC_TOKEN.encode() in r for r in echo.requests), "the server did receive the secret"


# --- 5. deadline and size limit -------------------------------------------------------------------

def test_a_trickling_server_is_cut_off_at_the_deadline(built: Project, sovkg: Runner) -> None:
    with HostileServer("trickle") as slow:
        start = time.monotonic()
        done = sovkg("query", "us-dependencies", "--endpoint", slow.url + "/query", "--deadline", "3",
                     cwd=built.root, timeout=60)
        assert time.monotonic() - start < 30
        _clean(done)
        assert done.returncode == EXIT_ENDPOINT and "did not finish answering within 3 s" in done.stderr
        start = time.monotonic()
        loaded = sovkg("load", "--endpoint", slow.url, "--store", "oxigraph", cwd=built.root, timeout=60,
                       env={"SOVKG_ENDPOINT_DEADLINE": "3"})
        assert time.monotonic() - start < 30
        _clean(loaded)
        assert loaded.returncode == EXIT_ENDPOINT and "within 3 s" in loaded.stderr


def test_an_endless_answer_is_cut_off_at_the_size_limit(built: Project, sovkg: Runner) -> None:
    with HostileServer("endless") as endless:
        start = time.monotonic()
        done = sovkg("query", "us-dependencies", "--endpoint", endless.url + "/query", "--max-mb", "5",
                     cwd=built.root, timeout=120)
        assert time.monotonic() - start < 60
        _clean(done)
        assert done.returncode == EXIT_ENDPOINT and "larger than 5 MB" in done.stderr
        env = {"SOVKG_ENDPOINT_MAX_MB": "5"}
        sparql = sovkg("sparql", "-", "--endpoint", endless.url + "/query", cwd=built.root, timeout=120, env=env,
                       stdin="SELECT ?s WHERE { ?s ?p ?o }")
        _clean(sparql)
        assert sparql.returncode == EXIT_ENDPOINT and "larger than 5 MB" in sparql.stderr


# --- 7. the catalogue: hostile servers ------------------------------------------------------------

SERVERS = ["garbage-status", "huge-header", "truncated", "broken-chunks", "no-head", "bad-iri", "not-json",
           "echo", "wrong-count"]


@pytest.mark.parametrize("behaviour", SERVERS)
def test_hostile_servers_give_a_message_and_exit_3_never_a_traceback(built: Project, sovkg: Runner,
                                                                      behaviour: str) -> None:
    with HostileServer(behaviour) as hostile:
        for args in (["query", "us-dependencies", "--endpoint", hostile.url + "/query"],
                     ["load", "--endpoint", hostile.url + "/sparql", "--store", "generic"]):
            done = sovkg(*args, cwd=built.root, env=CREDENTIALS, timeout=120)
            _clean(done)
            if behaviour == "wrong-count" and args[0] == "query":
                continue  # a SELECT answered with other columns is an empty answer, not an error
            assert done.returncode == EXIT_ENDPOINT, (args, done.stderr)
            assert done.stderr.startswith("sovkg: error: ") and done.stderr.count("\n") == 1, done.stderr


# --- 7. the catalogue: bad input ------------------------------------------------------------------

def _bad_utf8(project: Project) -> int:
    """Put a Latin-1 byte in a comment of dk.ttl; returns its line."""
    target = project.kg / "countries" / "dk.ttl"
    data = target.read_bytes()
    at = data.index(b"@prefix")
    target.write_bytes(data[:at] + b"# caf\xe9 \xff\n" + data[at:])
    return data[:at].count(b"\n") + 1


@pytest.mark.parametrize("command", [["build"], ["validate"], ["new-country", "XF", "--name", "Freedonia"]])
def test_invalid_utf8_in_a_comment_names_file_line_and_column(project_copy: Project, sovkg: Runner,
                                                             command: list[str]) -> None:
    line = _bad_utf8(project_copy)
    done = sovkg(*command, cwd=project_copy.root)
    _clean(done)
    assert done.returncode == EXIT_INPUT
    assert f"dk.ttl:{line}:6: not UTF-8 text (byte 0xe9)" in done.stderr


def test_a_byte_order_mark_is_accepted(built_copy: Project, sovkg: Runner) -> None:
    target = built_copy.kg / "countries" / "dk.ttl"
    target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
    done = sovkg("build", cwd=built_copy.root)
    _clean(done)
    assert done.returncode == EXIT_OK, done.stderr


def test_a_fifo_under_kg_does_not_hang_the_build(built_copy: Project, sovkg: Runner) -> None:
    os.mkfifo(built_copy.kg / "pipe.ttl")
    done = sovkg("build", cwd=built_copy.root, timeout=120)
    _clean(done)
    assert done.returncode == EXIT_INPUT and "pipe.ttl: not a regular file" in done.stderr


def _as_nobody(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """Run sovkg as an unprivileged user (root reads every folder, so the test drops root first)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")}
    command = [sys.executable, "-m", "sovkg", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop privileges")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        env["HOME"] = str(project.root)
    return subprocess.run(command, cwd=project.root, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def open_project(built: Project) -> Iterator[Project]:
    """A built copy of the project that an unprivileged user may read and write."""
    folder = Path(tempfile.mkdtemp(prefix="sovkg-open-"))
    folder.chmod(0o777)
    target = folder / "project"
    shutil.copytree(built.root, target, symlinks=True)
    for path in [target, *target.rglob("*")]:
        if os.geteuid() == 0:
            os.lchown(path, 65534, 65534)
    try:
        yield Project(target, target / "dist")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_an_unreadable_folder_under_kg_is_an_error_not_skipped(open_project: Project) -> None:
    hidden = open_project.kg / "hidden"
    hidden.mkdir()
    (hidden / "facts.ttl").write_text("")
    hidden.chmod(0o000)
    try:
        done = _as_nobody(open_project, "build")
    finally:
        hidden.chmod(0o755)
    _clean(done)
    assert done.returncode == EXIT_INPUT
    assert "hidden: cannot read this folder: Permission denied" in done.stderr


def test_a_read_only_project_gives_a_message_and_exit_4(open_project: Project) -> None:
    before = (open_project.dist / "current").resolve()
    for path in (open_project.dist, open_project.dist / "builds"):
        path.chmod(0o555)
    try:
        done = _as_nobody(open_project, "build")
    finally:
        for path in (open_project.dist, open_project.dist / "builds"):
            path.chmod(0o755)
    _clean(done)
    assert done.returncode == EXIT_OUTPUT and "cannot write" in done.stderr
    assert (open_project.dist / "current").resolve() == before


def test_ask_answers_on_the_embedded_store(built: Project, sovkg: Runner) -> None:
    ask = "ASK { ?s a <https://w3id.org/sovkg/ontology#State> }"
    done = sovkg("sparql", "-", cwd=built.root, stdin=ask)
    _clean(done)
    assert done.returncode == EXIT_OK and "true" in done.stdout
    no = sovkg("sparql", "-", cwd=built.root, stdin="ASK { <urn:nothing> ?p ?o }")
    assert no.returncode == EXIT_OK and "false" in no.stdout


def test_invalid_utf8_in_a_parameter_is_refused(built: Project) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")}
    done = subprocess.run([sys.executable.encode(), b"-m", b"sovkg", b"query", b"dependencies-on-country",
                           b"-p", b"country=\xff\xfe"], cwd=built.root, capture_output=True, env=env, timeout=120)
    stderr = done.stderr.decode(errors="replace")
    assert "Traceback" not in stderr and done.returncode == EXIT_INPUT and "not valid UTF-8" in stderr


@pytest.mark.parametrize("endpoint", ["", "file:///etc/passwd", "data:,hello", "ftp://127.0.0.1/x",
                                      "http://", "http://user:pw@127.0.0.1/x"])
def test_only_http_and_https_endpoints_are_accepted(built: Project, sovkg: Runner, endpoint: str) -> None:
    for args in (["query", "us-dependencies", "--endpoint", endpoint], ["load", "--endpoint", endpoint]):
        done = sovkg(*args, cwd=built.root)
        _clean(done)
        assert done.returncode == EXIT_INPUT and "must" in done.stderr, done.stderr


def test_diff_with_an_enormous_revision_name_is_a_message(built: Project, sovkg: Runner) -> None:
    done = sovkg("diff", "x" * 100_000, "worktree", cwd=built.root)
    _clean(done)
    assert done.returncode == EXIT_INPUT


def test_diff_of_a_crafted_tree_never_writes_outside_its_folder(project_copy: Project, sovkg: Runner,
                                                                tmp_path: Path) -> None:
    root = project_copy.root
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]

    def run(*args: str, data: bytes | None = None) -> str:
        done = subprocess.run([*git, *args], cwd=root, input=data, capture_output=True, check=True)
        return done.stdout.decode().strip()

    run("init", "-q")

    def tree(name: str, mode: str, sha: str) -> str:
        raw = f"{mode} {name}".encode() + b"\0" + bytes.fromhex(sha)
        return run("hash-object", "-w", "-t", "tree", "--literally", "--stdin", data=raw)

    blob = run("hash-object", "-w", "--stdin", data=b"<urn:a> <urn:b> <urn:c> .\n")
    inner = tree("escaped.ttl", "100644", blob)
    up2 = tree("..", "40000", inner)
    up1 = tree("..", "40000", up2)
    top = tree("kg", "40000", up1)
    commit = run("commit-tree", top, "-m", "crafted")
    scratch = tmp_path / "scratch" / "deep"
    scratch.mkdir(parents=True)
    done = sovkg("diff", commit, "worktree", cwd=root, env={"TMPDIR": str(scratch)})
    _clean(done)
    assert done.returncode == EXIT_INPUT and "refusing a path that leaves" in done.stderr
    assert not list(tmp_path.rglob("escaped.ttl"))


def test_a_stored_query_name_is_never_a_path(built: Project, sovkg: Runner) -> None:
    outside = built.root.parent / "outside.rq"
    outside.write_text("#+ summary: not a stored question\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    try:
        done = sovkg("query", "../../" + built.root.parent.name + "/outside", cwd=built.root)
        direct = sovkg("query", "../outside", cwd=built.root)
    finally:
        outside.unlink()
    for run in (done, direct):
        _clean(run)
        assert run.returncode == EXIT_INPUT and "no stored query named" in run.stderr


# --- 10, 11. SERVICE and the read-only guard ------------------------------------------------------

def test_sparql_refuses_service_unless_allowed(built: Project, sovkg: Runner) -> None:
    with HostileServer("ok-empty") as target:
        query = f"SELECT * WHERE {{ SERVICE <{target.url}/sparql> {{ ?s ?p ?o }} }}"
        refused = sovkg("sparql", "-", cwd=built.root, stdin=query)
        _clean(refused)
        assert refused.returncode == EXIT_INPUT and "SERVICE (federated query) is off" in refused.stderr
        assert target.requests == []
        allowed = sovkg("sparql", "-", "--allow-service", cwd=built.root, stdin=query)
        _clean(allowed)
        assert allowed.returncode == EXIT_OK, allowed.stderr
        assert target.requests, "with --allow-service the query may call the service"
    failing = sovkg("sparql", "-", "--allow-service", cwd=built.root,
                    stdin=f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{free_port()}/x> {{ ?s ?p ?o }} }}")
    _clean(failing)
    assert failing.returncode == EXIT_ENDPOINT


def test_an_update_disguised_with_a_variable_named_select_is_never_sent(built: Project, sovkg: Runner) -> None:
    disguised = "INSERT { <urn:a> <urn:b> ?select } WHERE { BIND(1 AS ?select) }"
    with HostileServer("ok-empty") as store:
        done = sovkg("sparql", "-", "--endpoint", store.url + "/query", cwd=built.root, stdin=disguised)
        _clean(done)
        assert done.returncode == EXIT_INPUT and "this is a SPARQL update" in done.stderr
        assert store.requests == []
    local = sovkg("sparql", "-", cwd=built.root, stdin=disguised)
    _clean(local)
    assert local.returncode == EXIT_INPUT


def test_construct_and_describe_work_on_an_endpoint(built: Project, sovkg: Runner, tmp_path: Path) -> None:
    load_files(tmp_path / "db", built.current_build().trig)
    with OxigraphServer(tmp_path / "db", read_only=True) as server:
        construct = sovkg("sparql", "-", "--endpoint", server.query_url, cwd=built.root,
                          stdin="CONSTRUCT { ?s a <urn:state> } WHERE { ?s a <https://w3id.org/sovkg/ontology#State> }")
        _clean(construct)
        assert construct.returncode == EXIT_OK and "Denmark" in construct.stdout
        describe = sovkg("sparql", "-", "--endpoint", server.query_url, "--format", "json", cwd=built.root,
                         stdin="DESCRIBE <https://w3id.org/sovkg/id/DK>")
        _clean(describe)
        assert describe.returncode == EXIT_OK and "Denmark" in describe.stdout
        ask = sovkg("sparql", "-", "--endpoint", server.query_url, cwd=built.root,
                    stdin="ASK { ?s a <https://w3id.org/sovkg/ontology#State> }")
        assert ask.returncode == EXIT_OK and "true" in ask.stdout


# --- 8, 9, 10. sovkg serve ------------------------------------------------------------------------

def _start_serve(project: Project, port: int, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-m", "sovkg", "serve", "--port", str(port), *args],
                               cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")})
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=2):
                return process
        except OSError:
            alive = time.monotonic() < deadline and process.poll() is None
            assert alive, process.stderr.read() if process.stderr else ""
            time.sleep(0.2)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _gone(pid: int, within: float = 15) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            status = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
            if status == "Z":
                return True
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_serve_never_orphans_its_server(built_copy: Project, sig: signal.Signals) -> None:
    port = free_port()
    process = _start_serve(built_copy, port)
    children = _children(process.pid)
    assert children, "sovkg serve runs the Oxigraph server as its child"
    process.send_signal(sig)
    process.wait(timeout=30)
    if sig == signal.SIGTERM:
        assert process.returncode == 143
        assert "Traceback" not in (process.stderr.read() if process.stderr else "")
    for child in children:
        assert _gone(child), f"the Oxigraph server {child} outlived sovkg serve"
    assert not _port_open(port)


def test_serve_writable_never_serves_the_builds_own_store(built_copy: Project, sovkg: Runner) -> None:
    for location in ("dist/current/store", "dist", str(built_copy.current_build().store)):
        done = sovkg("serve", "--port", str(free_port()), "--writable", "--location", location,
                     cwd=built_copy.root, timeout=30)
        _clean(done)
        assert done.returncode == EXIT_INPUT and "refusing to serve" in done.stderr


def test_serve_refuses_service_unless_allowed(built_copy: Project) -> None:
    with HostileServer("ok-empty") as target:
        query = f"SELECT * WHERE {{ SERVICE <{target.url}/sparql> {{ ?s ?p ?o }} }}"
        for allow in (False, True):
            port = free_port()
            process = _start_serve(built_copy, port, *(["--allow-service"] if allow else []))
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/query",
                                                 data=urllib.parse.urlencode({"query": query}).encode(),
                                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                                          "Accept": "application/sparql-results+json"})
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status = answer.status
                except urllib.error.HTTPError as error:
                    status, body = error.code, error.read().decode()
                if allow:
                    assert target.requests, "with --allow-service the server may call the service"
                else:
                    assert status == 403 and "SERVICE" in body
                    assert target.requests == []
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
        assert status in (200, 500)


# --- 12. the lexer behind file:line locations -----------------------------------------------------

def test_long_strings_and_hashes_inside_iris_do_not_confuse_locations(tmp_path: Path) -> None:
    source = tmp_path / "x.ttl"
    text = ('@prefix ex: <https://example.org/> .\n'
            'ex:a ex:note """first line\n'
            'ex:fake at the start of a line inside a string""" ;\n'
            '    ex:link <https://example.org/page#part> ;\n'
            '    ex:after ex:target .\n')
    source.write_text(text)
    index = SourceIndex()
    index.add_file(source, text)
    assert "https://example.org/fake" not in index.defined
    assert index.where_statement("https://example.org/a", "https://example.org/after").line == 5
    assert index.where_statement("https://example.org/a", "https://example.org/link").line == 4


def test_the_whole_graph_still_builds_from_a_fresh_copy(tmp_path: Path, sovkg: Runner) -> None:
    """The robustness checks (regular files, UTF-8, folder walking) accept the real kg/."""
    project = copy_project(tmp_path / "p")
    done = sovkg("build", cwd=project.root)
    _clean(done)
    assert done.returncode == EXIT_OK
