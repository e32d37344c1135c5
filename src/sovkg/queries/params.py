"""Turn the text a user typed for a parameter into an RDF term, or refuse it clearly."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pyoxigraph as ox

from sovkg.errors import QueryError
from sovkg.namespaces import ID_IRI
from sovkg.queries.library import Param, StoredQuery, mask_sparql

if TYPE_CHECKING:
    from sovkg.queries.lookup import Resolver

XSD = "http://www.w3.org/2001/XMLSchema#"
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_NAME = re.compile(r"^:?[A-Za-z][\w.-]*$")
_IRI = re.compile(r"^<?(https?://[^\s<>\"{}|\\^`]+)>?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def to_term(param: Param, raw: str) -> ox.NamedNode | ox.Literal:
    """The RDF term for ``raw`` as a value of ``param``.

    Raises:
        QueryError: the value is not of the parameter's kind; the message shows a good one.
    """
    value = raw.strip()
    if param.kind == "country":
        if not _COUNTRY.match(value):
            raise QueryError(f"parameter {param.name!r} takes an ISO 3166-1 alpha-2 country code such as US "
                             f"or FR, not {raw!r}")
        return ox.Literal(value.upper())
    if param.kind == "entity":
        iri = _IRI.match(value)
        if iri:
            if not iri.group(1).startswith(ID_IRI):
                raise QueryError(f"parameter {param.name!r} takes an entity of this graph ({ID_IRI}...), "
                                 f"not {raw!r}")
            return ox.NamedNode(iri.group(1))
        if _NAME.match(value):
            return ox.NamedNode(ID_IRI + value.lstrip(":"))
        raise QueryError(f"parameter {param.name!r} takes an entity name such as Nvidia or :JeanZay, not {raw!r}")
    if param.kind == "integer":
        if not _INTEGER.match(value):
            raise QueryError(f"parameter {param.name!r} takes a whole number, not {raw!r}")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
    if param.kind == "decimal":
        if not _DECIMAL.match(value):
            raise QueryError(f"parameter {param.name!r} takes a decimal number, not {raw!r}")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "decimal"))
    if not value or len(value) > 200 or any(ch in value for ch in "\n\r\t"):
        raise QueryError(f"parameter {param.name!r} takes a short single-line text, not {raw!r}")
    return ox.Literal(value)


def bind(query: StoredQuery, given: dict[str, str],
         resolver: Resolver | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
    """The terms to bind, keyed by query variable name (``_country``), defaults filled in.

    With a ``resolver`` (the graph's names), an entity or country is first looked up by the name
    a person uses (label, alias, local name, IRI, ISO code, any case); the entity found is then
    bound as an RDF term like any other value. An ambiguous or unknown name is refused, so a
    question never answers an empty table because of a name the graph does not know.

    Raises:
        QueryError: an unknown or missing parameter, a value of the wrong kind, or a name that
            the graph does not know or that names more than one entity.
    """
    for name in given:
        if query.param(name) is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise QueryError(f"{query.name} has no parameter {name!r} (its parameters: {known})")
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        raw = given.get(param.name, param.default)
        if raw is None:
            example = query.example or f"sovkg query {query.name} -p {param.name}=VALUE"
            raise QueryError(f"{query.name} needs the parameter {param.name!r} ({param.description or param.kind}); "
                             f"for example: {example}")
        if resolver is not None and param.kind == "entity":
            found = resolver.entity(raw, f"{param.name}")
            bound["_" + param.name] = found.term
        elif resolver is not None and param.kind == "country":
            bound["_" + param.name] = ox.Literal(resolver.country_code(raw, param.name))
        else:
            bound["_" + param.name] = to_term(param, raw)
    return bound


def with_values(text: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with a VALUES block of the bound terms opening its outermost WHERE group.

    This is how every engine binds parameters: each value is an RDF term in N-Triples syntax, so
    no value can close the block or add an operation, and the query text around it is untouched.
    """
    if not bindings:
        return text
    match = _WHERE.search(mask_sparql(text))
    if match is None:
        raise QueryError("a parameterised query needs an explicit 'WHERE {'")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return _open_where(text, match, f"\n  VALUES ({names}) {{ ({terms}) }}\n")


def with_value_list(text: str, name: str, terms: list[ox.NamedNode | ox.Literal]) -> str:
    """The query with ``VALUES ?name { ... }`` of several terms opening its outermost WHERE group.

    The terms are written in N-Triples syntax, as in :func:`with_values`, so no value can change
    the query around them. An empty list binds nothing, so the query answers nothing.
    """
    match = _WHERE.search(mask_sparql(text))
    if match is None:
        raise QueryError("a parameterised query needs an explicit 'WHERE {'")
    terms_text = " ".join(str(term) for term in dict.fromkeys(terms))
    return _open_where(text, match, f"\n  VALUES ?{name} {{ {terms_text} }}\n")


def _open_where(text: str, match: re.Match[str], block: str) -> str:
    return text[: match.end()] + block + text[match.end():]
