"""The exceptions sovkg raises, each mapped by the CLI to a fixed exit code.

Exit codes (as pySHACL uses them):
    0  success, or the data conforms
    1  the data does not conform (SHACL violations, failed checks, unverified quotes)
    2  unusable input: malformed Turtle or SPARQL, a missing file, a bad parameter
    3  a SPARQL endpoint or triplestore could not be reached or refused the request
    130  interrupted (Ctrl-C); nothing half-done is left behind
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_INPUT = 2
EXIT_ENDPOINT = 3
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C (SIGINT), as shells report it


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
