"""A long build shows its steps on a terminal, and nothing when its output is piped."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from sovkg.errors import EXIT_OK
from sovkg.project import Project

from .conftest import Runner


def _build_on_a_terminal(project: Project) -> tuple[int, str]:
    """Run `sovkg build` with standard error on a real pseudo-terminal; what the terminal showed."""
    main, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")}
    env["SOVKG_PROGRESS_DELAY"] = "0"  # the seed graph builds in about two seconds
    process = subprocess.Popen([sys.executable, "-m", "sovkg", "build"], cwd=project.root, env=env,
                               stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closes when the build exits
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    return process.wait(timeout=120), shown.decode()


def test_a_build_on_a_terminal_shows_each_step(project_copy: Project) -> None:
    code, shown = _build_on_a_terminal(project_copy)
    assert code == EXIT_OK, shown
    assert shown.startswith("sovkg build:")
    finished = [line.split()[0] for line in shown.replace("\x1b[K", "").replace("\r", "\n").split("\n")
                if line.strip().endswith(" s") and not line.startswith("sovkg")]
    assert finished[-4:] == ["validate", "answer", "write", "store"], shown


def test_a_piped_build_shows_no_progress(project_copy: Project, sovkg: Runner) -> None:
    done = sovkg("build", cwd=project_copy.root, env={"SOVKG_PROGRESS_DELAY": "0"})
    assert done.returncode == EXIT_OK
    # Without the source texts beside the project, the build warns that quotes went unchecked;
    # that warning is the only thing a piped build may write to standard error.
    assert "sovkg build:" not in done.stderr and "\x1b[K" not in done.stderr, done.stderr
    assert all(line.startswith(("WARNING:", "  To check them")) for line in done.stderr.splitlines()), done.stderr
    assert done.stdout.startswith("Built ")
