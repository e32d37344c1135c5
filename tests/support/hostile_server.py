"""An HTTP server on loopback that misbehaves on purpose, and records every request it receives.

Each behaviour is something a broken or malicious SPARQL endpoint does: redirect elsewhere, echo
the request (credentials included) in an error page, trickle bytes forever, stream an endless
answer, send a garbage status line, an enormous header, a truncated or broken chunked body, JSON
that is not a SPARQL result, an invalid IRI, a count without its variable.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time

JSON = b"application/sparql-results+json"


def _answer(status: str, body: bytes, content_type: bytes = JSON, extra: bytes = b"") -> bytes:
    return (f"HTTP/1.1 {status}\r\n".encode() + b"Content-Type: " + content_type + b"\r\n" + extra
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)


class HostileServer:
    """Serves one ``behaviour`` on 127.0.0.1 (or ``host``); ``requests`` holds the raw requests."""

    def __init__(self, behaviour: str, host: str = "127.0.0.1", target: str = "") -> None:
        self.behaviour, self.target = behaviour, target
        self.requests: list[bytes] = []
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                owner._handle(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.host = host
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _read_request(self, sock: socket.socket) -> bytes:
        sock.settimeout(10)
        data = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1].strip() or 0)
            while len(body) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                body += chunk
            data = head + b"\r\n\r\n" + body
        return data

    def _handle(self, sock: socket.socket) -> None:
        request = self._read_request(sock)
        self.requests.append(request)
        with contextlib.suppress(OSError):
            self._respond(sock, request)

    def _respond(self, sock: socket.socket, request: bytes) -> None:
        kind = self.behaviour
        head = request.partition(b"\r\n\r\n")[0]
        if kind == "redirect":
            sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + self.target.encode()
                         + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        elif kind == "echo":
            lines = request.split(b"\r\n")
            lines.sort(key=lambda line: not line.lower().startswith(b"authorization"))
            body = b"Internal error while handling: " + b" | ".join(lines)
            sock.sendall(_answer("500 Internal Server Error", body, b"text/plain"))
        elif kind == "trickle":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                         b"Content-Length: 100000\r\n\r\n")
            for _ in range(600):
                sock.sendall(b" ")
                time.sleep(1)
        elif kind == "endless":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n")
            opening = b'{"head":{"vars":["s"]},"results":{"bindings":['
            sock.sendall(b"%x\r\n%s\r\n" % (len(opening), opening))
            row = b'{"s":{"type":"literal","value":"' + b"x" * 200 + b'"}},' * 1
            block = row * 300
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                sock.sendall(b"%x\r\n%s\r\n" % (len(block), block))
        elif kind == "garbage-status":
            sock.sendall(b"SPARQL? \x00\xff what\r\n\r\n")
        elif kind == "huge-header":
            sock.sendall(b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * 70_000 + b"\r\nContent-Length: 2\r\n\r\n{}")
        elif kind == "truncated":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                         b"Content-Length: 5000\r\nConnection: close\r\n\r\n{\"head\":{\"vars\":[\"s\"]},")
        elif kind == "broken-chunks":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{\"head\"\r\n")
        elif kind == "no-head":
            sock.sendall(_answer("200 OK", b'{"results":{"bindings":[]}}'))
        elif kind == "bad-iri":
            sock.sendall(_answer("200 OK", b'{"head":{"vars":["s"]},"results":{"bindings":'
                                           b'[{"s":{"type":"uri","value":"not an iri at all"}}]}}'))
        elif kind == "not-json":
            sock.sendall(_answer("200 OK", b"<html>hello</html>", b"text/html"))
        elif kind == "wrong-count":
            # A store that answers every query with a count lacking the ?n the loader asked for.
            if b"GET " in head[:4] or b"query=" in request:
                sock.sendall(_answer("200 OK", b'{"head":{"vars":["x"]},"results":{"bindings":'
                                               b'[{"x":{"type":"literal","value":"1"}}]}}',
                                     extra=b"Server: Oxigraph\r\n"))
            else:
                sock.sendall(_answer("204 No Content", b""))
        elif kind == "ok-empty":
            sock.sendall(_answer("200 OK", b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'))
        else:
            raise ValueError(kind)
