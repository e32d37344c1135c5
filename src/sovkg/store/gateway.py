"""The front of ``sovkg serve``: an HTTP server that passes requests to the Oxigraph server behind it,
after refusing what Oxigraph itself cannot be told to refuse.

Oxigraph's server has no switch for SERVICE: any query could make it send requests to any URL and
return what it got. So every query (and, on a writable server, every update) is parsed here with a
real SPARQL parser (rdflib's) and one that uses SERVICE is refused with HTTP 403, unless the gateway
was started with ``allow_service``. A text that parser cannot read is refused too (HTTP 400), since
it cannot be checked. Everything else (the query page, its scripts, results) passes unchanged.
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sovkg.errors import QueryError
from sovkg.queries.form import SERVICE_REFUSED, uses_service

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "host", "content-length"}
MAX_REQUEST_BYTES = 10_000_000

# A hook for other pages served beside the endpoint: it gets the request handler and returns True
# if it answered the request itself.
Route = Callable[[BaseHTTPRequestHandler], bool]


class Gateway:
    """Listens on ``host:port`` and forwards to ``upstream_port`` on 127.0.0.1."""

    def __init__(self, host: str, port: int, upstream_port: int, allow_service: bool = False,
                 routes: tuple[Route, ...] = ()) -> None:
        gateway = self
        self.allow_service = allow_service
        self.upstream_port = upstream_port
        self.routes = routes

        class Handler(BaseHTTPRequestHandler):
            server_version = "sovkg"

            def _handle(self) -> None:
                for route in gateway.routes:
                    if route(self):
                        return
                length = self.headers.get("Content-Length") or "0"
                if not length.isdigit() or int(length) > MAX_REQUEST_BYTES:
                    self._refuse(413, "the request body is too large or its length is malformed")
                    return
                body = self.rfile.read(int(length)) if int(length) else b""
                refusal = gateway.refusal(self.command, self.path, self.headers.get("Content-Type", ""), body)
                if refusal is not None:
                    self._refuse(*refusal)
                    return
                gateway.forward(self, body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _handle

            def _refuse(self, status: int, message: str) -> None:
                payload = (message + "\n").encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        # Stopping must not wait for open connections (an idle keep-alive one would hold it up).
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="sovkg-gateway")

    def refusal(self, method: str, path: str, content_type: str, body: bytes) -> tuple[int, str] | None:
        """(status, message) if the request must not reach Oxigraph, else None."""
        if self.allow_service:
            return None
        parts = urllib.parse.urlsplit(path)
        texts: list[tuple[str, bool]] = []
        query = urllib.parse.parse_qs(parts.query)
        texts += [(text, False) for text in query.get("query", [])]
        texts += [(text, True) for text in query.get("update", [])]
        media = content_type.split(";")[0].strip().lower()
        if method == "POST":
            try:
                decoded = body.decode("utf-8")
            except UnicodeDecodeError:
                return 400, "the request body is not UTF-8"
            if media == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(decoded)
                texts += [(text, False) for text in form.get("query", [])]
                texts += [(text, True) for text in form.get("update", [])]
            elif media == "application/sparql-query":
                texts.append((decoded, False))
            elif media == "application/sparql-update":
                texts.append((decoded, True))
        for text, update in texts:
            try:
                if uses_service(text, "request", update=update):
                    return 403, SERVICE_REFUSED.replace("add --allow-service", "start sovkg serve with --allow-service")
            except QueryError as error:
                return 400, f"{error} (sovkg checks every query before Oxigraph runs it)"
        return None

    def forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=600)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
            connection.request(handler.command, handler.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            handler.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP:
                    handler.send_header(key, value)
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.close_connection = True
            if handler.command != "HEAD":
                while chunk := answer.read(65536):
                    handler.wfile.write(chunk)
        except (OSError, http.client.HTTPException):
            with contextlib.suppress(OSError):
                handler.send_error(502, "the SPARQL server behind sovkg did not answer")
        finally:
            connection.close()

    def start(self) -> Gateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
