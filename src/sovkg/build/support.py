"""Check mechanically that each fact's evidence supports it.

The quote check (:mod:`sovkg.sources.quotes`) proves that a quote occurs in its source; these
rules check that the quote says what the fact says:

* **numbers**: a numeric or dated fact (an amount, a count, a share, a year) is supported only if
  one of the quotes covering it renders its number in some form: ``1,528`` or ``1528``;
  ``$100 million``, ``100,000,000`` or ``$2.6B``; ``15 percent``, ``15%`` or ``0.15``; ``eight``;
  ``October 2024`` or ``2024-10``; ``12 March 2025``, ``March 12, 2025`` or ``2025-03-12``.
* **links**: a link from a fact to a named entity (home country, vendor, funder, ...) is supported
  only if one of the quotes covering it names the target by its label, alternative label or hidden
  label (a label's parenthesised part and the label without it count as names), or the evidence
  is marked common knowledge or illustrative.
* **locators**: a quote that occurs more than once in its source text must say where with
  ``sov:locator``. This rule needs the source texts and is skipped, with a warning, without them.

An evidence *covers* a property when it has no ``sov:supports`` (it covers the whole node) or
when it supports that property or one of its super-properties. Two kinds of exception are
built into the rules, each documented in ``kg/README.md`` and counted in the summary:
numeric facts resting on common knowledge, a reference standard or on a curator's derivation
(``sov:DerivedFigure`` with a ``sov:note`` saying how), and links whose target is the author of
the cited source (the source speaks for its author: "author's estimate").

The rules read only the asserted facts and the ontology, so they run in well under a second;
parsing numbers out of prose is hand-written because no library reads "$7.4 million",
"2 percent" and "$280B" alike.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from sovkg.build.closure import reachable
from sovkg.namespaces import ID_IRI, RDF_TYPE, RDFS_LABEL, SOV, SOV_IRI
from sovkg.sources.quotes import find_text, normalise

XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS_SUBPROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
DCTERMS_CREATOR = "http://purl.org/dc/terms/creator"

RULE_NUMBERS = "support: a numeric fact's quotes render its number"
RULE_LINKS = "support: a link's quotes name its target"
RULE_LOCATORS = "support: a repeated quote carries a locator"

_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger",
                              "positiveInteger")}
_DATES = {XSD + t for t in ("gYear", "gYearMonth", "date")}
_NUMBERS_AND_DATES = _NUMERIC | _DATES
_NAME_PROPERTIES = (RDFS_LABEL, SKOS + "altLabel", SKOS + "hiddenLabel")
_HAS_EVIDENCE, _QUOTE, _SOURCE, _LOCATOR = str(SOV.hasEvidence), str(SOV.quote), str(SOV.source), str(SOV.locator)
_SUPPORTS, _KIND, _NOTE = str(SOV.supports), str(SOV.provenanceKind), str(SOV.note)
_FILE_NAME = str(SOV.fileName)
# Links that tie a node to its own qualified facts, evidence or ontology terms are not claims
# about a named entity, so the link rule does not look at them.
_NOT_ENTITY_CLASSES = (str(SOV.QualifiedFact), str(SOV.SourceDocument), str(SOV.Evidence))
_UNQUOTED_NUMERIC_KINDS = (str(SOV.CommonKnowledge), str(SOV.ReferenceStandard), str(SOV.DerivedFigure))
_UNNAMED_LINK_KINDS = (str(SOV.CommonKnowledge), str(SOV.IllustrativeFigure), str(SOV.ReferenceStandard))


@dataclass(frozen=True)
class SupportProblem:
    """A fact (node, property, value) that its evidence does not support."""

    rule: str
    node: ox.NamedNode | ox.BlankNode
    path: str | None
    value: str | None
    message: str


@dataclass
class SupportSummary:
    """How many facts each rule looked at, and which it let pass by a documented exception."""

    checked: dict[str, int] = field(default_factory=lambda: {RULE_NUMBERS: 0, RULE_LINKS: 0, RULE_LOCATORS: 0})
    exceptions: dict[str, int] = field(default_factory=dict)
    allowed: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def allow(self, reason: str, node: object, path: str, value: str) -> None:
        """Count a fact let pass by a documented exception, and keep it for the report."""
        self.exceptions[reason] = self.exceptions.get(reason, 0) + 1
        self.allowed.append({"rule": reason, "node": getattr(node, "value", str(node)), "path": path, "value": value})


@dataclass(slots=True)
class _Evidence:
    node: ox.BlankNode | ox.NamedNode
    quotes: list[str] = field(default_factory=list)
    source: str | None = None
    locator: str | None = None
    supports: set[str] = field(default_factory=set)
    kind: str | None = None
    note: str | None = None
    normal: list[str] = field(default_factory=list)  # the quotes in normal form
    lowered: list[str | None] = field(default_factory=list)  # and in lower case (see _lowered)


# ---------------------------------------------------------------- numbers in text

_SCALES = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "m": 1e6,
           "thousand": 1e3, "k": 1e3, "crore": 1e7, "lakh": 1e5}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "first": 1, "second": 2,
          "third": 3, "fourth": 4, "fifth": 5, "half": 0.5, "dozen": 12}
_MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
_UNIT = r"(percent|per cent|%|trillion|billion|million|thousand|crore|lakh|bn|b|m|k)"
_FIGURE = re.compile(rf"(?<![\w.]){_NUM}(?:\s*-\s*{_NUM})?\s*{_UNIT}?(?![a-z])", re.IGNORECASE)
# "between €2 and €3 billion": the unit after the second end scales the first (a currency sign may
# stand before each end), as in "250-300 million".
_SIGN = r"(?:[a-z]{0,3}[^\w\s]{1,2})?"
_BETWEEN = re.compile(rf"\bbetween\s+{_SIGN}{_NUM}\s+and\s+{_SIGN}{_NUM}\s*{_UNIT}(?![a-z])", re.IGNORECASE)
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b(?:\s+(trillion|billion|million|thousand|percent))?",
                   re.IGNORECASE)
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(?:(\d{1,2}),\s+)?((?:19|20)\d\d)\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?\b")


@lru_cache(maxsize=4096)
def _normal(text: str) -> str:
    """A quote or label in the form quotes are compared in (cached: each is read many times)."""
    return normalise(text)


@lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    return _plain_form(_normal(text))


def _plain_form(normal: str) -> str:
    """Normalised quote text made easy to read numbers from: code's ``280_000`` becomes ``280000``."""
    if "_" not in normal:
        return normal
    return re.sub(r"(?<=\d)_(?=\d)", "", normal).replace("_", " ")


