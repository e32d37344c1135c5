"""A small HTTP client for triplestores: basic or digest authentication, secrets kept out of sight.

Credentials come from ``SOVKG_ENDPOINT_USER`` and ``SOVKG_ENDPOINT_PASSWORD``, else from the
user's netrc file for the endpoint's host. They never appear in messages, logs or exceptions:
every URL shown is stripped of user information and query strings are not echoed.
"""

from __future__ import annotations

import netrc
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from sovkg.errors import EndpointError

AUTH_SCHEMES = ("basic", "digest")


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)

    @classmethod
    def find(cls, url: str) -> Credentials | None:
        """From the environment, else from netrc for the URL's host; None if neither has any."""
        user, password = os.environ.get("SOVKG_ENDPOINT_USER"), os.environ.get("SOVKG_ENDPOINT_PASSWORD")
        if user and password:
            return cls(user, password)
        host = urllib.parse.urlsplit(url).hostname or ""
        try:
            entry = netrc.netrc(os.environ.get("NETRC")).authenticators(host)
        except (FileNotFoundError, netrc.NetrcParseError):
            return None
        if entry and entry[0] and entry[2]:
            return cls(entry[0], entry[2])
        return None


def public_url(url: str) -> str:
    """The URL as it may be shown: no user information, no query string."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class HttpClient:
    """Sends requests to one server, authenticating with the scheme it was given."""

    def __init__(self, credentials: Credentials | None, scheme: str = "basic", timeout: float = 60.0) -> None:
        if scheme not in AUTH_SCHEMES:
            raise EndpointError(f"unknown authentication scheme {scheme!r}: use basic or digest")
        self.credentials, self.scheme, self.timeout = credentials, scheme, timeout
        handlers: list[urllib.request.BaseHandler] = []
        self.passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        if credentials is not None:
            handler = (urllib.request.HTTPDigestAuthHandler(self.passwords) if scheme == "digest"
                       else urllib.request.HTTPBasicAuthHandler(self.passwords))
            handlers.append(handler)
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, ok: tuple[int, ...] = (200, 201, 204)) -> Response:
        """Send one request; a status outside ``ok`` raises :class:`EndpointError`."""
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        if self.credentials is not None:
            self.passwords.add_password(None, url, self.credentials.user, self.credentials.password)  # type: ignore[arg-type]
        if self.credentials is not None and self.scheme == "digest" and body:
            # urllib answers a digest challenge by sending the whole body a second time; a server may
            # drop a large unauthenticated body first (Virtuoso does), so authenticate up front.
            authorization = self._digest_authorization(request)
            if authorization:
                request.add_unredirected_header("Authorization", authorization)
        if self.credentials is not None and self.scheme == "basic":
            # Send basic credentials up front: some stores answer 403, not 401, without them.
            import base64

            token = base64.b64encode(f"{self.credentials.user}:{self.credentials.password}".encode()).decode()
            request.add_unredirected_header("Authorization", f"Basic {token}")
        try:
            with self.opener.open(request, timeout=self.timeout) as answer:
                response = Response(answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read())
        except urllib.error.HTTPError as error:
            response = Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            reason = getattr(error, "reason", error)
            raise EndpointError(f"cannot reach {public_url(url)}: {reason}") from None
        if response.status in (401, 403):
            who = "no credentials were given" if self.credentials is None else \
                f"the password for user {self.credentials.user!r} was not accepted"
            raise EndpointError(f"{public_url(url)} refused access (HTTP {response.status}): {who}; "
                                "set SOVKG_ENDPOINT_USER and SOVKG_ENDPOINT_PASSWORD")
        if response.status not in ok:
            raise EndpointError(f"{method} {public_url(url)} failed with HTTP {response.status}: "
                                f"{_first_line(response.text(), self.credentials)}")
        return response


    def _digest_authorization(self, request: urllib.request.Request) -> str | None:
        """The Authorization header for ``request``, from a challenge fetched with a bodiless GET."""
        probe = urllib.request.Request(request.full_url, method="GET")
        try:
            with urllib.request.urlopen(probe, timeout=self.timeout):
                return None
        except urllib.error.HTTPError as error:
            challenge = error.headers.get("WWW-Authenticate", "")
            error.read()
        except (urllib.error.URLError, OSError):
            return None
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() != "digest":
            return None
        chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
        handler = next(h for h in self.opener.handlers if isinstance(h, urllib.request.HTTPDigestAuthHandler))
        return f"Digest {handler.get_authorization(request, chal)}"


def _first_line(text: str, credentials: Credentials | None) -> str:
    line = next((row.strip() for row in text.splitlines() if row.strip()), "(no message)")[:300]
    if credentials is not None and credentials.password:
        line = line.replace(credentials.password, "***")
    return line


def check_complete(headers: dict[str, str], where: str) -> None:
    """Refuse answers a store marks as cut short: Virtuoso answers a timed-out query with HTTP 200
    and partial rows, flagged only by its X-SQL-State header."""
    state = headers.get("x-sql-state")
    if state:
        message = headers.get("x-sql-message", "")
        raise EndpointError(f"{where} returned an incomplete answer ({state}: {message.strip()}); "
                            "the query timed out or hit a limit, so no result is given")


def check_row_limit(headers: dict[str, str], rows: int, where: str) -> None:
    """Refuse answers cut at the server's row limit (Virtuoso's ResultSetMaxRows, announced in the
    X-SPARQL-MaxRows header) rather than return part of an answer as if it were whole."""
    limit = headers.get("x-sparql-maxrows")
    if limit and limit.isdigit() and rows >= int(limit):
        raise EndpointError(f"{where} cut the answer at its limit of {limit} rows (X-SPARQL-MaxRows); "
                            "narrow the query or raise the server's ResultSetMaxRows")
