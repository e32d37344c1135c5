"""The web front of ``sovkg serve``: the site, entity IRIs with content negotiation, the ontology
at its own path, and everything else passed on to the SPARQL server behind it.

    /id/<Name>               the entity's page for a browser; Turtle, JSON-LD or N-Triples for a
                             client whose Accept header asks for them (also /id/<Name>.ttl, .jsonld)
    /ontology                the ontology's documentation, or the ontology itself as Turtle/JSON-LD
    /.well-known/void        the VoID/DCAT description, naming this server's SPARQL endpoint
    /index.html, /matrix.html, /assets/..., ...   the static site
    anything else            the Oxigraph server: its query page at /, the endpoint at /query

The standard library's threaded HTTP server is enough for a local, read-mostly front; the proxy
is a plain pass-through of method, headers and body with http.client.
"""

from __future__ import annotations

import http.client
import mimetypes
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from sovkg.namespaces import ID_IRI, PREFIXES, SOV_IRI
from sovkg.project import Project
from sovkg.site.model import Graph
from sovkg.store.oxigraph_server import free_port

RDF_TYPES = {  # media type -> (pyoxigraph format, file suffix)
    "text/turtle": (ox.RdfFormat.TURTLE, ".ttl"),
    "application/ld+json": (ox.RdfFormat.JSON_LD, ".jsonld"),
    "application/n-triples": (ox.RdfFormat.N_TRIPLES, ".nt"),
    "application/rdf+xml": (ox.RdfFormat.RDF_XML, ".rdf"),
}
HTML = "text/html"
ONTOLOGY_IRI = "https://w3id.org/sovkg/ontology"
SITE_FOLDERS = ("/id/", "/country/", "/questions/", "/assets/")
SITE_WAIT_S = 300
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
               "transfer-encoding", "upgrade", "host", "content-length"}


def negotiate(accept: str | None, offered: list[str]) -> str:
    """The offered media type the Accept header prefers: each offer takes the weight of the most
    specific range that matches it (exact, then type/*, then */*); ties go to the first offered."""
    ranges: dict[str, float] = {}
    for part in (accept or "*/*").split(","):
        fields = [f.strip() for f in part.split(";")]
        weight = 1.0
        for parameter in fields[1:]:
            if parameter.startswith("q="):
                try:
                    weight = float(parameter[2:])
                except ValueError:
                    weight = 0.0
        if fields[0]:
            ranges[fields[0].lower()] = weight

    def weight(media: str) -> float:
        for key in (media, media.split("/")[0] + "/*", "*/*"):
            if key in ranges:
                return ranges[key]
        return 0.0

    best = max(offered, key=lambda media: (weight(media), -offered.index(media)))
    return best if weight(best) > 0 else offered[0]


def _is_site_path(path: str) -> bool:
    """Paths of the site's own layout; every other one (/, /query, the query page's scripts)
    belongs to the SPARQL server."""
    top = path.lstrip("/")
    return (path.startswith(SITE_FOLDERS) or path in ("/ontology", "/ontology/", "/.well-known/void", "/void.ttl")
            or ("/" not in top and top.endswith(".html")))


class SiteFront:
    """The front server: serves ``site`` and the build's entities, and passes the rest to ``backend``."""

    def __init__(self, project: Project, build: Path, host: str = "127.0.0.1", port: int = 7878,
                 site: Path | None = None) -> None:
        self.project, self.build, self.given_site = project, build, site
        self.host, self.port = host, port
        # The SPARQL server behind this front listens on a private loopback port.
        self.backend_host, self.backend_port = "127.0.0.1", free_port()
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SiteFront:
        """Listen at once (the SPARQL endpoint answers straight away), and write the site if
        dist/site is missing or of another build; its pages answer once it is written."""
        self.graph = Graph.read(self.build)
        self.ready = threading.Event()
        self.failure: str | None = None
        self.site = self.given_site or self.project.dist / "site"
        if self.given_site is None:
            threading.Thread(target=self._write_site, name="sovkg-site-writer", daemon=True).start()
        else:
            self.ready.set()
        front = self

        class Handler(_Handler):
            owner = front

        self.httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self.httpd.server_address[1]  # the port given, or the one taken for --port 0
        self.httpd.daemon_threads = True
        # Stopping must not wait for open connections (an idle keep-alive one would hold it up).
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="sovkg-site", daemon=True)
        self.thread.start()
        return self

    def _write_site(self) -> None:
        from sovkg.errors import SovkgError
        from sovkg.site.pages import site_for_serving

        try:
            self.site = site_for_serving(self.project, self.build)
        except SovkgError as error:
            self.failure = str(error)
            sys.stderr.write(f"sovkg: error: the site could not be written: {error}\n")
        finally:
            self.ready.set()

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    # ------------------------------------------------------------------ what it answers

    def entity_triples(self, iri: str) -> list[ox.Triple]:
        """The entity's statements, stated and inferred, with its evidence nodes in full."""
        triples: list[ox.Triple] = []
        seen: set[str] = set()
        pending = [iri]
        while pending:
            subject = pending.pop()
            if subject in seen:
                continue
            seen.add(subject)
            node: ox.NamedNode | ox.BlankNode = (ox.BlankNode(subject[2:]) if subject.startswith("_:")
                                                 else ox.NamedNode(subject))
            for graph in ("asserted", "inferred"):
                for predicate, value in self.graph.index(graph).get(subject, []):
                    triples.append(ox.Triple(node, ox.NamedNode(predicate), value))
                    if isinstance(value, ox.BlankNode):
                        pending.append("_:" + value.value)
        return list(dict.fromkeys(triples))

    def ontology_triples(self) -> list[ox.Triple]:
        return [ox.Triple(ox.BlankNode(s[2:]) if s.startswith("_:") else ox.NamedNode(s), ox.NamedNode(p), o)
                for s, pairs in self.graph.ontology.items() for p, o in pairs]

    def void(self) -> bytes:
        from sovkg.release import void_graph

        graph = void_graph(self.project, self.build, endpoint=f"{self.url}/query")
        return graph.serialize(format="turtle").encode("utf-8")  # type: ignore[attr-defined]