def numbers_in(text: str) -> set[float]:
    """Every value a text renders: as written, scaled by its unit word, and percentages as fractions."""
    return _numbers(_plain(text))


def _numbers(text: str) -> set[float]:
    found: set[float] = set()
    for match in _FIGURE.finditer(text):
        unit = (match.group(5) or "").lower()
        for whole, fraction in ((match.group(1), match.group(2)), (match.group(3), match.group(4))):
            if whole is None:
                continue
            value = float(whole.replace(",", "") + (fraction or ""))
            found.add(value)
            if unit in ("percent", "per cent", "%"):
                found.add(value / 100)
            elif unit in _SCALES:
                found.add(value * _SCALES[unit])
    for match in _BETWEEN.finditer(text):
        unit = match.group(5).lower()
        for whole, fraction in ((match.group(1), match.group(2)), (match.group(3), match.group(4))):
            value = float(whole.replace(",", "") + (fraction or ""))
            found.add(value / 100 if unit in ("percent", "per cent", "%") else value * _SCALES[unit])
    for match in _WORD.finditer(text):
        value = float(_WORDS[match.group(1).lower()])
        unit = (match.group(2) or "").lower()
        found.add(value)
        if unit == "percent":
            found.add(value / 100)
        elif unit in _SCALES:
            found.add(value * _SCALES[unit])
    return found


