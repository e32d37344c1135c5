"""SHACL core shapes evaluated as SPARQL over the whole pyoxigraph store.

pySHACL walks the graph focus node by focus node in Python, on an rdflib copy of the graph; on a
graph of a million triples that takes minutes. Here each constraint of a shape becomes one SPARQL
query over all of its targets at once, which returns only the focus nodes (and value nodes) that
break it, so the work stays inside the store's engine. The shapes stay the rules; pySHACL stays
the reference (``--validator pyshacl``), and a test checks that both report the same violations on
every shape fixture and on the graph.

Supported: targets (class, subjects of, objects of, node), property shapes with a predicate or an
inverse path, and the constraint components class, datatype, nodeKind, minCount, maxCount,
minLength, maxLength, pattern, languageIn, min/max inclusive/exclusive, hasValue, in, and, or, not.
A shape that uses anything else raises :class:`Unsupported`, and validation falls back to pySHACL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sovkg.errors import InputError

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Lexical forms of the datatypes the shapes use: a literal typed xsd:integer whose text is not an
# integer breaks sh:datatype (as in pySHACL, which asks rdflib whether the literal is ill-typed).
_LEXICAL = {
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "decimal": r"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$",
    XSD + "boolean": r"^(true|false|1|0)$",
    XSD + "date": r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "gYear": r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "gYearMonth": r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
_VALUE_COMPONENTS = {"class", "datatype", "nodeKind", "minLength", "maxLength", "pattern", "languageIn",
                     "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "in", "and", "or", "not"}
_COUNT_COMPONENTS = {"minCount", "maxCount", "hasValue"}
_IGNORED = {"path", "message", "name", "description", "order", "group", "flags", "property", "targetClass",
            "targetNode", "targetSubjectsOf", "targetObjectsOf", "deactivated", "severity", "defaultValue"}
_OPERATORS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
_DEFAULT_MESSAGES = {
    "class": "value is not an instance of {0}",
    "datatype": "value is not a literal of datatype {0}",
    "nodeKind": "value is not of node kind {0}",
    "minCount": "fewer than {0} values",
    "maxCount": "more than {0} values",
    "minLength": "value is shorter than {0} characters",
    "maxLength": "value is longer than {0} characters",
    "pattern": "value does not match the pattern {0}",
    "languageIn": "value's language is not one of {0}",
    "minInclusive": "value is not at least {0}",
    "maxInclusive": "value is not at most {0}",
    "minExclusive": "value is not more than {0}",
    "maxExclusive": "value is not less than {0}",
    "hasValue": "does not have the value {0}",
    "in": "value is not one of {0}",
    "and": "value does not conform to every shape listed",
    "or": "value conforms to none of the shapes listed",
    "not": "value conforms to a shape it must not conform to",
}


class Unsupported(Exception):
    """The shapes use a SHACL feature this evaluator does not compile."""


@dataclass(frozen=True)
class Result:
    """One violation: the node shape's label, focus node, path, value node and message."""

    shape: ox.NamedNode | ox.BlankNode
    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    path: str | None
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    message: str


@dataclass(frozen=True)
class Check:
    """One compiled constraint: the query that lists its violations, and how to report them."""

    shape: ox.NamedNode | ox.BlankNode
    path: str | None
    message: str
    query: str
    value: str  # which node is the value reported: "focus", "value" or "none"


def _sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


