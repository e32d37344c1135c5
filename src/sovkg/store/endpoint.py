"""One client for SPARQL endpoints: the SPARQL 1.1 Protocol (query, update) and the Graph Store Protocol.

Used by ``sovkg query --endpoint``, ``sovkg sparql --endpoint`` and ``sovkg load`` alike, so that
all three take the same options and keep the same promises:

* **URLs**: only ``http`` and ``https`` with a host; anything else is refused before any request.
* **Credentials**: ``SOVKG_ENDPOINT_USER`` and ``SOVKG_ENDPOINT_PASSWORD``, else the netrc entry for
  the endpoint's host; HTTP basic (sent up front: some stores answer 403, not 401, without it) or
  digest (``--auth digest``; a request with a body is authenticated up front too, because a store
  may drop a large unauthenticated body, as Virtuoso does).
* **Redirects are never followed**: a redirect would carry the request, and its credentials, to an
  address nobody chose. The message names the target so that a user can choose it explicitly.
* **Deadline and size limit**: every request, from connecting to the last byte of the answer, ends
  within the deadline, and an answer larger than the limit is cut off; both are errors (exit 3).
* **Secrets** never appear in a message: every message passes :func:`sovkg.errors.redact`.
* **Results** are parsed by pyoxigraph's parsers (``parse_query_results``, ``parse``), not by hand.

The HTTP library is requests (auth objects, sessions). SPARQLWrapper, which most users of the
field know, is not used: it follows redirects with the credentials, has no size limit or overall
deadline, and parses results by hand; see the README.
"""

from __future__ import annotations

import hashlib
import json
import netrc
import os
import queue
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from sovkg.errors import EndpointError, InputError, redact, register_secret
from sovkg.store.endpoint_settings import AUTH_SCHEMES, DEADLINE_ENV, MAX_MB_ENV

DEFAULT_DEADLINE = 120.0
DEFAULT_MAX_MB = 200.0
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Credentials:
    """A user and password for an endpoint; the password never appears in a repr or a message."""

    user: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        register_secret(self.user, self.password)

    @classmethod
    def find(cls, url: str) -> Credentials | None:
        """From the environment, else from netrc for the URL's host; None if neither has any."""
        user, password = os.environ.get("SOVKG_ENDPOINT_USER"), os.environ.get("SOVKG_ENDPOINT_PASSWORD")
        if user and password:
            return cls(user, password)
        host = urllib.parse.urlsplit(url).hostname or ""
        try:
            entry = netrc.netrc(os.environ.get("NETRC")).authenticators(host)
        except (OSError, netrc.NetrcParseError):
            return None
        if entry and entry[0] and entry[2]:
            return cls(entry[0], entry[2])
        return None


def public_url(url: str) -> str:
    """The URL as it may be shown: no user information, no query string."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "(an invalid URL)"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def check_url(url: str, option: str = "--endpoint") -> str:
    """The URL if it is an absolute http(s) URL with a host, else an :class:`InputError` (exit 2)."""
    try:
        parts = urllib.parse.urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        parts, port_ok = None, False
    if not url or parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname \
            or not port_ok or any(c.isspace() for c in url):
        shown = redact(url[:80]) if url else "an empty value"
        raise InputError(f"{option} must be an http:// or https:// URL with a host, not {shown!r}")
    if parts.username or parts.password:
        raise InputError(f"{option} must not carry a user or password; use SOVKG_ENDPOINT_USER and "
                         "SOVKG_ENDPOINT_PASSWORD or a netrc file")
    return url


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


def deadline_seconds(given: float | None = None) -> float:
    return _number(given, DEADLINE_ENV, DEFAULT_DEADLINE)


def max_bytes(given_mb: float | None = None) -> int:
    return int(_number(given_mb, MAX_MB_ENV, DEFAULT_MAX_MB) * 1_000_000)


def _number(given: float | None, env: str, default: float) -> float:
    if given is not None:
        value: float = given
    else:
        raw = os.environ.get(env)
        try:
            value = float(raw) if raw else default
        except ValueError:
            raise InputError(f"{env}={raw!r} is not a number") from None
    if not value > 0:
        raise InputError(f"{env.lower()} must be a positive number, not {value}")
    return value


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Solutions:
    """The rows of a SELECT answer; a cell is None where a variable is unbound."""

    variables: list[str]
    rows: list[list[Any]]


class _Worker:
    """One daemon thread that makes this endpoint's requests, so that the caller can give up at the
    deadline even when a server trickles bytes forever (no socket timeout catches that). One thread
    per endpoint also keeps requests' digest state, which is per thread, from one request to the next."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Callable[[], Any], dict[str, Any], threading.Event]] = queue.Queue()
        self.thread: threading.Thread | None = None

    def run(self, job: Callable[[], Any], seconds: float) -> Any:
        if self.thread is None or not self.thread.is_alive():
            self.thread = threading.Thread(target=self._loop, daemon=True, name="sovkg-endpoint")
            self.thread.start()
        box: dict[str, Any] = {}
        done = threading.Event()
        self.jobs.put((job, box, done))
        if not done.wait(seconds):
            self.thread = None  # abandoned: it may still be reading; the next request gets a new one
            raise TimeoutError
        if "error" in box:
            raise box["error"]
        return box["result"]

    def _loop(self) -> None:
        while True:
            job, box, done = self.jobs.get()
            try:
                box["result"] = job()
            except BaseException as error:
                box["error"] = error
            finally:
                done.set()
            if threading.current_thread() is not self.thread:
                return


