"""A TCP proxy on loopback that forwards to a real server and breaks one connection midway.

It stands between sovkg and a real triplestore to produce the fault a network produces: the
chosen request (counted from 1) is cut after ``cut_after`` bytes of it have reached the server,
and that connection is closed without an answer. Every other request passes untouched.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class FaultyProxy:
    def __init__(self, target_port: int, cut_request: int, cut_after: int = 2048, only: bytes | None = None) -> None:
        """Cut the ``cut_request``-th connection (counting only those whose request starts with
        ``only``, if given) after ``cut_after`` bytes."""
        self.target_port, self.cut_request, self.cut_after, self.only = target_port, cut_request, cut_after, only
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.cut = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        server = socket.create_connection(("127.0.0.1", self.target_port))
        first = client.recv(65536, socket.MSG_PEEK)
        counted = self.only is None or first.startswith(self.only)
        with self._lock:
            self.connections += counted
            number = self.connections if counted else 0
        limit = self.cut_after if number == self.cut_request else None
        threading.Thread(target=self._pipe, args=(server, client, None), daemon=True).start()
        self._pipe(client, server, limit)

    def _pipe(self, source: socket.socket, sink: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if limit is not None and sent + len(data) >= limit:
                    sink.sendall(data[: max(limit - sent, 0)])
                    self.cut = True
                    break
                sink.sendall(data)
                sent += len(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
