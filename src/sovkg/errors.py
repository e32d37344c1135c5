"""The exceptions sovkg raises, each mapped by the CLI to a fixed exit code.

Exit codes (the first three as pySHACL uses them):
    0   success, or the data conforms
    1   the data does not conform (SHACL violations, failed checks, unverified quotes)
    2   unusable input: malformed Turtle or SPARQL, a missing file, a bad parameter or URL
    3   a SPARQL endpoint or the embedded store could not be reached, refused the request,
        answered something unusable, or took longer or sent more than allowed
    4   an output could not be written (disk full, file size limit, read-only folder), or another
        build held the lock past the timeout; the previous build is still current
    70  an unexpected internal error (a bug: please report it with the command that caused it)
    130 interrupted (Ctrl-C); 143 terminated (SIGTERM)
"""

from __future__ import annotations

import base64
import re

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_INPUT = 2
EXIT_ENDPOINT = 3
EXIT_OUTPUT = 4
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class SovkgError(Exception):
    """Base of every error sovkg raises on purpose; its message says what to do next."""

    exit_code = EXIT_INPUT


class InputError(SovkgError):
    """A file or value cannot be used: malformed, missing or of the wrong kind."""

    exit_code = EXIT_INPUT


class QueryError(InputError):
    """A stored or ad-hoc query cannot be run as asked."""


class ValidationFailed(SovkgError):
    """The graph does not conform to the shapes or checks; carries the report."""

    exit_code = EXIT_VIOLATIONS

    def __init__(self, report: object, message: str = "the graph does not conform") -> None:
        super().__init__(message)
        self.report = report


class EndpointError(SovkgError):
    """A remote SPARQL endpoint or the embedded store could not do what was asked."""

    exit_code = EXIT_ENDPOINT


class OutputError(SovkgError):
    """An output could not be written, or the build lock could not be had in time."""

    exit_code = EXIT_OUTPUT


# --- secrets ------------------------------------------------------------------------------------
# Every secret sovkg reads (endpoint passwords) is registered here, and every message sovkg prints
# passes through redact(), so that no server echoing a request can make sovkg print a password.

_SECRETS: set[str] = set()
# An Authorization header's whole value, to the end of its line (or of an echoed " | "-joined line).
_AUTH_HEADER = re.compile(r"(?i)\b((?:proxy-)?authorization)\b(\"?\s*[:=]\s*)[^\r\n|}]*")
_SCHEME_TOKEN = re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{8,}")


def register_secret(user: str, password: str) -> None:
    """Remember a credential so that :func:`redact` removes it (and its encodings) from messages."""
    if not password:
        return
    import urllib.parse

    pair = f"{user}:{password}"
    _SECRETS.update({password, pair, urllib.parse.quote(password, safe=""), urllib.parse.quote_plus(password),
                     base64.b64encode(pair.encode()).decode(), base64.b64encode(password.encode()).decode()})


def redact(text: str) -> str:
    """The text with registered secrets, Authorization headers and auth tokens replaced by ***."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}*** ", text)
    return _SCHEME_TOKEN.sub(lambda m: f"{m.group(1)} ***", text)
