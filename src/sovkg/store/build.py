"""The build folders under ``dist/``: their layout, publishing under a lock, pruning, opening for reading.

Layout (written here and nowhere else)::

    dist/
      .lock                 the publishing lock (fcntl.flock); holds the holder's pid and command
      current -> builds/<id>   the published build, swapped by one atomic rename
      builds/<id>/          a complete build: graph files, store/, answers/, build.json
      builds/.staging-<id>/ a build being written; renamed to builds/<id> once build.json is in it
      builds/.trash-<id>/   a build being removed

A staging folder only becomes ``builds/<id>`` after its last file is written, so a process killed
mid-write leaves a ``.staging-`` folder that is never taken for a build. Each build holds its
staging folder locked while it lives (several builds write theirs at once); the next build removes,
under the lock, those nobody holds any more. Only one process publishes at a time (the lock); a
second one waits and says who holds the lock, or gives up after a timeout. A reader resolves
``current`` once, opens that real folder and holds a shared lock on it while it reads, so pruning
never removes a build in use and a reader never mixes the files of two builds.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sovkg.errors import EndpointError, InputError, OutputError

GRAPH_FILES = ("asserted", "inferred", "combined")
STAGING = ".staging-"
TRASH = ".trash-"
LOCK_TIMEOUT_ENV = "SOVKG_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 600.0


def lock_timeout(given: float | None = None) -> float:
    """Seconds a build waits for another one to finish: given, else $SOVKG_LOCK_TIMEOUT, else 600."""
    if given is not None:
        return given
    raw = os.environ.get(LOCK_TIMEOUT_ENV)
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        return float(raw)
    except ValueError:
        raise InputError(f"{LOCK_TIMEOUT_ENV}={raw!r} is not a number of seconds") from None


def write_failed(what: Path, error: OSError) -> OutputError:
    """The error for a file that could not be written (disk full, size limit, read-only folder)."""
    reason = error.strerror or str(error)
    hint = {errno.ENOSPC: "free some disk space", errno.EFBIG: "raise the file size limit (ulimit -f)",
            errno.EROFS: "the folder is read-only", errno.EACCES: "check the folder's permissions",
            errno.EPERM: "check the folder's permissions"}.get(error.errno or 0, "")
    return OutputError(f"cannot write {what}: {reason}" + (f" ({hint})" if hint else "")
                       + "; the previous build is still current")


class _Hold:
    """A shared lock on a build folder, released when the last reference to it goes."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __del__(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


