"""An HTTP server on loopback that demands HTTP basic authentication and passes authorised
requests on to a real triplestore, as a reverse proxy in front of a store does."""

from __future__ import annotations

import base64
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class BasicAuthGateway:
    def __init__(self, target: str, user: str, password: str) -> None:
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.refused = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _relay(self) -> None:
                if self.headers.get("Authorization") != expected:
                    gateway.refused += 1
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="sovkg-test"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
                request = urllib.request.Request(target + self.path, data=body, method=self.command, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=60) as answer:
                        status, reply, payload = answer.status, answer.headers, answer.read()
                except urllib.error.HTTPError as error:
                    status, reply, payload = error.code, error.headers, error.read()
                self.send_response(status)
                for key in ("Content-Type", "Server"):
                    if reply.get(key):
                        self.send_header(key, reply[key])
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _relay

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BasicAuthGateway:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
