"""A private Virtuoso Open Source 7 instance for the tests: its own folder, loopback ports, fresh
database, the default ``dba`` password changed before anything else, and a dedicated update user.

Needs the Debian package ``virtuoso-opensource-7-bin`` (``virtuoso-t`` and ``isql-vt``).
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from sovkg.store.oxigraph_server import free_port

INI = """[Database]
DatabaseFile    = {dir}/virtuoso.db
ErrorLogFile    = {dir}/virtuoso.log
LockFile        = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel   = 7
FileExtend      = 200
MaxCheckpointRemap = 2000
Striping        = 0
TempStorage     = TempDatabase

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping        = 0

[Parameters]
ServerPort      = 127.0.0.1:{sql_port}
DirsAllowed     = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 60
MaxQueryMem     = 200M
MaxSortedTopRows = 10000
; One thread per query: parallel query threads make counts far slower on a small machine.
ThreadsPerQuery = 1
AsyncQueueMaxThreads = 1

[HTTPServer]
ServerPort      = 127.0.0.1:{http_port}
ServerRoot      = {dir}
MaxClientConnections = 4
ServerThreads   = 4

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryExecutionTime      = 30
MaxQueryCostEstimationTime = 400
"""


def installed() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


class Virtuoso:
    """``virtuoso-t`` in the foreground, started and stopped by this object, by its process id."""

    def __init__(self, folder: Path, max_rows: int = 1000) -> None:
        self.folder = folder.resolve()
        self.sql_port, self.http_port = free_port(), free_port()
        while self.http_port == self.sql_port:
            self.http_port = free_port()
        self.max_rows = max_rows
        self.dba_password = "dba"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, wait_s: float = 90.0) -> Virtuoso:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "virtuoso.ini").write_text(INI.format(dir=self.folder, sql_port=self.sql_port,
                                                             http_port=self.http_port, max_rows=self.max_rows))
        log = (self.folder / "stdout.log").open("wb")
        self.process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
                                        cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited: {(self.folder / 'stdout.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/sparql?query=ASK%7B%7D", timeout=2):
                    if self._isql("select 1;", check=False).returncode == 0:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Virtuoso did not answer on {self.url} within {wait_s:.0f} s")

    def _isql(self, sql: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", self.dba_password,
                               "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"],
                              input=sql, capture_output=True, text=True, timeout=60)
        # isql-vt exits 0 even when a statement fails; its errors are on stderr.
        if check and "*** Error" in done.stderr:
            raise RuntimeError(f"isql failed: {done.stderr.strip()}")
        return done

    def provision(self, dba_password: str, user: str, password: str) -> None:
        """Change the default dba password first, then create a user that may update graphs."""
        self._isql(f"DB.DBA.USER_PASSWORD_SET('dba', '{dba_password}');")
        self.dba_password = dba_password
        self._isql(f"DB.DBA.USER_CREATE('{user}', '{password}');\n"
                   f"GRANT SPARQL_SELECT TO \"{user}\";\nGRANT SPARQL_UPDATE TO \"{user}\";\n"
                   f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{user}', 3);\n"
                   "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1);\n")

    def default_password_refused(self) -> bool:
        done = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF",
                               "PROMPT=OFF"], input="select 1;", capture_output=True, text=True, timeout=60)
        return "Bad login" in done.stdout + done.stderr

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