class Endpoint:
    """A SPARQL endpoint reached at ``url`` (and, for loads, its update and Graph Store URLs).

    Args:
        url: the query endpoint (or a store's base URL).
        auth: ``basic`` (default) or ``digest``.
        deadline: seconds each request may take in all (default $SOVKG_ENDPOINT_DEADLINE, else 120).
        max_mb: largest answer accepted, in MB (default $SOVKG_ENDPOINT_MAX_MB, else 200).
        also: further URLs of the same store given explicitly (update, Graph Store); credentials are
            sent to these origins and no other.
    """

    def __init__(self, url: str, auth: str | None = None, deadline: float | None = None,
                 max_mb: float | None = None, also: tuple[str | None, ...] = (),
                 credentials: Credentials | bool | None = True) -> None:
        self.url = check_url(url)
        for extra in also:
            if extra is not None:
                check_url(extra, "an endpoint URL")
        self.scheme = auth or "basic"
        if self.scheme not in AUTH_SCHEMES:
            raise InputError(f"unknown authentication scheme {self.scheme!r}: use basic or digest")
        self.deadline = deadline_seconds(deadline)
        self.max_bytes = max_bytes(max_mb)
        self.credentials = Credentials.find(url) if credentials is True else (credentials or None)
        self.trusted = {_origin(self.url), *(_origin(u) for u in also if u)}
        self._worker = _Worker()
        self._auth: Any = None
        if self.credentials is not None:
            from requests.auth import HTTPBasicAuth, HTTPDigestAuth

            self._auth = (HTTPDigestAuth if self.scheme == "digest" else HTTPBasicAuth)(
                self.credentials.user, self.credentials.password)

    def with_auth(self, scheme: str) -> Endpoint:
        """The same endpoint with another authentication scheme (the loader picks one per store)."""
        if scheme == self.scheme:
            return self
        other = Endpoint(self.url, scheme, self.deadline, self.max_bytes / 1_000_000, credentials=self.credentials)
        other.trusted = self.trusted
        return other

    @property
    def public(self) -> str:
        return public_url(self.url)

    # --- raw requests -------------------------------------------------------------------------

    def request(self, method: str, url: str | None = None, body: bytes | None = None,
                headers: dict[str, str] | None = None, ok: tuple[int, ...] = (200, 201, 204)) -> Response:
        """Send one request; a status outside ``ok`` raises :class:`EndpointError` (exit 3)."""
        url = url or self.url
        check_url(url, "an endpoint URL")
        shown = public_url(url)
        start = time.monotonic()
        try:
            response = self._worker.run(lambda: self._send(method, url, body, headers or {}), self.deadline)
        except TimeoutError:
            raise EndpointError(f"{shown} did not finish answering within {self.deadline:g} s "
                                f"(--deadline / {DEADLINE_ENV}); no answer is given") from None
        except EndpointError as error:
            raise EndpointError(redact(str(error))) from None
        except Exception as error:
            raise self._failure(error, shown, time.monotonic() - start) from None
        if 300 <= response.status < 400:
            target = response.headers.get("location", "")
            where = public_url(urllib.parse.urljoin(url, target)) if target else "an unnamed address"
            raise EndpointError(f"{shown} redirected the request (HTTP {response.status}) to {where}; sovkg does "
                                "not follow redirects, so that no request or credential goes where nobody sent "
                                "it: give that URL yourself if you trust it")
        if response.status in (401, 403):
            who = "no credentials were given" if self.credentials is None else \
                f"the password for user {self.credentials.user!r} was not accepted"
            raise EndpointError(f"{shown} refused access (HTTP {response.status}): {who}; "
                                "set SOVKG_ENDPOINT_USER and SOVKG_ENDPOINT_PASSWORD (or a netrc entry)")
        if response.status not in ok:
            raise EndpointError(f"{method} {shown} failed with HTTP {response.status}: "
                                f"{_first_line(response.text())}")
        return response

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Response:
        import requests

        auth = self._auth if _origin(url) in self.trusted else None
        # A fresh session (so a fresh connection) per request: a pooled connection the server has
        # since closed would fail the next request, and requests does not retry (nor should it, for
        # an update). trust_env off: no netrc or proxy settings read behind sovkg's back.
        with requests.Session() as session:
            session.trust_env = False
            if auth is not None and self.scheme == "digest" and body and \
                    not getattr(auth._thread_local, "last_nonce", ""):
                # Get the digest challenge with a bodiless request first, so that the body goes out
                # only once, already authenticated.
                self._read(session.request("GET", url, auth=auth, stream=True, allow_redirects=False,
                                           timeout=self._timeouts()), url)
            answer = session.request(method, url, data=body, headers=headers, auth=auth, stream=True,
                                     allow_redirects=False, timeout=self._timeouts())
            return self._read(answer, url)

    def _timeouts(self) -> tuple[float, float]:
        return (min(self.deadline, 30.0), self.deadline)

    def _read(self, answer: Any, url: str) -> Response:
        """The whole answer, refused as soon as it passes the size limit."""
        try:
            declared = answer.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise self._too_large(url)
            chunks, size = [], 0
            for chunk in answer.iter_content(65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise self._too_large(url)
                chunks.append(chunk)
            return Response(answer.status_code, {k.lower(): v for k, v in answer.headers.items()}, b"".join(chunks))
        finally:
            answer.close()

    def _too_large(self, url: str) -> EndpointError:
        return EndpointError(f"{public_url(url)} sent an answer larger than {self.max_bytes / 1_000_000:g} MB "
                             f"(--max-mb / {MAX_MB_ENV}); it was cut off and no answer is given")

    def _failure(self, error: Exception, shown: str, elapsed: float) -> EndpointError:
        import requests

        root: BaseException = error
        while root.__cause__ is not None or root.__context__ is not None:
            root = root.__cause__ or root.__context__  # type: ignore[assignment]
        reason = redact(str(root) or type(root).__name__)
        reason = reason.split(": ", 1)[-1] if "Connection(" in reason else reason
        if isinstance(error, requests.exceptions.Timeout):
            return EndpointError(f"{shown} did not answer within {self.deadline:g} s "
                                 f"(--deadline / {DEADLINE_ENV})")
        if isinstance(error, requests.exceptions.ConnectionError) and elapsed < 1 and "refused" in reason.lower():
            return EndpointError(f"cannot reach {shown}: connection refused (is the server running?)")
        if isinstance(error, requests.exceptions.ConnectionError) and "Failed to resolve" in reason:
            return EndpointError(f"cannot reach {shown}: its host name could not be resolved")
        if isinstance(error, requests.exceptions.ConnectionError) and not isinstance(
                error.__context__, requests.exceptions.ChunkedEncodingError):
            return EndpointError(f"cannot reach {shown} or it broke the connection: {reason[:300]}")
        return EndpointError(f"{shown} sent a broken HTTP answer: {reason[:300]}")

    # --- SPARQL 1.1 Protocol ------------------------------------------------------------------

    def query(self, text: str, form: str, default_graphs: list[str] | None = None,
              extra: dict[str, str] | None = None) -> Response:
        """POST a query (form-encoded); ``form`` (SELECT, ASK, CONSTRUCT, DESCRIBE) picks what to accept."""
        fields: list[tuple[str, str]] = [("query", text)]
        fields += [("default-graph-uri", graph) for graph in default_graphs or []]
        fields += list((extra or {}).items())
        accept = RDF_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else f"{SPARQL_JSON}, {SPARQL_XML};q=0.5"
        answer = self.request("POST", self.url, urllib.parse.urlencode(fields).encode(),
                              {"Content-Type": FORM, "Accept": accept})
        check_complete(answer.headers, self.public)
        return answer

    def results(self, answer: Response) -> Solutions | bool:
        """A SELECT answer (its variables and rows) or an ASK answer, parsed by pyoxigraph."""
        media = answer.media_type
        body = answer.body
        if "xml" in media:
            fmt = ox.QueryResultsFormat.XML
        else:
            fmt = ox.QueryResultsFormat.JSON
            body = _normalise_blank_nodes(body, self.public)
        try:
            parsed = ox.parse_query_results(body, format=fmt)
            if isinstance(parsed, ox.QueryBoolean):
                return bool(parsed)
            variables = [v.value for v in parsed.variables]
            # The parser is lazy: a broken document shows only while reading the rows.
            return Solutions(variables, [[row[name] for name in variables] for row in parsed])
        except (SyntaxError, ValueError, UnicodeError) as error:
            raise EndpointError(f"{self.public} did not send a complete SPARQL result document "
                                f"({_first_line(str(error))}); if the query timed out on the server, "
                                "narrow it or raise the server's limit") from None

    def triples(self, answer: Response) -> list[ox.Triple]:
        """A CONSTRUCT or DESCRIBE answer, parsed by pyoxigraph in the format the server named."""
        fmt = ox.RdfFormat.from_media_type(answer.media_type) if answer.media_type else None
        if fmt is None and answer.media_type in ("text/plain", ""):
            fmt = ox.RdfFormat.N_TRIPLES
        if fmt is None:
            raise EndpointError(f"{self.public} answered in {answer.media_type!r}, not an RDF format sovkg reads")
        try:
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(answer.body, format=fmt)]
        except (SyntaxError, ValueError, UnicodeError) as error:
            raise EndpointError(f"{self.public} did not send a complete RDF document ({_first_line(str(error))})"
                                ) from None

    def update(self, text: str, url: str) -> None:
        self.request("POST", url, urllib.parse.urlencode({"update": text}).encode(),
                     {"Content-Type": FORM, "Accept": "*/*"})

    # --- Graph Store Protocol -----------------------------------------------------------------

    def put_graph(self, url: str, body: bytes, media_type: str = "application/n-triples") -> None:
        self.request("PUT", url, body, {"Content-Type": media_type})


