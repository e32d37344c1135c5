"""What a SPARQL text is, decided by a real parser (rdflib's), never by looking for keywords.

A keyword search is fooled by a variable named ``?select`` in an update, by a ``#`` inside an IRI or
by a keyword inside a long string; the parse tree is not.
"""

from __future__ import annotations

from typing import Any

from sovkg.errors import QueryError

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


def _parse_query(text: str, origin: str) -> Any:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(text)
    except ParseException as error:
        if _is_update(text):
            raise QueryError(f"{origin}: this is a SPARQL update; sovkg only runs queries "
                             "(SELECT, ASK, CONSTRUCT, DESCRIBE)") from None
        raise QueryError(f"{origin}:{error.lineno}:{error.col}: malformed SPARQL: {error.msg}") from None
    except (RecursionError, ValueError, TypeError) as error:
        raise QueryError(f"{origin}: malformed SPARQL: {error}") from None


def _is_update(text: str) -> bool:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except (ParseException, RecursionError, ValueError, TypeError):
        return False
    return True


def query_form(text: str, origin: str = "query") -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE.

    Raises:
        QueryError: the text is an update or is not SPARQL (exit 2).
    """
    parsed = _parse_query(text, origin)
    return FORMS[parsed[1].name]


def uses_service(text: str, origin: str = "query", update: bool = False) -> bool:
    """Whether a query (or an update) asks the engine to call another endpoint with SERVICE."""
    if update:
        from pyparsing import ParseException
        from rdflib.plugins.sparql.parser import parseUpdate

        try:
            parsed = parseUpdate(text)
        except (ParseException, RecursionError, ValueError, TypeError) as error:
            raise QueryError(f"{origin}: malformed SPARQL update: {error}") from None
    else:
        parsed = _parse_query(text, origin)
    return _has_service(parsed)


def _has_service(node: Any, depth: int = 0) -> bool:
    if depth > 500:
        return True  # absurdly deep: treat as unsafe rather than walk on
    if getattr(node, "name", None) == "ServiceGraphPattern":
        return True
    if isinstance(node, dict):
        return any(_has_service(value, depth + 1) for value in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_has_service(item, depth + 1) for item in node)
    return False


SERVICE_REFUSED = ("SERVICE (federated query) is off: it makes sovkg send requests to other servers "
                   "named in the query; add --allow-service to allow it")
