"""Find an entity of the graph by the name a person uses: label, alias, local name, IRI or ISO code.

A name is first looked up where it is written: the few spellings a person most likely means (as
typed, lower case, upper case, capitalised) are bound as literals and IRIs and found through the
engine's indexes, then every name of the entities found goes through the same tiers as below. Only
a name not found that way, or naming several entities, reads the whole index of names (one SELECT,
so it works on every engine); that index gives the complete list of candidates and the closest
names. Matching is case-insensitive and tiered: an exact label beats a local
name, which beats an alias (``skos:altLabel``, an ISO code), which beats a name derived from a
label (the part before a parenthesis, or the abbreviation inside it: "Amazon Web Services (AWS)"
answers to "AWS"). Two entities in the best tier that matches make the name ambiguous: the
candidates are listed, never one picked. A name that matches nothing gets the closest names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from sovkg.errors import QueryError
from sovkg.namespaces import ID_IRI
from sovkg.queries.params import with_value_list

# Tiers, best first; a lookup answers from the first tier with any match.
TIERS = ("label", "local name", "alias", "derived")
_IRI = re.compile(r"^<?(https?://[^\s<>\"{}|\\^`]+)>?$")
_PARENTHESIS = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")

_INDEX_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sov:  <https://w3id.org/sovkg/ontology#>
SELECT ?s ?text ?how WHERE {
  { ?s rdfs:label ?text . BIND("label" AS ?how) }
  UNION { ?s skos:altLabel ?text . BIND("alias" AS ?how) }
  UNION { ?s sov:isoCode ?text . BIND("code" AS ?how) }
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/sovkg/id/"))
}
"""

# The entities with a label, alias or ISO code written exactly as one of the spellings in ?_name,
# and every name of some entities (?s): one triple pattern from the terms bound, its predicate
# filtered (a VALUES of the predicates would be joined first, over every name of the graph), the
# form Virtuoso 7.2.5 answers reliably (a UNION of BINDs under a VALUES of IRIs crashes it).
_NAME_PREDICATES = {"http://www.w3.org/2000/01/rdf-schema#label": "label",
                    "http://www.w3.org/2004/02/skos/core#altLabel": "alias",
                    "https://w3id.org/sovkg/ontology#isoCode": "code"}
_EXACT_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sov:  <https://w3id.org/sovkg/ontology#>
SELECT DISTINCT ?s WHERE {
  ?s ?p ?_name .
  FILTER(?p IN (rdfs:label, skos:altLabel, sov:isoCode))
}
"""
_NAMES_OF_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sov:  <https://w3id.org/sovkg/ontology#>
SELECT ?s ?p ?text WHERE {
  ?s ?p ?text .
  FILTER(?p IN (rdfs:label, skos:altLabel, sov:isoCode))
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/sovkg/id/"))
}
"""
# Local names of this graph's IRIs that a spelling can be appended to (no space, no bracket).
_LOCAL_NAME = re.compile(r"^[^\s<>\"{}|\\^`]+$")

_DETAILS_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sov:  <https://w3id.org/sovkg/ontology#>
SELECT ?s (SAMPLE(?kindName) AS ?kind) (SAMPLE(?countryName) AS ?country) (SAMPLE(?code) AS ?isoCode)
       (SAMPLE(?isJurisdiction) AS ?jurisdiction)
WHERE {
  VALUES ?s { %s }
  OPTIONAL {
    ?s a ?type . ?type rdfs:label ?kindName .
    FILTER(STRSTARTS(STR(?type), "https://w3id.org/sovkg/ontology#"))
    FILTER NOT EXISTS { ?s a ?narrower . ?narrower rdfs:subClassOf ?type . FILTER(?narrower != ?type) }
  }
  OPTIONAL { ?s sov:hasJurisdiction/rdfs:label ?jurisdictionName }
  OPTIONAL { ?s sov:isSovereignEffortOf/rdfs:label ?effortName }
  OPTIONAL { ?s sov:locatedIn ?place . ?place a sov:Jurisdiction ; rdfs:label ?placeName }
  OPTIONAL { ?s sov:locatedIn/sov:locatedIn ?outer . ?outer a sov:Jurisdiction ; rdfs:label ?outerName }
  BIND(COALESCE(?jurisdictionName, ?effortName, ?placeName, ?outerName) AS ?countryName)
  OPTIONAL { ?s sov:isoCode ?code }
  OPTIONAL { ?s a sov:Jurisdiction . BIND(true AS ?isJurisdiction) }
}
GROUP BY ?s
"""


def normalise(text: str) -> str:
    """The form names are compared in: Unicode-compatible, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def local_name(iri: str) -> str:
    return iri[len(ID_IRI):] if iri.startswith(ID_IRI) else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass(frozen=True)