def serialize(triples: list[ox.Triple], media: str) -> bytes:
    fmt = RDF_TYPES[media][0]
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) if prefixes else ox.serialize(triples, format=fmt)


class _Handler(BaseHTTPRequestHandler):
    owner: SiteFront
    protocol_version = "HTTP/1.1"
    server_version = "sovkg"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a local server for one user; errors reach the browser."""

    # ------------------------------------------------------------------ routing

    def do_GET(self) -> None:
        self._route(head=False)

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_POST(self) -> None:
        self._proxy()

    def do_PUT(self) -> None:
        self._proxy()

    def do_DELETE(self) -> None:
        self._proxy()

    def _route(self, head: bool) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if not _is_site_path(path):
            return self._proxy()
        if not self.owner.ready.wait(timeout=SITE_WAIT_S) or self.owner.failure:
            message = self.owner.failure or "the site is still being written; try again in a moment"
            return self._send(503, "text/plain; charset=utf-8", f"{message}\n".encode(), head)
        if path.startswith("/id/") and len(path) > 4:
            return self._entity(urllib.parse.unquote(path[4:]), head)
        if path in ("/ontology", "/ontology/"):
            return self._ontology(head)
        if path == "/.well-known/void":
            return self._send(200, "text/turtle", self.owner.void(), head)
        file = self._site_file(path)
        if file is not None:
            return self._send(200, mimetypes.guess_type(file.name)[0] or "application/octet-stream",
                              file.read_bytes(), head)
        return self._proxy()

    def _site_file(self, path: str) -> Path | None:
        root = self.owner.site.resolve()
        target = (root / urllib.parse.unquote(path).lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if target.is_file() and target.is_relative_to(root):
            return target
        return None

    def _entity(self, name: str, head: bool) -> None:
        suffix = next((media for media, (_, ext) in RDF_TYPES.items() if name.endswith(ext)), None)
        if name.endswith(".html"):
            name, media = name[:-5], HTML
        elif suffix:
            name, media = name[: -len(RDF_TYPES[suffix][1])], suffix
        else:
            media = negotiate(self.headers.get("Accept"), [HTML, *RDF_TYPES])
        iri = ID_IRI + name
        page = self.owner.site / "id" / f"{name}.html"
        if iri not in self.owner.graph.asserted or "/" in name:
            return self._send(404, "text/plain; charset=utf-8",
                              f"No entity {iri} in this build.\n".encode(), head)
        if media == HTML:
            return self._send(200, "text/html; charset=utf-8", page.read_bytes(), head, vary=True)
        return self._send(200, media, serialize(self.owner.entity_triples(iri), media), head, vary=True)

    def _ontology(self, head: bool) -> None:
        media = negotiate(self.headers.get("Accept"), [HTML, *RDF_TYPES])
        if media == HTML:
            body = (self.owner.site / "ontology.html").read_bytes()
            # The page's links are relative to the site's root, which /ontology shares.
            return self._send(200, "text/html; charset=utf-8", body, head, vary=True)
        return self._send(200, media, serialize(self.owner.ontology_triples(), media), head, vary=True)

    # ------------------------------------------------------------------ answers

    def _send(self, status: int, media: str, body: bytes, head: bool, vary: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        if vary:
            self.send_header("Vary", "Accept")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _proxy(self) -> None:
        """Pass the request on to the SPARQL server and its answer back."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(self.owner.backend_host, self.owner.backend_port, timeout=300)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
        except OSError as error:
            message = f"the SPARQL server behind this site did not answer: {error}\n".encode()
            return self._send(502, "text/plain; charset=utf-8", message, self.command == "HEAD")
        finally:
            connection.close()
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


__all__ = ["SOV_IRI", "SiteFront", "negotiate"]