class Compiler:
    """Compiles the shapes of a shapes graph into one SPARQL query per constraint."""

    def __init__(self, shapes: ox.Store) -> None:
        self.shapes = shapes
        self._names = itertools.count()

    # --- reading the shapes graph ---------------------------------------------------------

    def _objects(self, subject: object, name: str) -> list[object]:
        return [q.object for q in self.shapes.quads_for_pattern(subject, _sh(name), None)]

    def _one(self, subject: object, name: str) -> object | None:
        values = self._objects(subject, name)
        return values[0] if values else None

    def _list(self, head: object) -> list[object]:
        first, rest, nil = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
        items: list[object] = []
        while head != nil and len(items) < 10_000:
            items.extend(q.object for q in self.shapes.quads_for_pattern(head, first, None))
            head = next((q.object for q in self.shapes.quads_for_pattern(head, rest, None)), nil)
        return items

    def _components(self, shape: object) -> list[tuple[str, object]]:
        found = []
        for quad in self.shapes.quads_for_pattern(shape, None, None):
            predicate = quad.predicate.value
            if not predicate.startswith(SH):
                continue
            name = predicate[len(SH):]
            if name in _VALUE_COMPONENTS or name in _COUNT_COMPONENTS:
                found.append((name, quad.object))
            elif name not in _IGNORED:
                raise Unsupported(f"sh:{name}")
        return sorted(found, key=lambda c: c[0])

    def _path(self, shape: object) -> tuple[str, str] | None:
        """The SPARQL path of a property shape and its IRI as reported (None for a node shape)."""
        path = self._one(shape, "path")
        if path is None:
            return None
        if isinstance(path, ox.NamedNode):
            return f"<{path.value}>", path.value
        inverse = self._one(path, "inversePath")
        if isinstance(inverse, ox.NamedNode):
            return f"^<{inverse.value}>", path.value if isinstance(path, ox.NamedNode) else str(path)
        raise Unsupported("a property path other than a predicate or its inverse")

    def _message(self, shape: object) -> str | None:
        message = self._one(shape, "message")
        return message.value if isinstance(message, ox.Literal) else None

    # --- SPARQL fragments -----------------------------------------------------------------

    def _var(self) -> str:
        return f"?v{next(self._names)}"

    def _targets(self, shape: object, focus: str) -> str | None:
        branches = []
        for cls in self._objects(shape, "targetClass"):
            branches.append(f"{focus} <{RDF}type>/<{RDFS}subClassOf>* {cls} .")
        for prop in self._objects(shape, "targetSubjectsOf"):
            branches.append(f"{focus} {prop} [] .")
        for prop in self._objects(shape, "targetObjectsOf"):
            branches.append(f"[] {prop} {focus} .")
        nodes = self._objects(shape, "targetNode")
        if nodes:
            branches.append(f"VALUES {focus} {{ {' '.join(str(n) for n in nodes)} }}")
        if not branches:
            return None
        return " UNION ".join(f"{{ {b} }}" for b in branches)

    def _value_ok(self, name: str, argument: object, node: str) -> str:
        """A SPARQL expression true when ``node`` satisfies one value-node constraint."""
        if name == "class":
            return f"EXISTS {{ {node} <{RDF}type>/<{RDFS}subClassOf>* {argument} }}"
        if name == "datatype":
            if argument.value == RDF + "langString":
                return f'(isLiteral({node}) && LANG({node}) != "")'
            test = f"(isLiteral({node}) && DATATYPE({node}) = {argument} && LANG({node}) = \"\""
            lexical = _LEXICAL.get(argument.value)
            return test + (f' && REGEX(STR({node}), "{lexical}"))' if lexical else ")")
        if name == "nodeKind":
            kinds = {"IRI": f"isIRI({node})", "BlankNode": f"isBlank({node})", "Literal": f"isLiteral({node})",
                     "BlankNodeOrIRI": f"!isLiteral({node})", "BlankNodeOrLiteral": f"!isIRI({node})",
                     "IRIOrLiteral": f"!isBlank({node})"}
            return f"({kinds[argument.value[len(SH):]]})"
        if name in ("minLength", "maxLength"):
            operator = ">=" if name == "minLength" else "<="
            return f"(!isBlank({node}) && STRLEN(STR({node})) {operator} {int(argument.value)})"
        if name == "pattern":
            return f"(!isBlank({node}) && REGEX(STR({node}), {argument}))"
        if name == "languageIn":
            tags = " || ".join(f"langMatches(LANG({node}), {tag})" for tag in self._list(argument))
            return f"(isLiteral({node}) && ({tags or 'false'}))"
        if name in _OPERATORS:
            return f"COALESCE({node} {_OPERATORS[name]} {argument}, false)"
        if name == "in":
            return f"({node} IN ({', '.join(str(m) for m in self._list(argument))}))"
        if name in ("and", "or"):
            joiner = " && " if name == "and" else " || "
            parts = [self._conforms(member, node) for member in self._list(argument)]
            return f"({joiner.join(parts) or ('true' if name == 'and' else 'false')})"
        if name == "not":
            return f"(!{self._conforms(argument, node)})"
        raise Unsupported(f"sh:{name}")

    def _sufficient(self, name: str, argument: object, node: str) -> list[str]:
        """Graph patterns each of which alone makes ``node`` satisfy a value-node constraint.

        The queries list the nodes that break a constraint; ``FILTER NOT EXISTS`` on such a pattern
        first lets the engine drop the many nodes that plainly conform in one anti-join, before the
        exact test runs on the few left. Only ``sh:class`` (and ``sh:or`` of classes) has one: a
        node typed with the class itself, as materialised types make nearly every conforming node.
        """
        if name == "class":
            return [f"{node} <{RDF}type> {argument} ."]
        if name == "or":
            found = []
            for member in self._list(argument):
                components = self._components(member)
                if len(components) == 1 and self._path(member) is None and not self._objects(member, "property"):
                    found.extend(self._sufficient(*components[0], node))
            return found
        return []

    def _prefilter(self, name: str, argument: object, node: str) -> str:
        return "".join(f"FILTER NOT EXISTS {{ {pattern} }} " for pattern in self._sufficient(name, argument, node))

    def _pattern_with_flags(self, shape: object, components: list[tuple[str, object]]) -> list[tuple[str, object]]:
        flags = self._one(shape, "flags")
        if flags is None:
            return components
        return [(n, f"{a}, {flags}" if n == "pattern" else a) for n, a in components]

    def _conforms(self, shape: object, node: str) -> str:
        """A SPARQL expression true when ``node`` conforms to a (nested) shape."""
        if self._objects(shape, "property"):
            raise Unsupported("sh:property inside sh:and, sh:or or sh:not")
        components = self._pattern_with_flags(shape, self._components(shape))
        path = self._path(shape)
        tests = []
        for name, argument in components:
            if path is None:
                if name == "hasValue":
                    tests.append(f"({node} = {argument})")
                elif name in _COUNT_COMPONENTS:
                    raise Unsupported(f"sh:{name} without sh:path")
                else:
                    tests.append(self._value_ok(name, argument, node))
                continue
            sparql_path = path[0]
            if name == "minCount":
                values = [self._var() for _ in range(int(argument.value))]
                tests.append(self._count_pattern("EXISTS", node, sparql_path, values) if values else "true")
            elif name == "maxCount":
                values = [self._var() for _ in range(int(argument.value) + 1)]
                tests.append(self._count_pattern("NOT EXISTS", node, sparql_path, values))
            elif name == "hasValue":
                tests.append(f"EXISTS {{ {node} {sparql_path} {argument} }}")
            else:
                value = self._var()
                tests.append(f"NOT EXISTS {{ {node} {sparql_path} {value} "
                             f"FILTER(!{self._value_ok(name, argument, value)}) }}")
        return f"({' && '.join(tests) or 'true'})"

    @staticmethod
    def _count_pattern(keyword: str, node: str, path: str, values: list[str]) -> str:
        triples = " ".join(f"{node} {path} {v} ." for v in values)
        different = " && ".join(f"{a} != {b}" for a, b in itertools.combinations(values, 2))
        return f"{keyword} {{ {triples}{f' FILTER({different})' if different else ''} }}"

    # --- top-level checks -----------------------------------------------------------------

    def checks(self) -> Iterator[Check]:
        """One check per constraint of every shape that has targets."""
        shapes = {q.subject for name in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
                  for q in self.shapes.quads_for_pattern(None, _sh(name), None)}
        for shape in sorted(shapes, key=str):
            if self._deactivated(shape):
                continue
            targets = self._targets(shape, "?focus")
            if self._path(shape) is not None:
                yield from self._property_checks(shape, shape, targets)
                continue
            yield from self._node_checks(shape, targets)
            for prop in self._objects(shape, "property"):
                if not self._deactivated(prop):
                    yield from self._property_checks(shape, prop, targets)

    def _deactivated(self, shape: object) -> bool:
        flag = self._one(shape, "deactivated")
        severity = self._one(shape, "severity")
        if severity is not None and severity != _sh("Violation"):
            raise Unsupported("a severity other than sh:Violation")
        return isinstance(flag, ox.Literal) and flag.value == "true"

    def _node_checks(self, shape: object, targets: str) -> Iterator[Check]:
        message = self._message(shape)
        for name, argument in self._pattern_with_flags(shape, self._components(shape)):
            if name == "hasValue":
                filters = f"FILTER(!(?focus = {argument}))"
            elif name in _COUNT_COMPONENTS:
                raise Unsupported(f"sh:{name} on a node shape")
            else:
                filters = (self._prefilter(name, argument, "?focus")
                           + f"FILTER(!{self._value_ok(name, argument, '?focus')})")
            query = f"SELECT DISTINCT ?focus WHERE {{ {targets} {filters} }}"
            yield Check(shape, None, message or _default(name, argument), query, value="focus")

    def _property_checks(self, node_shape: object, shape: object, targets: str) -> Iterator[Check]:
        path, path_iri = self._path(shape) or ("", "")
        message = self._message(shape)
        for name, argument in self._pattern_with_flags(shape, self._components(shape)):
            text = message or _default(name, argument)
            if name == "minCount":
                values = [self._var() for _ in range(int(argument.value))]
                if not values:
                    continue
                query = (f"SELECT DISTINCT ?focus WHERE {{ {targets} "
                         f"FILTER {self._count_pattern('NOT EXISTS', '?focus', path, values)} }}")
                yield Check(node_shape, path_iri, text, query, value="none")
            elif name == "maxCount":
                # counted over every node with the path, the few with too many kept if targeted:
                # cheaper than listing the targets first (three times, on the evidence nodes)
                query = (f"SELECT ?focus WHERE {{ {{ SELECT ?focus WHERE {{ ?focus {path} ?value }} GROUP BY ?focus "
                         f"HAVING (COUNT(DISTINCT ?value) > {int(argument.value)}) }} FILTER EXISTS {{ {targets} }} }}")
                yield Check(node_shape, path_iri, text, query, value="none")
            elif name == "hasValue":
                query = (f"SELECT DISTINCT ?focus WHERE {{ {targets} "
                         f"FILTER NOT EXISTS {{ ?focus {path} {argument} }} }}")
                yield Check(node_shape, path_iri, text, query, value="none")
            else:
                # the value nodes first: for most paths they are fewer than the targets
                query = (f"SELECT DISTINCT ?focus ?value WHERE {{ ?focus {path} ?value . "
                         f"{self._prefilter(name, argument, '?value')}"
                         f"FILTER(!{self._value_ok(name, argument, '?value')}) {targets} }}")
                yield Check(node_shape, path_iri, text, query, value="value")