class Entity:
    """An entity of the graph as a person finds it: IRI, label, kind, country, ISO code."""

    iri: str
    label: str
    kind: str = ""
    country: str = ""
    iso_code: str = ""
    jurisdiction: bool = False

    @property
    def local_name(self) -> str:
        return local_name(self.iri)

    @property
    def term(self) -> ox.NamedNode:
        return ox.NamedNode(self.iri)

    def describe(self) -> str:
        """One line for a list of candidates: label (kind, country) :localName."""
        extra = ", ".join(x for x in (self.kind, self.country if self.country != self.label else "") if x)
        return f"{self.label}{f' ({extra})' if extra else ''}  :{self.local_name}"


_CODES_QUERY = """
PREFIX sov: <https://w3id.org/sovkg/ontology#>
SELECT ?s ?code WHERE { ?s sov:isoCode ?code . FILTER(isIRI(?s)) }
"""


@dataclass
class Resolver:
    """Names to entities for one graph; build it with :meth:`from_engine`.

    The index of every name is read on first use; a country given by its ISO code needs only
    the codes, which one small query reads.
    """

    engine: object | None = None
    _names: dict[str, dict[str, set[str]]] = field(default_factory=dict)   # normalised text -> tier -> IRIs
    _labels: dict[str, str] = field(default_factory=dict)                  # IRI -> label
    _codes: dict[str, str] = field(default_factory=dict)                   # IRI -> ISO code
    _loaded: bool = False
    _details: dict[str, Entity] = field(default_factory=dict)
    _seen_labels: dict[str, str] = field(default_factory=dict)              # from targeted lookups
    _seen_codes: dict[str, str] = field(default_factory=dict)
    direct_only: bool = False  # a name not found where it is written is not looked for further

    @classmethod
    def from_engine(cls, engine: object) -> Resolver:
        return cls(engine=engine)

    @property
    def names(self) -> dict[str, dict[str, set[str]]]:
        self._load()
        return self._names

    @property
    def labels(self) -> dict[str, str]:
        self._load()
        return self._labels

    @property
    def codes(self) -> dict[str, str]:
        self._load()
        return self._codes

    def _load(self) -> None:
        if self._loaded or self.engine is None:
            return
        self._loaded = True
        self._names, self._labels, self._codes = {}, {}, {}
        rows = self.engine.select(_INDEX_QUERY).rows  # type: ignore[attr-defined]
        _index_rows([(row[0].value, row[1].value, row[2].value) for row in rows
                     if row[0] is not None and row[1] is not None and row[2] is not None],
                    self._names, self._labels, self._codes)

    def codes_by_label(self) -> dict[str, str]:
        """The ISO code of each country or union with a code, keyed by its label (as the whole
        index gives them), read with two small queries instead of the whole index."""
        if self._loaded or self.engine is None:
            return {self._labels[iri]: code for iri, code in self._codes.items() if iri in self._labels}
        labels: dict[str, str] = {}
        codes: dict[str, str] = {}
        _index_rows(self._names_of(list(self._code_list())), {}, labels, codes)
        return {labels[iri]: code for iri, code in codes.items() if iri in labels}

    def _code_list(self) -> dict[str, str]:
        """IRI -> ISO code, without reading the whole index if it is not read yet."""
        if self._loaded or self.engine is None:
            return self._codes
        return {row[0].value: row[1].value for row in self.engine.select(_CODES_QUERY).rows  # type: ignore[attr-defined]
                if row[0] is not None and row[1] is not None}

    def _label(self, iri: str) -> str:
        """The label the index gives ``iri`` (its local name if none), without reading the index."""
        labels = self._labels if self._loaded else self._seen_labels
        return labels.get(iri, local_name(iri))

    def _code(self, iri: str) -> str:
        return (self._codes if self._loaded else self._seen_codes).get(iri, "")

    # ------------------------------------------------------------------ targeted lookups

    def _exact(self, text: str) -> list[str]:
        """What :meth:`matches` answers, found through the spellings of ``text`` most likely
        meant instead of the whole index; empty when none of them is written in the graph.

        Every name of each entity found goes through the same tiers as the whole index, so the
        entities answered are those the whole index gives for ``text`` unless another entity's
        name differs from all these spellings yet normalises the same (an unusual mix of case).
        """
        if self.engine is None:
            return []
        iri = _IRI.match(text.strip())
        if iri:
            rows = self._names_of([iri.group(1)])
            _index_rows(rows, {}, self._seen_labels, self._seen_codes)
            return [iri.group(1)] if any(how in ("label", "code") for _, _, how in rows) else []
        names: list[ox.NamedNode | ox.Literal] = []
        iris: list[str] = []
        for spelling in _spellings(text):
            names += [ox.Literal(spelling, language="en"), ox.Literal(spelling)]
            if _LOCAL_NAME.match(spelling):
                iris.append(ID_IRI + spelling)
        found = self.engine.select(with_value_list(_EXACT_QUERY, "_name", names)).rows  # type: ignore[attr-defined]
        subjects = list(dict.fromkeys([row[0].value for row in found if row[0] is not None] + iris))
        index: dict[str, dict[str, set[str]]] = {}
        _index_rows(self._names_of(subjects), index, self._seen_labels, self._seen_codes)
        tiers = index.get(_key(text), {})
        for tier in TIERS:
            if tiers.get(tier):
                return sorted(tiers[tier])
        return []

    def _names_of(self, iris: list[str]) -> list[tuple[str, str, str]]:
        """The rows of the whole index (IRI, text, how) for these IRIs only (an IRI the engine
        refuses has none)."""
        terms = []
        for iri in iris:
            try:
                terms.append(ox.NamedNode(iri))
            except ValueError:
                continue
        if not terms:
            return []
        rows = self.engine.select(with_value_list(_NAMES_OF_QUERY, "s", terms)).rows  # type: ignore[attr-defined]
        return [(row[0].value, row[2].value, _NAME_PREDICATES[row[1].value]) for row in rows
                if row[0] is not None and row[2] is not None and row[1] is not None
                and row[1].value in _NAME_PREDICATES]

    # ------------------------------------------------------------------ lookups

    def matches(self, text: str) -> list[str]:
        """IRIs of the best tier that matches ``text`` exactly (case-insensitively)."""
        iri = _IRI.match(text.strip())
        if iri:
            return [iri.group(1)] if iri.group(1) in self.labels or iri.group(1) in self.codes else []
        tiers = self.names.get(_key(text), {})
        for tier in TIERS:
            if tiers.get(tier):
                return sorted(tiers[tier])
        return []

    def search(self, text: str, limit: int = 20) -> list[Entity]:
        """Entities whose names match ``text`` exactly, contain it, or come close, best first."""
        key = normalise(text)
        found: list[str] = list(self.matches(text))
        if key:
            for name, tiers in sorted(self.names.items()):
                if key in name:
                    for tier in TIERS:
                        found.extend(sorted(tiers.get(tier, ())))
            for name in difflib.get_close_matches(key, list(self.names), n=limit, cutoff=0.75):
                for tier in TIERS:
                    found.extend(sorted(self.names[name].get(tier, ())))
        return self.details(list(dict.fromkeys(found))[:limit])

    def closest(self, text: str, among: set[str] | None = None, n: int = 3) -> list[Entity]:
        """The entities with the names nearest to ``text`` (optionally only among some IRIs)."""
        key = normalise(text)
        names = {name: tiers for name, tiers in self.names.items()
                 if among is None or any(iris & among for iris in tiers.values())}
        close = [name for name in names if key and len(key) >= 3 and key in name]
        close += difflib.get_close_matches(key, list(names), n=n, cutoff=0.7)
        iris: list[str] = []
        for name in close:
            for tier in TIERS:
                iris.extend(sorted(i for i in names[name].get(tier, ()) if among is None or i in among))
        return self.details(list(dict.fromkeys(iris))[:n])

    def details(self, iris: list[str]) -> list[Entity]:
        """Label, kind, country and code of each IRI (one query for those not seen before)."""
        missing = [i for i in iris if i not in self._details]
        if missing and self.engine is not None:
            values = " ".join(str(ox.NamedNode(i)) for i in missing)
            for row in self.engine.select(_DETAILS_QUERY % values).rows:  # type: ignore[attr-defined]
                iri = row[0].value
                jurisdiction = row[4] is not None and row[4].value == "true"
                label = self._label(iri)
                self._details[iri] = Entity(
                    iri, label,
                    kind=row[1].value if row[1] is not None else "",
                    # a state or union is its own country
                    country=row[2].value if row[2] is not None else (label if jurisdiction else ""),
                    iso_code=row[3].value if row[3] is not None else "",
                    jurisdiction=jurisdiction)
        return [self._details.get(i) or Entity(i, self._label(i), iso_code=self._code(i)) for i in iris]

    def entity(self, text: str, what: str = "entity", jurisdictions_only: bool = False) -> Entity:
        """The one entity ``text`` names.

        Raises:
            QueryError: no entity or more than one answers to the name; the message lists the
                candidates, or the closest names, and says how to list more (``sovkg find``).
        """
        if not self._loaded:
            # The common case: the name is written as typed (or in a usual case) in the graph and
            # names one entity. Anything else reads the whole index, for the same answer as before.
            exact = self.details(self._exact(text))
            if jurisdictions_only:
                exact = [c for c in exact if c.jurisdiction or c.iso_code]
            if len(exact) == 1:
                return exact[0]
            if self.direct_only:
                raise QueryError(f"{what} {text!r} is not written as the name of one entity in the graph")
        candidates = self.details(self.matches(text))
        if jurisdictions_only:
            candidates = [c for c in candidates if c.jurisdiction or c.iso_code]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            listed = "\n".join(f"  {c.describe()}" for c in candidates)
            raise QueryError(f"{what} {text!r} is ambiguous: it names {len(candidates)} entities:\n{listed}\n"
                             f"give the local name (after ':') or the IRI of the one you mean")
        among = {i for i, code in self.codes.items() if code} if jurisdictions_only else None
        close = self.closest(text, among)
        hint = ("; did you mean " + " or ".join(f"{c.label!r} (:{c.local_name})" for c in close) + "?") if close else ""
        raise QueryError(f"no {what} named {text!r} in the graph{hint} "
                         f"('sovkg find {text.strip()[:40]}' lists entities by name)")

    def country_code(self, text: str, what: str = "country") -> str:
        """The ISO 3166-1 code of the country or union ``text`` names (code, label or alias)."""
        value = text.strip()
        if len(value) == 2 and value.isalpha():
            codes = self._code_list()
            by_code = {code.casefold(): code for code in codes.values()}
            if value.casefold() in by_code:
                return by_code[value.casefold()]
            known = ", ".join(sorted(set(codes.values())))
            raise QueryError(f"no country with the code {value.upper()!r} in the graph (codes it knows: {known})")
        found = self.entity(value, what, jurisdictions_only=True)
        code = self._code(found.iri) or found.iso_code
        if not code:
            raise QueryError(f"{what} {text!r} names {found.label}, which has no ISO code in the graph")
        return code


