"""Validate a built graph: SHACL shapes, vocabulary, check queries and quotes, in one report.

* SHACL core shapes in ``shapes/`` run over the asserted and inferred facts with the ontology
  (inferred types are already materialised, so no inference happens here). The ``fast``
  validator compiles each constraint into one SPARQL query over the whole store
  (:mod:`sovkg.build.shacl`); ``pyshacl`` runs pySHACL on an rdflib copy of the graph, the
  reference, slow beyond some ten thousand triples. Shapes the fast validator cannot compile
  fall back to pySHACL.
* The vocabulary check finds ``sov:`` terms that the ontology does not declare.
* Check queries in ``queries/checks/*.rq`` run on pyoxigraph; each row they return is a violation.
* Quotes are checked against the source texts in every sources folder; a quote whose text is in
  none of them is counted as unchecked (the report warns), not as wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sovkg.build.parse import Location, SourceIndex
from sovkg.build.support import SupportProblem, SupportSummary, check_support
from sovkg.build.vocabulary import OntologyProblem, UndeclaredTerm, ontology_problems, undeclared_terms
from sovkg.errors import InputError
from sovkg.namespaces import INFERRED_GRAPH, RDFS_LABEL
from sovkg.sources.quotes import check_quotes

SH = "http://www.w3.org/ns/shacl#"
VALIDATORS = ("fast", "pyshacl")


@dataclass(frozen=True)
class Violation:
    """One broken rule, located for a person to fix."""

    rule: str
    focus: str
    focus_label: str | None
    path: str | None
    value: str | None
    message: str
    location: Location | None

    def as_dict(self, root: Path | None = None) -> dict[str, object]:
        where = None
        if self.location:
            path = self.location.path
            if root is not None and path.is_relative_to(root):
                path = path.relative_to(root)
            where = {"file": str(path), "line": self.location.line}
        return {"rule": self.rule, "focus": self.focus, "focus_label": self.focus_label,
                "path": self.path, "value": self.value, "message": self.message, "location": where}


@dataclass
class Report:
    """The outcome of validation."""

    violations: list[Violation] = field(default_factory=list)
    quotes_checked: int = 0
    sources: list[Path] = field(default_factory=list)
    support: SupportSummary | None = None
    # Quotes whose source text is in none of the sources folders, by file name: not checked.
    unchecked: dict[str, int] = field(default_factory=dict)

    @property
    def quotes_unchecked(self) -> int:
        return sum(self.unchecked.values())

    @property
    def conforms(self) -> bool:
        return not self.violations

    def by_rule(self) -> dict[str, list[Violation]]:
        groups: dict[str, list[Violation]] = {}
        for violation in self.violations:
            groups.setdefault(violation.rule, []).append(violation)
        return groups


class _Describer:
    """Labels and locations of nodes, walking from a blank node up to the named node it hangs off."""

    def __init__(self, store: ox.Store, index: SourceIndex) -> None:
        self.store = store
        self.index = index
        self.inferred = ox.NamedNode(INFERRED_GRAPH)

    def parent(self, node: ox.NamedNode | ox.BlankNode) -> ox.Quad | None:
        """A statement that links to the node, a stated one where there is one: an inferred link
        (a super-property, a dependency record) is not where a person fixes the node."""
        first = None
        for quad in self.store.quads_for_pattern(None, None, node):
            if quad.graph_name != self.inferred:
                return quad
            first = first or quad
        return first

    def owner(self, node: ox.NamedNode | ox.BlankNode) -> ox.NamedNode | ox.BlankNode:
        seen = 0
        while isinstance(node, ox.BlankNode) and seen < 10:
            parent = self.parent(node)
            if parent is None:
                break
            node, seen = parent.subject, seen + 1
        return node

    def label(self, node: ox.NamedNode | ox.BlankNode) -> str | None:
        for quad in self.store.quads_for_pattern(node, ox.NamedNode(RDFS_LABEL), None):
            return quad.object.value
        return None

    def describe(self, node: ox.NamedNode | ox.BlankNode, path: str | None = None,
                 value: str | None = None) -> tuple[str, str | None, Location | None]:
        owner = self.owner(node)
        name = owner.value if isinstance(owner, ox.NamedNode) else str(owner)
        focus = name if owner == node else f"{name} (its {_local(self._link_to(node))})"
        location = None
        if isinstance(owner, ox.NamedNode):
            if path and owner == node:
                location = self.index.where_statement(owner.value, path, value)
            location = location or self.index.where(owner.value)
        return focus, self.label(owner), location

    def _link_to(self, node: ox.NamedNode | ox.BlankNode) -> str:
        parent = self.parent(node)
        return parent.predicate.value if parent else "node"


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def _term_text(term: object) -> str | None:
    if term is None:
        return None
    value = getattr(term, "value", None)
    return str(value) if value is not None else str(term)


def _shacl(data: ox.Store, shape_files: list[Path], describer: _Describer, validator: str) -> list[Violation]:
    """SHACL violations by the named validator, in one form whichever validator found them."""
    from sovkg.build import shacl

    if validator not in VALIDATORS:
        raise InputError(f"unknown validator {validator!r}: choose one of {', '.join(VALIDATORS)}")
    results = None
    if validator == "fast":
        try:
            results = shacl.evaluate(data, shacl.compile_shapes(shape_files))
        except shacl.Unsupported:
            results = None
    if results is None:
        results = _pyshacl(data, shape_files)
    shapes = shacl.read_shapes(shape_files)
    label = ox.NamedNode(RDFS_LABEL)
    violations: list[Violation] = []
    for result in results:
        rule = next((q.object.value for q in shapes.quads_for_pattern(result.shape, label, None)),
                    _local(str(result.shape)))
        value = _term_text(result.value)
        name, focus_label, location = describer.describe(result.focus, result.path, value)
        violations.append(Violation(
            rule=f"shape: {rule}", focus=name, focus_label=focus_label,
            path=_local(result.path) if result.path is not None else None,
            value=value, message=result.message, location=location))
    # One constraint can fail on several counts (datatype and range) with the same message.
    return sorted(dict.fromkeys(violations), key=lambda v: (v.rule, v.focus, v.path or "", v.value or "", v.message))


def _pyshacl(data: ox.Store, shape_files: list[Path]) -> list[object]:
    """SHACL results of pySHACL, the reference validator, on an rdflib copy of the graph."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH as RSH

    from sovkg.build.shacl import Result
    from sovkg.rdf import from_rdflib_term, to_rdflib_graph

    shapes = Graph()
    for path in shape_files:
        try:
            shapes.parse(path, format="turtle")
        except Exception as error:  # rdflib raises many parser error types
            raise InputError(f"{path}: malformed shapes: {error}") from error
    graph = to_rdflib_graph(data)
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none",
                                            advanced=False, meta_shacl=False)
    if conforms:
        return []
    found = []
    for result in results.subjects(RSH.resultSeverity, RSH.Violation):
        shape = results.value(result, RSH.sourceShape)
        node_shape = next(iter(shapes.subjects(RSH.property, shape)), shape)
        path = results.value(result, RSH.resultPath)
        value = results.value(result, RSH.value)
        message = results.value(result, RSH.resultMessage)
        found.append(Result(from_rdflib_term(node_shape), from_rdflib_term(results.value(result, RSH.focusNode)),
                            str(path) if path is not None else None,
                            from_rdflib_term(value) if value is not None else None,
                            str(message) if message is not None else "constraint not met"))
    return found