def dates_in(text: str) -> set[str]:
    """Every year, year-month and date a text renders, in ISO form (2024, 2024-10, 2024-10-01)."""
    return _dates(_plain(text))


def _dates(text: str) -> set[str]:
    found: set[str] = set()
    for match in _MONTH_YEAR.finditer(text):
        month = f"{match.group(3)}-{_MONTHS[match.group(1).lower()]:02d}"
        found.update({match.group(3), month})
        if match.group(2):
            found.add(f"{month}-{int(match.group(2)):02d}")
    for match in _DAY_MONTH_YEAR.finditer(text):  # "12 March 2025", as European sources write it
        found.add(f"{match.group(3)}-{_MONTHS[match.group(2).lower()]:02d}-{int(match.group(1)):02d}")
    for match in _ISO_DATE.finditer(text):
        year, month, day = match.groups()
        found.add(year)
        if month:
            found.add(f"{year}-{month}")
            if day:
                found.add(f"{year}-{month}-{day}")
    return found


def renders(literal: ox.Literal, quotes: Iterable[str]) -> bool:
    """Whether any quote renders the literal's number or date."""
    return _renders(literal, quotes, dates_in, numbers_in)


def _renders(literal: ox.Literal, quotes: Iterable[str], dates: Callable[[str], set[str]],
             numbers: Callable[[str], set[float]]) -> bool:
    if literal.datatype.value in _DATES:
        return any(literal.value in dates(q) for q in quotes)
    try:
        value = float(literal.value)
    except ValueError:
        return False  # an ill-typed number ("x"^^xsd:decimal), which the datatype shape reports too
    return any(abs(value - found) <= 1e-9 * max(abs(value), 1.0) for q in quotes for found in numbers(q))


def names(quote: str, name: str) -> bool:
    """Whether a quote names something, case aside, as whole words (a plural or possessive too)."""
    return _names(_normal(quote), _normal(name), name)


# The characters outside ASCII that re's IGNORECASE matches to an ASCII letter (İ, ı, ſ and the
# Kelvin sign); İ is also the one character whose lower case is longer than itself.
_FOLD_HAZARD = re.compile("[\u0130\u0131\u017f\u212a]")


def _names(text: str, form: str, name: str) -> bool:
    """:func:`names` on a normalised quote and the normalised name ``form`` of ``name``."""
    return _mentions(text, _lowered(text), form, form.lower() if form.isascii() else None, name)


def _lowered(text: str) -> str | None:
    """A normalised quote in lower case, for :func:`_mentions`; None where case folding could match
    a character outside ASCII to an ASCII letter, or change the text's length."""
    return None if _FOLD_HAZARD.search(text) else text.lower()


def _mentions(text: str, lowered: str | None, form: str, word: str | None, name: str) -> bool:
    """:func:`names`, given the quote's :func:`_lowered` form and an ASCII name's lower case ``word``.

    An ASCII name is looked for with ``str.find`` in the lower-cased quote, its word boundaries
    checked as the pattern does: compiling a pattern per name cost a millisecond each, and a large
    graph has tens of thousands of names. Other names use the pattern.
    """
    if word and lowered is not None:
        start = lowered.find(word)
        while start != -1:
            if (start == 0 or not _is_word(text[start - 1])) and _ends_name(text, start + len(word)):
                return True
            start = lowered.find(word, start + 1)
        return False
    return _name_pattern(name).search(text) is not None


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # re's \w on str


def _ends_name(text: str, end: int) -> bool:
    """Whether a name ending at ``end`` ends a word, after an optional "'s" or "s" (the pattern's tail)."""
    if end >= len(text) or not _is_word(text[end]):
        return True
    if text[end] in "sS":
        return end + 1 == len(text) or not _is_word(text[end + 1])
    return False  # "'s" starts with a non-word character, so the first test took it


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(_normal(name)) + r"(?:'?s)?(?!\w)", re.IGNORECASE)