def _default(name: str, argument: object) -> str:
    shown = argument.value if isinstance(argument, ox.NamedNode | ox.Literal) else str(argument)
    return _DEFAULT_MESSAGES[name].format(shown)


def read_shapes(paths: Iterable[Path]) -> ox.Store:
    """The shapes graph, parsed from Turtle files.

    Raises:
        InputError: a file is missing or malformed; the message gives file:line:column.
    """
    from sovkg.build.parse import parse_turtle

    store = ox.Store()
    for path in paths:
        store.extend(parse_turtle(path))
    return store


def compile_shapes(paths: Iterable[Path]) -> list[Check]:
    """Every constraint of the shapes as a query.

    Raises:
        Unsupported: the shapes use a feature outside the supported set.
        InputError: a shapes file is malformed.
    """
    return list(Compiler(read_shapes(paths)).checks())


def evaluate(data: ox.Store, checks: list[Check]) -> list[Result]:
    """Run every check on ``data`` (its default graph read as the union of all graphs)."""
    results: list[Result] = []
    for check in checks:
        try:
            rows = data.query(check.query, use_default_graph_as_union=True)
        except SyntaxError as error:  # a shape whose argument does not fit SPARQL (a bad regex, say)
            raise InputError(f"a shape could not be evaluated: {error}") from error
        for row in rows:
            focus = row["focus"]
            value = focus if check.value == "focus" else row["value"] if check.value == "value" else None
            results.append(Result(check.shape, focus, check.path, value, check.message))
    return results
