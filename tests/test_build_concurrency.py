"""Builds and readers at the same time, and builds killed midway, through the real CLI.

Each test is named after what broke before `sovkg.store.build` took charge of `dist/`: concurrent
builds pruned each other's folders and left `current` pointing at nothing; readers opened the
store through the moving link and mixed the files of two builds; a build killed mid-write left a
folder the next build took for the previous one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sovkg.errors import EXIT_OK, EXIT_OUTPUT
from sovkg.project import Project
from sovkg.store.build import STAGING, Dist

from .conftest import Runner


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")}


def _start(project: Project, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sovkg", *args], cwd=project.root, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _folders(project: Project) -> list[str]:
    return sorted(p.name for p in (project.dist / "builds").iterdir())


@pytest.mark.parametrize("builds", [3, 4])
def test_concurrent_builds_leave_a_current_build_that_answers(built_copy: Project, sovkg: Runner,
                                                              builds: int) -> None:
    processes = [_start(built_copy, "build") for _ in range(builds)]
    outcomes = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in processes]
    for code, stderr in outcomes:
        assert code == EXIT_OK, stderr
        assert "Traceback" not in stderr
    done = sovkg("query", "us-dependencies", cwd=built_copy.root)
    assert done.returncode == EXIT_OK, done.stderr
    assert "Gefion supercomputer" in done.stdout
    current = (built_copy.dist / "current").resolve()
    assert (current / "build.json").is_file() and (current / "store").is_dir()
    names = _folders(built_copy)
    assert not [n for n in names if n.startswith(".")], f"leftover staging or trash folders: {names}"
    assert len(names) <= 2, f"only the current build and the one before it are kept: {names}"


def test_queries_during_repeated_rebuilds_never_fail(built_copy: Project, sovkg: Runner) -> None:
    """200 queries through the CLI while builds publish again and again: none may fail."""
    stop = threading.Event()
    rebuilds: list[int] = []

    def rebuild() -> None:
        while not stop.is_set():
            rebuilds.append(sovkg("build", cwd=built_copy.root).returncode)

    failures: list[str] = []
    attempts = [0]

    def ask(count: int) -> None:
        for _ in range(count):
            done = sovkg("query", "us-dependencies", cwd=built_copy.root)
            attempts[0] += 1
            if done.returncode != EXIT_OK or "Gefion supercomputer" not in done.stdout:
                failures.append(done.stderr[-500:])

    builder = threading.Thread(target=rebuild)
    builder.start()
    readers = [threading.Thread(target=ask, args=(100,)) for _ in range(2)]
    try:
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
    finally:
        stop.set()
        builder.join()
    print(f"queries during rebuilds: {attempts[0]} attempts, {len(failures)} failures, "
          f"{len(rebuilds)} rebuilds")
    assert attempts[0] == 200
    assert failures == []
    assert len(rebuilds) >= 2 and set(rebuilds) == {EXIT_OK}


def test_a_build_killed_mid_write_is_never_taken_for_the_previous_build(built_copy: Project,
                                                                        sovkg: Runner) -> None:
    before = (built_copy.dist / "current").resolve()
    builds = built_copy.dist / "builds"
    process = _start(built_copy, "build")
    deadline = time.monotonic() + 120
    killed = False
    while time.monotonic() < deadline and process.poll() is None:
        staging = [p for p in builds.iterdir() if p.name.startswith(STAGING)]
        if staging and (staging[0] / "store").exists():
            os.kill(process.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.002)
    process.wait(timeout=30)
    if not killed:
        pytest.skip("the build finished before it could be killed mid-write")
    assert (built_copy.dist / "current").resolve() == before, "a killed build must leave the previous one current"
    assert any(p.name.startswith(STAGING) for p in builds.iterdir())
    done = sovkg("query", "us-dependencies", cwd=built_copy.root)
    assert done.returncode == EXIT_OK and "Gefion supercomputer" in done.stdout
    again = sovkg("build", cwd=built_copy.root)
    assert again.returncode == EXIT_OK, again.stderr
    names = _folders(built_copy)
    assert before.name in names, "the real previous build is kept, not the killed one's folder"
    assert not [n for n in names if n.startswith(".")], names


def test_a_second_build_waits_and_names_who_holds_the_lock(built_copy: Project, sovkg: Runner) -> None:
    dist = Dist(built_copy.dist)
    with dist.lock():
        refused = sovkg("build", "--lock-timeout", "1", cwd=built_copy.root)
    assert refused.returncode == EXIT_OUTPUT
    assert f"held by pid {os.getpid()}" in refused.stderr and "Traceback" not in refused.stderr
    assert "the previous build is still current" in refused.stderr or "nothing was written" in refused.stderr

    with dist.lock():
        waiter = _start(built_copy, "build")
        assert waiter.stderr is not None
        first = waiter.stderr.readline()  # the build validates first, then waits for the lock
    assert "waiting for another build to finish (held by pid" in first
    assert waiter.wait(timeout=120) == EXIT_OK


def test_a_build_open_for_reading_is_not_pruned(built_copy: Project, sovkg: Runner) -> None:
    reading = built_copy.current_build()
    for _ in range(3):
        assert sovkg("build", cwd=built_copy.root).returncode == EXIT_OK
    assert reading.folder.is_dir() and (reading.folder / "build.json").is_file()
    assert reading.open_store() is not None
    folder = reading.folder
    del reading
    assert sovkg("build", cwd=built_copy.root).returncode == EXIT_OK
    assert not folder.exists(), "once no reader holds it, an old build is pruned"


def test_a_file_size_limit_gives_a_message_and_exit_4(built_copy: Project) -> None:
    before = (built_copy.dist / "current").resolve()
    script = "import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000)); " \
             "sys.argv = ['sovkg', 'build']; from sovkg.cli.main import main; main()"
    done = subprocess.run([sys.executable, "-c", script], cwd=built_copy.root, env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert "cannot write" in done.stderr and "Traceback" not in done.stderr
    assert (built_copy.dist / "current").resolve() == before
    assert not [n for n in _folders(built_copy) if n.startswith(".")]


def test_builds_of_two_projects_do_not_wait_for_each_other(built_copy: Project, tmp_path: Path) -> None:
    """The lock is per project folder (dist/.lock), not machine-wide."""
    other = Dist(tmp_path / "elsewhere" / "dist")
    with other.lock(), Dist(built_copy.dist).lock(timeout=1):
        pass


def _writers(project: Project) -> list[int]:
    """The pids of the processes writing a build of this project (they name their staging folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"sovkg.store.embedded" in command and any(str(project.dist).encode() in part for part in command):
            found.append(int(entry.name))
    return found


def _catch_writer(project: Project, process: subprocess.Popen[str]) -> int | None:
    """The pid of the build's writer once its store is being loaded, or None if the build ended first."""
    builds = project.dist / "builds"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        staging = [p for p in builds.iterdir() if p.name.startswith(STAGING)]
        if staging and (staging[0] / "store").exists():
            writers = _writers(project)
            if writers:
                return writers[0]
        time.sleep(0.002)
    return None


def _build_with_its_writer_loading(project: Project) -> tuple[subprocess.Popen[str], int]:
    """A build started, and the pid of its writer once that loads the store (else the test is skipped)."""
    process = _start(project, "build")
    writer = _catch_writer(project, process)
    if writer is None:
        process.wait(timeout=30)
        pytest.skip("the build finished before its writer could be caught loading")
    return process, writer


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds processes through /proc")
def test_a_build_killed_while_its_writer_loads_the_store_leaves_no_writer_and_the_previous_build(
        built_copy: Project, sovkg: Runner) -> None:
    before = (built_copy.dist / "current").resolve()
    process, _ = _build_with_its_writer_loading(built_copy)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _writers(built_copy) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _writers(built_copy) == [], "the writer must die with its build"
    assert (built_copy.dist / "current").resolve() == before
    done = sovkg("query", "us-dependencies", cwd=built_copy.root)
    assert done.returncode == EXIT_OK and "Gefion supercomputer" in done.stdout
    again = sovkg("build", cwd=built_copy.root)
    assert again.returncode == EXIT_OK, again.stderr
    assert not [n for n in _folders(built_copy) if n.startswith(".")], "the dead build's folder is removed"


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds processes through /proc")
def test_a_writer_that_dies_fails_its_build_in_one_line(built_copy: Project) -> None:
    before = (built_copy.dist / "current").resolve()
    process, writer = _build_with_its_writer_loading(built_copy)
    os.kill(writer, signal.SIGKILL)
    code = process.wait(timeout=120)
    stderr = process.stderr.read() if process.stderr else ""
    assert code == EXIT_OUTPUT, stderr
    assert "the process writing the build's files and store was killed by signal 9" in stderr
    assert "Traceback" not in stderr and "the previous build is still current" in stderr
    assert (built_copy.dist / "current").resolve() == before
    assert not [n for n in _folders(built_copy) if n.startswith(".")]


def test_a_build_never_removes_the_staging_folder_of_a_live_build(tmp_path: Path) -> None:
    dist = Dist(tmp_path / "dist")
    dead = dist.builds / f"{STAGING}killed"
    dead.mkdir(parents=True)  # what a killed build leaves: a staging folder nobody holds
    with dist.stage() as first:
        assert not dead.exists()
        with dist.stage() as second:
            assert first.folder.is_dir() and second.folder != first.folder
        assert first.folder.is_dir(), "a concurrent build removed a live staging folder"
        assert not second.folder.exists(), "an unpublished staging folder is removed"
    assert not first.folder.exists()
