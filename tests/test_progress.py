"""A long command shows its steps on a terminal, and nothing when its output is piped."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile

import pytest

from sovkg.errors import EXIT_OK
from sovkg.project import Project

from .conftest import Runner


def _on_a_terminal(project: Project, *args: str) -> tuple[int, str, str]:
    """Run ``sovkg ARGS`` with standard error on a real pseudo-terminal and standard output piped;
    its exit code, what the terminal showed, and the output."""
    main, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")}
    env["SOVKG_PROGRESS_DELAY"] = "0"  # the seed graph takes seconds at most
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen([sys.executable, "-m", "sovkg", *args], cwd=project.root, env=env,
                                   stdout=output, stderr=terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closes when the command exits
                break
            if not chunk:
                break
            shown += chunk
        os.close(main)
        code = process.wait(timeout=120)
        output.seek(0)
        return code, shown.decode(), output.read().decode()


def _finished_steps(shown: str) -> list[str]:
    return [line.split()[0] for line in shown.replace("\x1b[K", "").replace("\r", "\n").split("\n")
            if line.strip().endswith(" s") and not line.startswith("sovkg")]


def test_a_build_on_a_terminal_shows_each_step(project_copy: Project) -> None:
    code, shown, _ = _on_a_terminal(project_copy, "build")
    assert code == EXIT_OK, shown
    assert shown.startswith("sovkg build:")
    assert _finished_steps(shown)[-4:] == ["validate", "answer", "write", "store"], shown


@pytest.mark.parametrize(("args", "steps", "answer"), [
    (("validate",), ["parse", "reason", "validate"], "Conforms"),
    # a value of the user's own: worked out on the store (seconds on a large graph)
    (("query", "what-if-withdrawal", "-p", "country=France"), ["answer"], "Gefion supercomputer"),
    (("sparql", "-"), ["answer"], "rows"),
    (("find", "gefion"), ["search"], "Gefion supercomputer"),
    (("explain", "GPT-NL", "--on", "US"), ["paths"], "GPT-NL"),
])
def test_other_long_commands_on_a_terminal_show_their_steps_and_still_answer(
        built_copy: Project, args: tuple[str, ...], steps: list[str], answer: str) -> None:
    if args[0] == "sparql":
        args = ("sparql", str(built_copy.queries / "us-dependencies.rq"))
    code, shown, output = _on_a_terminal(built_copy, *args)
    assert code == EXIT_OK, shown
    assert shown.startswith(f"sovkg {args[0]}:"), shown
    assert _finished_steps(shown) == steps, shown
    assert answer in output and "\x1b" not in output, output


def test_a_piped_build_shows_no_progress(project_copy: Project, sovkg: Runner) -> None:
    done = sovkg("build", cwd=project_copy.root, env={"SOVKG_PROGRESS_DELAY": "0"})
    assert done.returncode == EXIT_OK
    # Without the source texts beside the project, the build warns that quotes went unchecked;
    # that warning is the only thing a piped build may write to standard error.
    assert "sovkg build:" not in done.stderr and "\x1b[K" not in done.stderr, done.stderr
    assert all(line.startswith(("WARNING:", "  To check them")) for line in done.stderr.splitlines()), done.stderr
    assert done.stdout.startswith("Built ")
