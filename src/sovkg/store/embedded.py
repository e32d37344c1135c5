"""Writing a build's files and its embedded pyoxigraph store in a process of its own.

The store's bulk loading costs about as much as reasoning and validation together, and the
interpreter lock would keep it from overlapping them in a thread. So a build starts one
:class:`BuildWriter` process as soon as the input is parsed and hands it each graph file once
written: the N-Triples of the ontology and the asserted facts, then the inferred graph
(N-Triples and Turtle). The writer loads each into the store and writes the files made of them
(the combined files, the rest of the TriG) while the build reasons and validates.

The writer never outlives its build: it dies with it (a parent-death signal on Linux, the end of
its input everywhere), and a build that fails or is interrupted kills it and waits for it before
removing the staging folder (:mod:`sovkg.store.build` keeps that folder from being taken for a
build). Its failures come back as one line (an :class:`~sovkg.errors.OutputError`).

The folder layout is :mod:`sovkg.store.build`'s.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from sovkg.children import die_with_parent
from sovkg.errors import OutputError
from sovkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
from sovkg.store.build import Build, write_failed

NTRIPLES = ox.RdfFormat.N_TRIPLES
# Where the ontology part of the combined files waits for the inferred graph (removed once used).
ONTOLOGY_PART = ".ontology"
# Quads per bulk load: the store's loader holds them in memory (about 1 kB each) while the build
# validates beside it, so the graphs go in parts.
_PART = 250_000


class BuildWriter:
    """The writing process of one build, driven from the build's process.

    Call :meth:`facts` once the ontology's and the facts' N-Triples are written, :meth:`inferred` and
    :meth:`combined` once the inferred graph's N-Triples, then Turtle, are written, then
    :meth:`files` and :meth:`store` to wait for the two halves of the work; :meth:`stop` (also on
    leaving a ``with`` block) kills a writer that has not finished. ``keep_fds`` are open files the
    writer inherits and holds while it lives (the staging folder's lock).
    """

    def __init__(self, build: Build, keep_fds: tuple[int, ...] = ()) -> None:
        self.build = build
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self._process = subprocess.Popen(
            [sys.executable, "-m", "sovkg.store.embedded", str(build.folder), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors, pass_fds=keep_fds)

    def __enter__(self) -> BuildWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def facts(self) -> None:
        """The ontology's and the facts' N-Triples are written: load them into the store."""
        self._send({"step": "facts"})

    def inferred(self) -> None:
        """``inferred.nt`` is written: load it into the store."""
        self._send({"step": "inferred"})

    def combined(self) -> None:
        """``inferred.ttl`` is written too: write the combined files and the end of the TriG."""
        self._send({"step": "combined"})

    def files(self) -> None:
        """Wait until every graph file is written."""
        self._receive("files")

    def store(self) -> None:
        """Wait until the embedded store is loaded and closed; the writer has then exited."""
        self._send({"step": "finish"})
        self._receive("store")
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait()

    def stop(self) -> None:
        """Kill the writer if it still runs, and wait for it (it must never write into a folder
        being removed)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        self._errors.close()

    def _send(self, command: dict[str, str]) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write((json.dumps(command) + "\n").encode())
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._failure() from None

    def _receive(self, expected: str) -> None:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        try:
            answer = json.loads(line) if line else {}
        except ValueError:
            answer = {}
        if answer.get("done") == expected:
            return
        if "error" in answer:
            raise OutputError(str(answer["error"]))
        raise self._failure()

    def _failure(self) -> OutputError:
        """The error for a writer that stopped without saying why (killed, crashed)."""
        code = self._process.wait()
        how = f"was killed by signal {-code}" if code < 0 else f"stopped with exit code {code}"
        self._errors.seek(0)
        lines = self._errors.read().decode(errors="replace").strip().splitlines()
        detail = f" ({lines[-1][:300]})" if lines else ""
        return OutputError(f"the process writing the build's files and store {how}{detail}; "
                           "the previous build is still current")


# --- the writing process ----------------------------------------------------------------------


def _append(target: BinaryIO, part: Path) -> None:
    """Copy a Turtle or N-Triples file to the end of ``target``, less its prefix declarations
    (the file it is appended to declares the same ones at its top)."""
    with part.open("rb") as source:
        line = source.readline()
        while line.startswith(b"@prefix "):
            line = source.readline()
        target.write(line)
        shutil.copyfileobj(source, target, 1 << 20)


def _give_back_memory() -> None:
    """Hand the memory the store's loader freed back to the system (glibc keeps it otherwise)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


class _Writer:
    """What the writing process does, step by step, in the build folder."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self.store: ox.Store | None = None

    def facts(self) -> None:
        self.store = ox.Store(str(self.build.store))
        self._load(self.build.folder / f"{ONTOLOGY_PART}.nt", ONTOLOGY_GRAPH)
        self._load(self.build.graph_file("asserted", "nt"), ASSERTED_GRAPH)

    def inferred(self) -> None:
        self._load(self.build.graph_file("inferred", "nt"), INFERRED_GRAPH)

    def _load(self, ntriples: Path, graph: str) -> None:
        """Bulk load an N-Triples file into ``graph`` of the store, in parts. The store's loader
        gives the blank nodes of each text it reads new names, so a blank node named in two parts
        or two files (evidence stated in the facts and typed by reasoning) would become two: the
        lines that name one are read into terms, which keep their names, and the others are
        loaded as text (a fifth faster than as terms at a million triples)."""
        assert self.store is not None
        target = ox.NamedNode(graph)
        with ntriples.open("rb") as lines:
            while part := list(itertools.islice(lines, _PART)):
                named = [line for line in part if b"_:" in line]  # may hold "_:" elsewhere: no harm
                if named:
                    self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, target)
                                           for t in ox.parse(b"".join(named), NTRIPLES))
                text = b"".join(line for line in part if b"_:" not in line) if named else b"".join(part)
                if text:
                    self.store.bulk_load(text, NTRIPLES, to_graph=target)
                del part, named, text
                _give_back_memory()

    def combined(self) -> None:
        build = self.build
        turtle = build.graph_file("inferred", "ttl")
        with build.trig.open("ab") as trig:
            # Turtle statements are what a TriG graph block holds.
            trig.write(f"<{INFERRED_GRAPH}> {{\n".encode())
            _append(trig, turtle)
            trig.write(b"}\n")
        for suffix in ("ttl", "nt"):
            ontology = build.folder / f"{ONTOLOGY_PART}.{suffix}"
            with build.graph_file("combined", suffix).open("wb") as combined:
                with ontology.open("rb") as head:
                    shutil.copyfileobj(head, combined, 1 << 20)
                _append(combined, build.graph_file("asserted", suffix))
                _append(combined, build.graph_file("inferred", suffix))
            ontology.unlink()

    def finish(self) -> None:
        assert self.store is not None
        self.store.flush()
        self.store.optimize()
        self.store = None


def _serve(build: Build) -> int:
    """Run the steps the build sends, one JSON line each on standard input; answer on standard output.
    The end of the input before ``finish`` means the build is gone: stop without a word."""
    writer = _Writer(build)
    answers = {"combined": "files", "finish": "store"}
    for line in sys.stdin:
        step = json.loads(line)["step"]
        try:
            getattr(writer, step)()
        except OSError as error:
            what = Path(error.filename) if getattr(error, "filename", None) else build.folder
            for code, words in ((errno.ENOSPC, "No space left"), (errno.EFBIG, "File too large")):
                if error.errno is None and words in str(error):  # the store's own errors carry no number
                    error = OSError(code, os.strerror(code))
            message = str(write_failed(what, error))
            print(json.dumps({"error": message}), flush=True)
            return 1
        if step in answers:
            print(json.dumps({"done": answers[step]}), flush=True)
        if step == "finish":
            return 0
    return 0


if __name__ == "__main__":
    die_with_parent(int(sys.argv[2]))
    sys.exit(_serve(Build(Path(sys.argv[1]))))