def _first_line(text: str) -> str:
    line = next((row.strip() for row in text.splitlines() if row.strip()), "(no message)")
    return redact(line[:300])


def _normalise_blank_nodes(body: bytes, where: str) -> bytes:
    """Stores label blank nodes as they like (Virtuoso: ``nodeID://b10001``), which pyoxigraph's
    parser rightly refuses; give each label a valid identifier of its own before parsing."""
    if b'"bnode"' not in body:
        return body
    try:
        data = json.loads(body)
        for row in data["results"]["bindings"]:
            for term in row.values():
                if isinstance(term, dict) and term.get("type") == "bnode":
                    term["value"] = "b" + hashlib.sha1(str(term.get("value")).encode()).hexdigest()[:16]
    except (ValueError, KeyError, TypeError, AttributeError):
        return body  # malformed: pyoxigraph's parser says how
    return json.dumps(data).encode()


def check_complete(headers: dict[str, str], where: str) -> None:
    """Refuse answers a store marks as cut short: Virtuoso answers a timed-out query with HTTP 200
    and partial rows, flagged only by its X-SQL-State header."""
    state = headers.get("x-sql-state")
    if state:
        message = headers.get("x-sql-message", "")
        raise EndpointError(f"{where} returned an incomplete answer ({state}: {redact(message.strip())[:200]}); "
                            "the query timed out or hit a limit, so no result is given")


def check_row_limit(headers: dict[str, str], rows: int, where: str) -> None:
    """Refuse answers cut at the server's row limit (Virtuoso's ResultSetMaxRows, announced in the
    X-SPARQL-MaxRows header) rather than return part of an answer as if it were whole."""
    limit = headers.get("x-sparql-maxrows")
    if limit and limit.isdigit() and rows >= int(limit):
        raise EndpointError(f"{where} cut the answer at its limit of {limit} rows (X-SPARQL-MaxRows); "
                            "narrow the query or raise the server's ResultSetMaxRows")