@dataclass(frozen=True)
class Build:
    """One complete build folder, ``dist/builds/<id>/``, and the files in it."""

    folder: Path
    hold: _Hold | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.folder.name

    @property
    def store(self) -> Path:
        return self.folder / "store"

    @property
    def answers(self) -> Path:
        """The answers the build kept for its stored questions (see :mod:`sovkg.queries.kept`)."""
        return self.folder / "answers"

    @property
    def trig(self) -> Path:
        return self.folder / "sovkg.trig"

    @property
    def manifest_file(self) -> Path:
        return self.folder / "build.json"

    def graph_file(self, name: str, suffix: str = "nt") -> Path:
        """``asserted``, ``inferred`` or ``combined``, as ``nt`` or ``ttl``."""
        return self.folder / f"{name}.{suffix}"

    def manifest(self) -> dict[str, object]:
        try:
            data = json.loads(self.manifest_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise EndpointError(f"the build {self.folder} has no readable build.json: {error}") from None
        return data if isinstance(data, dict) else {}

    def open_store(self) -> ox.Store:
        """The build's embedded store, opened read-only from this real folder."""
        if not self.store.is_dir():
            raise EndpointError(f"no built store in {self.folder}: run 'sovkg build' first")
        try:
            return ox.Store.read_only(str(self.store))
        except OSError as error:
            raise EndpointError(f"cannot open the store of build {self.id}: {error}") from None

    @classmethod
    def at(cls, folder: Path) -> Build | None:
        """The build in ``folder`` if it is one (it has ``asserted.nt``), else None."""
        folder = folder.resolve()
        return cls(folder) if (folder / "asserted.nt").is_file() else None


class Dist:
    """The ``dist/`` folder of a project: where builds are staged, published, kept and pruned."""

    KEEP_PREVIOUS = 1

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def builds(self) -> Path:
        return self.path / "builds"

    @property
    def link(self) -> Path:
        return self.path / "current"

    @property
    def lock_file(self) -> Path:
        return self.path / ".lock"

    # --- reading ------------------------------------------------------------------------------

    def current(self, attempts: int = 20) -> Build:
        """The published build, its link resolved once and its folder held (shared lock) as long as
        the returned object lives, so that a concurrent build never prunes it mid-read.

        Raises:
            EndpointError: there is no build yet (run ``sovkg build``).
        """
        for _ in range(attempts):
            if not self.link.is_symlink():
                break
            target = self.link.resolve()
            try:
                fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
            except OSError:
                continue  # pruned between resolving and opening: resolve the link again
            fcntl.flock(fd, fcntl.LOCK_SH)
            if (target / "build.json").is_file():
                return Build(target, _Hold(fd))
            os.close(fd)
        raise EndpointError(f"no built store in {self.path}: run 'sovkg build' first")

    # --- writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, timeout: float | None = None,
             on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the publishing lock; wait for another holder up to ``timeout`` seconds."""
        limit = lock_timeout(timeout)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise write_failed(self.path, error) from None
        try:
            deadline = time.monotonic() + limit
            told = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    holder = self._holder()
                    if time.monotonic() >= deadline:
                        raise OutputError(f"another build holds the lock on {self.path} ({holder}) and did not "
                                          f"finish within {limit:g} s; nothing was written (wait for it, or "
                                          f"raise --lock-timeout / {LOCK_TIMEOUT_ENV})") from None
                    if not told and on_wait is not None:
                        on_wait(f"waiting for another build to finish ({holder}) ...")
                        told = True
                    time.sleep(0.1)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"pid {os.getpid()}: {' '.join(_command())} (since {time.strftime('%H:%M:%S')})"
                          .encode(), 0)
            yield
        finally:
            os.close(fd)

    def _holder(self) -> str:
        try:
            text = self.lock_file.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            text = ""
        return f"held by {text[:200]}" if text else "holder unknown"

    @contextlib.contextmanager
    def stage(self, timeout: float | None = None,
              on_wait: Callable[[str], None] | None = None) -> Iterator[Staging]:
        """A fresh staging folder, removed unless published.

        It is made under the lock (which also removes the staging folders of builds that died),
        then held by this build alone, an exclusive ``flock`` on the folder that any process the
        build hands it to holds as well, so that no other build removes it while it is written.
        The writing needs no lock; :meth:`Staging.publish` takes it again.
        """
        with self.lock(timeout, on_wait):
            self._clean_leftovers()
            build_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{os.getpid()}"
            try:
                self.builds.mkdir(parents=True, exist_ok=True)
                folder = self.builds / f"{STAGING}{build_id}"
                folder.mkdir()
                hold = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            except OSError as error:
                raise write_failed(self.builds, error) from None
            fcntl.flock(hold, fcntl.LOCK_EX)  # a new folder: nobody else can hold it yet
        staging = Staging(self, folder, build_id, hold_fd=hold, lock_timeout=timeout, on_wait=on_wait)
        try:
            yield staging
        finally:
            if staging.published is None:
                shutil.rmtree(folder, ignore_errors=True)
            staging.release()

    def _clean_leftovers(self) -> None:
        """Under the lock: staging folders of builds that died (no process holds them any more),
        half-removed builds, stray links."""
        if not self.builds.is_dir():
            return
        for entry in self.builds.iterdir():
            if entry.name.startswith(TRASH):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith(STAGING):
                fd = _held_alone(entry)
                if fd is None:
                    continue  # a live build is writing it
                try:
                    shutil.rmtree(entry, ignore_errors=True)
                finally:
                    os.close(fd)
        for entry in self.path.glob(".current-*"):
            with contextlib.suppress(OSError):
                entry.unlink()

    def _publish(self, folder: Path, build_id: str) -> Build:
        """Under the lock: make the complete staging folder a build and point ``current`` at it."""
        previous = self.link.resolve() if self.link.is_symlink() else None
        final = self.builds / build_id
        temporary = self.path / f".current-{os.getpid()}"
        try:
            os.rename(folder, final)
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            temporary.symlink_to(final.relative_to(self.path))
            os.replace(temporary, self.link)
        except OSError as error:
            if final.is_dir() and not (self.link.is_symlink() and self.link.resolve() == final):
                os.rename(final, folder)  # back to staging: removed by the caller, never taken for a build
            raise write_failed(self.link, error) from None
        self._prune(keep={final, previous})
        return Build(final)

    def _prune(self, keep: set[Path | None]) -> None:
        """Remove complete builds other than the current one, the one it replaced, and any a reader
        holds open. Each is renamed to a trash name first, so it never looks like a build again."""
        for entry in sorted(self.builds.iterdir()):
            if entry.name.startswith((STAGING, TRASH)) or not entry.is_dir() or entry.resolve() in keep:
                continue
            fd = _held_alone(entry)
            if fd is None:
                continue  # a reader has it open
            try:
                trash = self.builds / f"{TRASH}{entry.name}"
                os.rename(entry, trash)
                shutil.rmtree(trash, ignore_errors=True)
            except OSError:
                pass
            finally:
                os.close(fd)


def _held_alone(folder: Path) -> int | None:
    """The folder opened and locked for this process alone (its descriptor, to close once done
    with it), or None if another process holds it (a live build or a reader) or it is gone."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@dataclass
class Staging:
    """A build being written. Write its files, then :meth:`publish`; ``build.json`` goes last.

    ``hold_fd`` is the open staging folder this build holds locked (see :meth:`Dist.stage`); a
    process writing into the folder for the build inherits it.
    """

    dist: Dist
    folder: Path
    id: str
    published: Build | None = None
    hold_fd: int | None = None
    lock_timeout: float | None = None
    on_wait: Callable[[str], None] | None = None

    @property
    def build(self) -> Build:
        """The staging folder seen through the build layout (for writing its files)."""
        return Build(self.folder)

    def publish(self, manifest: dict[str, object]) -> Build:
        """Write ``build.json`` (which completes the folder), then, under the lock, publish it as
        ``current``."""
        try:
            path = self.folder / "build.json"
            partial = self.folder / ".build.json.partial"
            partial.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            os.replace(partial, path)
        except OSError as error:
            raise write_failed(self.folder / "build.json", error) from None
        with self.dist.lock(self.lock_timeout, self.on_wait):
            self.release()  # readers take a shared lock on a published folder
            self.published = self.dist._publish(self.folder, self.id)
        return self.published

    def release(self) -> None:
        """Let go of the staging folder's lock (done by publishing, or once the folder is removed)."""
        if self.hold_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.hold_fd)
            self.hold_fd = None


def _command() -> list[str]:
    return [Path(sys.argv[0]).name, *sys.argv[1:3]] if sys.argv else ["sovkg"]