def name_forms(label: str) -> set[str]:
    """A label, the label without its parenthesised part, and that part: "Amazon Web Services (AWS)"."""
    forms = {label}
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)\s*", label)
    if match:
        forms.update({match.group(1), match.group(2)})
    return {f for f in forms if f.strip()}


# ---------------------------------------------------------------- the rules

class _Facts:
    """The asserted facts indexed for the rules, with what the rules derive from them kept.

    Each node's evidence, types, names and each quote's normal form, numbers and dates are worked
    out once: a node is the target of many links, and a quote covers several facts.
    """

    def __init__(self, ontology: list[ox.Quad], facts: list[ox.Quad]) -> None:
        self.by_subject: dict[ox.NamedNode | ox.BlankNode, list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal]]]
        self.by_subject = defaultdict(list)
        # Who wrote each source, and each named source's file names, read in the same pass.
        self.authors: dict[str, set[str]] = {}
        self.files: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
        self.evidence_nodes: dict[object, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
        for quad in facts:
            subject, predicate, value = quad.subject, quad.predicate.value, quad.object
            self.by_subject[subject].append((predicate, value))
            if predicate == _HAS_EVIDENCE:
                self.evidence_nodes.setdefault(subject, []).append(value)
            elif predicate == DCTERMS_CREATOR:
                self.authors.setdefault(subject.value, set()).add(value.value)
            elif predicate == _FILE_NAME and isinstance(subject, ox.NamedNode):
                self.files.setdefault(subject.value, []).append(value)
        self.super_properties = _closure(ontology, RDFS_SUBPROPERTY)
        self.super_classes = _closure(ontology, RDFS_SUBCLASS)
        self._evidence: dict[object, list[_Evidence]] = {}
        self._covers: dict[str, set[str]] = {}
        self._entity: dict[ox.NamedNode, bool] = {}
        self._names: dict[ox.NamedNode, set[str]] = {}
        self._forms: dict[ox.NamedNode, list[tuple[str, str | None, str]]] = {}
        self._normal: dict[str, str] = {}
        self._numbers: dict[str, set[float]] = {}
        self._dates: dict[str, set[str]] = {}

    def values(self, node: object, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return [o for p, o in self.by_subject.get(node, ()) if p == predicate]  # type: ignore[call-overload]

    def evidence(self, node: ox.NamedNode | ox.BlankNode) -> list[_Evidence]:
        found = self._evidence.get(node)
        if found is None:
            found = self._evidence[node] = self._read_evidence(node) if node in self.evidence_nodes else []
        return found

    def _read_evidence(self, node: ox.NamedNode | ox.BlankNode) -> list[_Evidence]:
        found = []
        for node_e in self.evidence_nodes[node]:
            if isinstance(node_e, ox.Literal):
                continue
            evidence = _Evidence(node_e)
            for predicate, value in self.by_subject.get(node_e, ()):
                if predicate == _QUOTE:
                    evidence.quotes.append(value.value)
                elif predicate == _SOURCE:
                    evidence.source = value.value
                elif predicate == _LOCATOR:
                    evidence.locator = value.value
                elif predicate == _SUPPORTS:
                    evidence.supports.add(value.value)
                elif predicate == _KIND:
                    evidence.kind = value.value
                elif predicate == _NOTE:
                    evidence.note = value.value
            evidence.normal = [self.normal(q) for q in evidence.quotes]
            evidence.lowered = [_lowered(q) for q in evidence.normal]
            found.append(evidence)
        return found

    def normal(self, text: str) -> str:
        found = self._normal.get(text)
        if found is None:
            found = self._normal[text] = normalise(text)
        return found

    def numbers(self, quote: str) -> set[float]:
        found = self._numbers.get(quote)
        if found is None:
            found = self._numbers[quote] = _numbers(_plain_form(self.normal(quote)))
        return found

    def dates(self, quote: str) -> set[str]:
        found = self._dates.get(quote)
        if found is None:
            found = self._dates[quote] = _dates(_plain_form(self.normal(quote)))
        return found

    def covering(self, evidence: list[_Evidence], predicate: str) -> list[_Evidence]:
        supers = self._covers.get(predicate)
        if supers is None:
            supers = self._covers[predicate] = self.super_properties.get(predicate, set()) | {predicate}
        return [e for e in evidence if not e.supports or e.supports & supers]

    def is_entity(self, node: ox.NamedNode) -> bool:
        found = self._entity.get(node)
        if found is None:
            found = self._entity[node] = self._is_entity(node)
        return found

    def _is_entity(self, node: ox.NamedNode) -> bool:
        if not node.value.startswith(ID_IRI):
            return False
        types: set[str] = set()
        for cls in self.values(node, RDF_TYPE):
            types |= self.super_classes.get(cls.value, set()) | {cls.value}
        return not types & set(_NOT_ENTITY_CLASSES)

    def names_of(self, node: ox.NamedNode) -> set[str]:
        forms = self._names.get(node)
        if forms is None:
            forms = self._names[node] = set()
            for predicate in _NAME_PROPERTIES:
                for label in self.values(node, predicate):
                    forms |= name_forms(label.value)
        return forms

    def name_forms_of(self, node: ox.NamedNode) -> list[tuple[str, str | None, str]]:
        """Each of a node's names in normal form, in lower case if ASCII, and as written."""
        forms = self._forms.get(node)
        if forms is None:
            forms = self._forms[node] = []
            for name in self.names_of(node):
                form = self.normal(name)
                forms.append((form, form.lower() if form.isascii() else None, name))
        return forms


def _closure(ontology: list[ox.Quad], predicate: str) -> dict[str, set[str]]:
    """Each term's ancestors along ``predicate`` (sub-property or sub-class), itself excluded."""
    parents: dict[str, set[str]] = defaultdict(set)
    for quad in ontology:
        if quad.predicate.value == predicate and isinstance(quad.object, ox.NamedNode):
            parents[quad.subject.value].add(quad.object.value)
    return {term: reachable(parents, term) for term in list(parents)}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while the rules make many objects that outlive a moment.

    None of them forms a cycle, yet each full pass of the collector walks every object alive, the
    millions of parsed quads included: at a million triples those passes cost seconds.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_support(ontology: list[ox.Quad], facts: list[ox.Quad],
                  sources: Sequence[Path]) -> tuple[SupportSummary, list[SupportProblem]]:
    """Run the three support rules over the asserted facts.

    Returns:
        The summary (facts checked per rule, exceptions allowed, warnings) and the problems found.
    """
    with _collector_paused():
        # the index is freed before the collector resumes, which then has little to look at
        return _check_support(ontology, facts, sources)


def _check_support(ontology: list[ox.Quad], facts: list[ox.Quad],
                   sources: Sequence[Path]) -> tuple[SupportSummary, list[SupportProblem]]:
    index = _Facts(ontology, facts)
    summary = SupportSummary()
    problems: list[SupportProblem] = []
    for node, pairs in index.by_subject.items():
        if node not in index.evidence_nodes:
            continue
        evidence = index.evidence(node)
        if not evidence:
            continue
        for predicate, value in pairs:
            if isinstance(value, ox.Literal):
                if value.datatype.value in _NUMBERS_AND_DATES:
                    problems.extend(_check_number(index, summary, node, predicate, value, evidence))
            elif isinstance(value, ox.NamedNode) and predicate not in (RDF_TYPE, _HAS_EVIDENCE) \
                    and index.is_entity(value):
                problems.extend(_check_link(index, summary, index.authors, node, predicate, value, evidence))
    if not sources:
        summary.warnings.append(f"rule skipped: {RULE_LOCATORS}: no sources folder found (set SOVKG_SOURCES)")
    else:
        problems.extend(_check_locators(index, summary, sources))
    return summary, problems


def _check_number(index: _Facts, summary: SupportSummary, node: ox.NamedNode | ox.BlankNode, predicate: str,
                  value: ox.Literal, evidence: list[_Evidence]) -> list[SupportProblem]:
    summary.checked[RULE_NUMBERS] += 1
    covering = index.covering(evidence, predicate)
    for e in covering:
        if e.kind in _UNQUOTED_NUMERIC_KINDS and e.note:
            summary.allow(f"{RULE_NUMBERS}: rests on {_local(e.kind)} with a note", node, predicate, value.value)
            return []
    quotes = [q for e in covering for q in e.quotes]
    if quotes and _renders(value, quotes, index.dates, index.numbers):
        return []
    message = (f"no quote covering {_prefixed(predicate)} renders {value.value}" if quotes else
               f"no evidence with a quote covers {_prefixed(predicate)} = {value.value}")
    return [SupportProblem(RULE_NUMBERS, node, predicate, value.value, message)]


def _check_link(index: _Facts, summary: SupportSummary, authors: dict[str, set[str]],
                node: ox.NamedNode | ox.BlankNode, predicate: str, target: ox.NamedNode,
                evidence: list[_Evidence]) -> list[SupportProblem]:
    summary.checked[RULE_LINKS] += 1
    covering = index.covering(evidence, predicate)
    if any(e.kind in _UNNAMED_LINK_KINDS for e in covering):
        return []
    forms = index.name_forms_of(target)
    for e in covering:
        for text, lowered in zip(e.normal, e.lowered, strict=True):
            if any(_mentions(text, lowered, form, word, name) for form, word, name in forms):
                return []
    target_names = index.names_of(target)
    own = {q for e in index.evidence(target) for q in e.normal}
    if own & {q for e in covering for q in e.normal}:
        summary.allow(f"{RULE_LINKS}: the target is unnamed in the source and attested by the same quote",
                      node, predicate, target.value)
        return []
    if any(target_names & authors.get(e.source or "", set()) for e in covering):
        summary.allow(f"{RULE_LINKS}: the target is the author of the cited source", node, predicate, target.value)
        return []
    shown = sorted(target_names, key=len)[0] if target_names else target.value
    message = (f"no quote covering {_prefixed(predicate)} names {shown!r}, and no evidence for it "
               "is marked common knowledge or illustrative")
    return [SupportProblem(RULE_LINKS, node, predicate, target.value, message)]


def _check_locators(index: _Facts, summary: SupportSummary, sources: Sequence[Path]) -> list[SupportProblem]:
    problems = []
    paths: dict[str, Path | None] = {}  # each file name looked up once, not once per quote
    texts: dict[Path, str] = {}
    for node in index.by_subject:
        if node not in index.evidence_nodes:
            continue
        for evidence in index.evidence(node):
            if not evidence.quotes or evidence.source is None:
                continue
            names_ = index.files.get(evidence.source)
            if not names_:
                continue
            file_name = names_[0].value
            if file_name not in paths:
                paths[file_name] = find_text(file_name, sources)
            path = paths[file_name]
            if path is None:
                continue  # the quote check reports a missing text
            if path not in texts:
                texts[path] = normalise(path.read_text(encoding="utf-8"))
            text = texts[path]
            for quote, normal in zip(evidence.quotes, evidence.normal, strict=True):
                summary.checked[RULE_LOCATORS] += 1
                if evidence.locator:
                    continue  # says where: how often the quote occurs does not matter
                count = _occurrences(text, normal)
                if count > 1:
                    problems.append(SupportProblem(
                        RULE_LOCATORS, evidence.node, str(SOV.quote), quote,
                        f"the quote occurs {count} times in {path.name}; say which with sov:locator"))
    return problems


def _occurrences(text: str, fragment: str) -> int:
    count, start = 0, text.find(fragment)
    while fragment and start != -1:
        count += 1
        start = text.find(fragment, start + 1)
    return count


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _prefixed(iri: str) -> str:
    return "sov:" + _local(iri) if iri.startswith(SOV_IRI) else _local(iri)