def _checks(store: ox.Store, check_files: Iterable[Path], describer: _Describer) -> list[Violation]:
    from sovkg.queries.library import load_query

    violations = []
    for path in check_files:
        check = load_query(path)
        try:
            rows = list(store.query(check.text, use_default_graph_as_union=True))
        except SyntaxError as error:
            raise InputError(f"{path}:{error.lineno or 0}: malformed SPARQL: {error.msg}") from error
        for row in rows:
            focus = row["focus"]
            name, label, location = describer.describe(focus)
            message = row["message"].value if "message" in check.variables and row["message"] else check.summary
            path = row["path"] if "path" in check.variables else None
            value = row["value"] if "value" in check.variables else None
            violations.append(Violation(rule=f"check: {check.name}", focus=name, focus_label=label,
                                        path=_local(path.value) if path is not None else None,
                                        value=_term_text(value), message=message, location=location))
    return violations


@dataclass
class ParsedChecks:
    """What the rules that read only the parsed files found (vocabulary, ontology, support): they
    need nothing inferred, so they can run while the reasoner does."""

    undeclared: list[UndeclaredTerm]
    ontology: list[OntologyProblem]
    support: SupportSummary
    support_problems: list[SupportProblem]


def check_parsed(ontology: list[ox.Quad], facts: list[ox.Quad], index: SourceIndex, rule_files: list[Path],
                 sources: list[Path],
                 support: Callable[[], tuple[SupportSummary, list[SupportProblem]]] | None = None) -> ParsedChecks:
    """Run the rules on the parsed quads alone; ``rule_files``: the shapes, checks and queries,
    whose ``sov:`` terms must be declared too. ``support``, if given, gives what
    :func:`check_support` finds on the same quads (worked out elsewhere meanwhile)."""
    undeclared = undeclared_terms(ontology, facts, index)
    problems = ontology_problems(ontology, index, rule_files)
    summary, support_problems = support() if support is not None else check_support(ontology, facts, sources)
    return ParsedChecks(undeclared, problems, summary, support_problems)


