"""The CLI's mapping of errors to one-line messages and documented exit codes, and its last resort."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sovkg.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_OUTPUT, redact, register_secret
from sovkg.project import Project

from .conftest import Runner


def _run(script: str, project: Project, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-c", script], cwd=project.root, capture_output=True, text=True,
                          env=environment, timeout=120)


# A stand-in bug: the query command's runner replaced by one that raises.
BREAK_QUERIES = ("import sys\n"
                 "from sovkg.cli.main import main\n"
                 "import sovkg.cli.query_cmd as q\n"
                 "def broken(*a, **k):\n    raise {error}\n"
                 "q.bind_stored = broken\n"
                 "sys.argv = ['sovkg', 'query', 'us-dependencies']\n"
                 "main()\n")


def test_an_unexpected_error_is_one_line_and_exit_70_never_a_traceback(built: Project) -> None:
    done = _run(BREAK_QUERIES.format(error="KeyError('boom')"), built)
    assert done.returncode == EXIT_INTERNAL
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("sovkg: internal error (KeyError: 'boom'); this is a bug")
    assert done.stderr.count("\n") == 1
    debug = _run(BREAK_QUERIES.format(error="KeyError('boom')"), built, env={"SOVKG_DEBUG": "1"})
    assert "Traceback" in debug.stderr, "SOVKG_DEBUG=1 shows the details to whoever reports the bug"


def test_an_os_error_that_escaped_is_exit_4_with_the_file(built: Project) -> None:
    done = _run(BREAK_QUERIES.format(error="OSError(28, 'No space left on device', '/some/file')"), built)
    assert done.returncode == EXIT_OUTPUT and "Traceback" not in done.stderr
    assert "cannot read or write /some/file: No space left on device" in done.stderr


def test_redaction_removes_every_encoding_of_a_secret() -> None:
    register_secret("bob", "p@ss w0rd!")
    text = ("user bob:p@ss w0rd! token Ym9iOnBAc3MgdzByZCE= quoted p%40ss%20w0rd%21 plus p%40ss+w0rd%21 "
            "header Authorization: Digest username=\"bob\", response=\"abc\"")
    cleaned = redact(text)
    for leak in ("p@ss w0rd!", "Ym9iOnBAc3MgdzByZCE=", "p%40ss%20w0rd%21", "p%40ss+w0rd%21", "response="):
        assert leak not in cleaned, cleaned


@pytest.mark.parametrize(("args", "usage", "message"), [
    (["qurey", "us-dependencies"], "usage: sovkg ", "there is no command 'qurey' (did you mean 'query'?)"),
    (["query", "us-dependencies", "--form", "csv"], "usage: sovkg query ", "unrecognized arguments: --form csv"),
    (["query"], "usage: sovkg query ", "the following arguments are required: NAME"),
    (["query", "us-dependencies", "--format", "xml"], "usage: sovkg query ", "invalid choice: 'xml'"),
    (["query", "us-dependencies", "--deadline", "soon"], "usage: sovkg query ", "'soon' is not a number"),
    (["--project", "queries/us-dependencies.rq", "queries"], "usage: sovkg ", "is a file, not a folder"),
    (["explain", "GPT-NL", "--max-hops", "0"], "usage: sovkg explain ", "0 is not a finite number of at least 1"),
    (["query", "us-dependencies", "--deadline", "inf"], "usage: sovkg query ", "inf is not a finite number"),
    (["build", "--lock-timeout", "nan"], "usage: sovkg build ", "nan is not a finite number"),
    (["serve", "--port", "\u00b2"], "usage: sovkg serve ", "is not a port number (0 to 65535)"),
])
def test_arguments_it_cannot_take_are_exit_2_with_the_commands_usage(built: Project, sovkg: Runner,
                                                                    args: list[str], usage: str,
                                                                    message: str) -> None:
    done = sovkg(*args, cwd=built.root)
    assert done.returncode == EXIT_INPUT
    assert done.stderr.startswith(usage) and message in done.stderr.splitlines()[-1], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_an_answer_whose_reader_stops_early_is_no_error(built: Project) -> None:
    """``sovkg sparql ... | head -1``: the command stops quietly with exit 0 when its reader goes."""
    everything = "SELECT * WHERE { ?s ?p ?o }"
    process = subprocess.Popen([sys.executable, "-m", "sovkg", "sparql", "-", "--format", "csv"], cwd=built.root,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    process.stdin.write(everything.encode())
    process.stdin.close()
    assert process.stdout.readline().decode().strip() == "o,p,s"
    process.stdout.close()  # far more rows than a pipe holds are still to come
    assert process.wait(timeout=120) == EXIT_OK
    assert process.stderr.read().decode() == ""


def test_the_project_folder_and_a_separator_are_taken_before_or_after_the_command(built: Project,
                                                                                  sovkg: Runner) -> None:
    elsewhere = built.root.parent
    for args in (["--project", str(built.root), "queries"], ["queries", "--project", str(built.root)],
                 ["--project", str(built.root), "--", "queries"]):
        done = sovkg(*args, cwd=elsewhere)
        assert done.returncode == EXIT_OK and "us-dependencies" in done.stdout, (args, done.stderr)


def test_a_command_started_with_its_output_closed_or_full_says_so_in_its_exit_code(built: Project) -> None:
    def shell(line: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["sh", "-c", f'"$0" -m sovkg {line}', sys.executable], cwd=built.root,
                              capture_output=True, text=True, timeout=120)

    closed = shell("query us-dependencies >&-")  # nothing to write to: nothing to say either
    assert closed.returncode == EXIT_OK and closed.stderr == ""
    unknown = shell("query no-such-question >&-")
    assert unknown.returncode == EXIT_INPUT and "no stored query named 'no-such-question'" in unknown.stderr
    for line in ("query us-dependencies", "--version", "query --help"):
        full = shell(f"{line} > /dev/full")
        assert full.returncode == EXIT_OUTPUT and "No space left on device" in full.stderr, line
        assert "Traceback" not in closed.stderr + unknown.stderr + full.stderr


def test_an_argument_that_is_not_utf8_is_refused_by_every_command(built: Project) -> None:
    for args in ([b"explain", b"\xff"], [b"find", b"caf\xe9"], [b"query", b"us-dependencies", b"--layer\xff"]):
        done = subprocess.run([sys.executable.encode(), b"-m", b"sovkg", *args], cwd=built.root, capture_output=True,
                              timeout=120)
        stderr = done.stderr.decode(errors="replace")
        assert done.returncode == EXIT_INPUT and "is not valid UTF-8 text" in stderr and "Traceback" not in stderr