def _key(text: str) -> str:
    """The normalised name looked up for ``text`` (a leading ':' marks a local name)."""
    return normalise(text.lstrip(":")) if text.strip().startswith(":") else normalise(text)


def _spellings(text: str) -> list[str]:
    """The ways ``text`` is most likely written in the graph: as typed and in the usual cases."""
    forms = [text.strip(), " ".join(text.split()), unicodedata.normalize("NFKC", " ".join(text.split()))]
    forms += [form.lstrip(":") for form in forms if form.startswith(":")]
    spellings = []
    for form in forms:
        spellings += [form, form.lower(), form.upper(), form.title(), form.capitalize(), form[:1].upper() + form[1:]]
    return [spelling for spelling in dict.fromkeys(spellings) if spelling]


def _index_rows(rows: list[tuple[str, str, str]], names: dict[str, dict[str, set[str]]],
                labels: dict[str, str], codes: dict[str, str]) -> None:
    """Add rows of the index (IRI, text, how: label, alias or code) to ``names``, ``labels`` and
    ``codes``."""

    def add(text: str, tier: str, iri: str) -> None:
        key = normalise(text)
        if key:
            names.setdefault(key, {}).setdefault(tier, set()).add(iri)

    for iri, text, how in rows:
        add(text, "label" if how == "label" else "alias", iri)
        if how == "label":
            labels.setdefault(iri, text)
            match = _PARENTHESIS.match(text)
            # "Amazon Web Services (AWS)", not "Jean Zay: 1,456 H100 (prose)"
            if match and ":" not in text and match.group(2)[:1].isupper():
                add(match.group(1), "derived", iri)
                add(match.group(2), "derived", iri)
        elif how == "code":
            codes[iri] = text
        add(local_name(iri), "local name", iri)