def validate(ontology: list[ox.Quad], facts: list[ox.Quad], inferred: list[ox.Triple] | None,
             index: SourceIndex, shape_files: list[Path], check_files: list[Path],
             sources: list[Path], query_files: list[Path] | None = None,
             validator: str = "fast", store: ox.Store | None = None,
             parsed: ParsedChecks | None = None) -> Report:
    """Run every rule on the built graph and gather what is broken.

    ``store``, if given, already holds the ontology, the facts and the inferred triples in their
    graphs (it is only read), and ``inferred`` is not needed; else one is filled from the lists.
    ``parsed``, if given, is what :func:`check_parsed` found on the same lists (not run again).
    """
    if store is None:
        store = ox.Store()
        store.extend([*ontology, *facts])
        graph = ox.NamedNode(INFERRED_GRAPH)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in inferred or ())
    if parsed is None:
        parsed = check_parsed(ontology, facts, index, [*shape_files, *check_files, *(query_files or [])], sources)
    describer = _Describer(store, index)
    report = Report(sources=list(sources))
    for term in parsed.undeclared:
        report.violations.append(Violation("vocabulary: every sov: term is declared", term.iri,
                                           None, None, None, term.message, term.location))
    for problem in parsed.ontology:
        report.violations.append(Violation(problem.rule, problem.iri, None, None, None, problem.message,
                                           problem.location))
    report.violations.extend(_shacl(store, shape_files, describer, validator))
    report.violations.extend(_checks(store, check_files, describer))
    checked, problems = check_quotes(store, sources)
    report.quotes_checked = checked
    for problem in problems:
        if problem.missing_text is not None:
            report.unchecked[problem.missing_text] = report.unchecked.get(problem.missing_text, 0) + 1
        else:
            name, label, location = describer.describe(problem.evidence)
            location = _quote_location(index, problem.quote) or location
            report.violations.append(Violation("quotes: every quote occurs in its source", name, label,
                                               "quote", problem.quote, problem.reason, location))
    report.support = parsed.support
    for problem in parsed.support_problems:
        name, label, location = describer.describe(problem.node, problem.path, problem.value)
        report.violations.append(Violation(problem.rule, name, label, problem.path and _local(problem.path),
                                           problem.value, problem.message, location))
    return report


# The predicates of the qualified dependency records and the layer exposures
# (sovkg.build.dependencies): the only way into a record or an exposure, a node of its own with no
# type, label or evidence.
_RECORD_PREDICATES = re.compile(r"(?<![\w-])(?:dependent|firstHop|dependee|dependencyLayer|dependeeJurisdiction|"
                                r"dependentJurisdiction|pathLength|exposedProject|exposedLayer|exposedTo|"
                                r"alternativeActor|layerExposure)(?![\w-])")


def reads_dependency_records(rule_files: Iterable[Path]) -> bool:
    """Whether any of these shapes or check queries may read the qualified dependency records or
    the layer exposures: it names one of their predicates (anywhere, comments too: a word is enough
    to keep them)."""
    for path in rule_files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return True  # validation reports the unreadable file itself
        if _RECORD_PREDICATES.search(text):
            return True
    return False


def _quote_location(index: SourceIndex, quote: str) -> Location | None:
    """The line where a quote is written, found by its text."""
    return index.find_text(quote[:60])
