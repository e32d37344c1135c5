"""A local Oxigraph SPARQL server (the ``oxigraph`` command of the pip package ``oxigraph``).

Used by ``sovkg serve`` and by the tests, which start a real server on a free loopback port and
stop it by its process id.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sovkg.children import die_with_parent
from sovkg.errors import EndpointError


def oxigraph_command() -> str:
    """The ``oxigraph`` executable: beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise EndpointError("the oxigraph server is not installed: pip install 'oxigraph>=0.5.10'")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def load_files(location: Path, *files: Path) -> None:
    """Bulk-load RDF files into an Oxigraph database folder (atomically, per the oxigraph CLI)."""
    command = [oxigraph_command(), "load", "--location", str(location)]
    for file in files:
        command += ["--file", str(file)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise EndpointError(f"oxigraph load failed: {done.stderr.strip().splitlines()[-1] if done.stderr else ''}")


class OxigraphServer:
    """An ``oxigraph serve`` (or ``serve-read-only``) process on a loopback port."""

    def __init__(self, location: Path | None, host: str = "127.0.0.1", port: int | None = None,
                 read_only: bool = False, union_default_graph: bool = True, timeout_s: int | None = None,
                 cors: bool = False) -> None:
        self.location, self.host = location, host
        self.port = port or free_port(host)
        self.read_only, self.union = read_only, union_default_graph
        self.timeout_s, self.cors = timeout_s, cors
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    def command(self) -> list[str]:
        command = [oxigraph_command(), "serve-read-only" if self.read_only else "serve",
                   "--bind", f"{self.host}:{self.port}"]
        if self.location is not None:
            command += ["--location", str(self.location)]
        if self.union:
            command.append("--union-default-graph")
        if self.cors:
            command.append("--cors")
        if self.timeout_s is not None:
            command += ["--timeout-s", str(self.timeout_s)]
        return command

    def start(self, wait_s: float = 20.0) -> OxigraphServer:
        # SIGTERM, so that a server is never left orphaned holding its port
        parent = os.getpid()
        self.process = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        preexec_fn=lambda: die_with_parent(parent, signal.SIGTERM))
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise EndpointError(f"oxigraph server exited at start: {error.strip()}")
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=1):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise EndpointError(f"oxigraph server did not answer on {self.url} within {wait_s:.0f} s")

    def stop(self) -> None:
        """Stop the server this object started, by its process id."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
