"""What changed in the asserted facts between two versions of the graph, grouped by entity.

A version is a build folder (its ``asserted.nt``), a git revision of the project (its ``kg/*.ttl``,
read with ``git show``, nothing checked out) or ``worktree`` (the ``kg/`` files on disk). Blank
nodes get fresh identifiers at every parse, so each one is compared by a canonical signature of its
(predicate, value) pairs, recursively: the same evidence in two versions is the same value, and an
evidence whose quote changed is one evidence removed and another added.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sovkg.build.parse import parse_files
from sovkg.errors import InputError
from sovkg.namespaces import ID_IRI, PREFIXES, RDFS_LABEL, SOV_IRI
from sovkg.project import Project
from sovkg.store.build import Build

WORKTREE = "worktree"
FORMATS = ("text", "json")

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
# Literals Turtle writes without quotes, when their lexical form is in Turtle's own shorthand.
_BARE = {
    _XSD + "integer": re.compile(r"[+-]?\d+"),
    _XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
    _XSD + "double": re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+"),
    _XSD + "boolean": re.compile(r"true|false"),
}
_LOCAL_NAME = re.compile(r"(\w[\w.-]*(?<!\.))?")
_CYCLE = "[cycle]"
_EVIDENCE = SOV_IRI + "hasEvidence"
# The order in which an evidence summary names its parts: the source and the quote first.
_EVIDENCE_ORDER = ("source", "quote", "locator", "supports", "provenanceKind", "note")


# --- loading a version ----------------------------------------------------------------------------

def load_facts(project: Project, spec: str) -> list[ox.Triple]:
    """The asserted facts of one version: ``worktree``, a build folder, or a git revision.

    Raises:
        InputError: ``spec`` is none of these (the message names it), or its Turtle is malformed.
    """
    if spec == WORKTREE:
        return _triples(parse_files(project.kg_files()))
    if len(spec) > 1024 or "\0" in spec:
        raise InputError(f"{spec[:60]!r}...: not a build folder, a git revision or {WORKTREE!r} "
                         "(too long, or holding a NUL character)")
    folder = _folder(project, spec)
    build = Build.at(folder) if folder is not None else None
    if build is not None:
        # N-Triples is a subset of Turtle, so the Turtle parser (and its error messages) serves.
        return _triples(parse_files([build.graph_file("asserted")]))
    commit = _commit(project, spec)
    if commit is not None:
        return _revision_facts(project, spec, commit)
    if folder is not None:
        raise InputError(f"{spec}: not a build folder (it has no asserted.nt) nor a git revision")
    raise InputError(f"{spec!r} is not a build folder, a git revision of {project.root}, or {WORKTREE!r}")


def _triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _folder(project: Project, spec: str) -> Path | None:
    """The folder ``spec`` names, relative to the working directory or else to the project."""
    for candidate in (Path(spec), project.root / spec):
        try:
            if candidate.is_dir():
                return candidate
        except (OSError, ValueError):  # a name too long for the file system, or with a NUL in it
            continue
    return None


def _git(project: Project, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=project.root, capture_output=True, check=False)
    except (OSError, ValueError) as error:
        raise InputError(f"cannot run git to read a revision: {getattr(error, 'strerror', None) or error}") from None


def _commit(project: Project, spec: str) -> str | None:
    """The commit ``spec`` names in the project's repository, or None if it names none."""
    # --end-of-options keeps a spec that starts with '-' from being read as an option.
    done = _git(project, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    return done.stdout.decode().strip() if done.returncode == 0 else None


def _revision_facts(project: Project, spec: str, commit: str) -> list[ox.Triple]:
    """Parse the ``kg/*.ttl`` files of a commit, copied out with ``git show`` into a temporary folder."""
    listing = _git(project, "ls-tree", "-r", "-z", "--name-only", commit, "--", "kg")
    if listing.returncode != 0:
        raise InputError(f"{spec}: cannot list kg/: {listing.stderr.decode().strip()}")
    # Paths are relative to the project root (git's working directory here), as kg_files() gives them.
    names = sorted(name for name in listing.stdout.decode().split("\0") if name.endswith(".ttl"))
    with tempfile.TemporaryDirectory(prefix="sovkg-diff-") as tmp:
        paths: list[Path] = []
        for name in names:
            path = Path(tmp) / name
            # A crafted tree can hold entries named '..': never read or write outside the temporary folder.
            if Path(name).is_absolute() or ".." in Path(name).parts or \
                    not path.resolve().is_relative_to(Path(tmp).resolve()):
                raise InputError(f"{spec}:{name}: refusing a path that leaves the kg/ folder")
            blob = _git(project, "show", f"{commit}:./{name}")
            if blob.returncode != 0:
                raise InputError(f"{spec}:{name}: cannot read: {blob.stderr.decode().strip()}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob.stdout)
            paths.append(path)
        try:
            return _triples(parse_files(paths))
        except InputError as error:
            # Name the file as the reader knows it (REV:kg/...), not by its temporary copy.
            raise InputError(str(error).replace(f"{tmp}/", f"{spec}:")) from error


# --- facts with blank nodes replaced by their content ---------------------------------------------

@dataclass(frozen=True)
class Value:
    """The object of a fact: an IRI or a literal, or a blank node known only by its content.

    Two values are equal when their ``key`` is: a term's N-Triples form, or for a blank node its
    sorted (predicate, value key) pairs, which no parse-specific identifier enters.
    """

    key: str
    term: ox.NamedNode | ox.Literal | None = field(default=None, compare=False)
    pairs: tuple[tuple[ox.NamedNode, Value], ...] = field(default=(), compare=False)

    @property
    def is_blank(self) -> bool:
        return self.term is None


# (subject, predicate, value); a blank node that is no one's object is kept whole with (None, None).
Fact = tuple[ox.NamedNode | None, ox.NamedNode | None, Value]
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def _facts(triples: Iterable[ox.Triple]) -> set[Fact]:
    """The facts of named subjects, each blank-node object folded into one :class:`Value`."""
    named: list[ox.Triple] = []
    described: dict[ox.BlankNode, list[tuple[ox.NamedNode, Term]]] = defaultdict(list)
    objects: set[ox.BlankNode] = set()
    for triple in triples:
        if isinstance(triple.object, ox.BlankNode):
            objects.add(triple.object)
        if isinstance(triple.subject, ox.BlankNode):
            described[triple.subject].append((triple.predicate, triple.object))
        else:
            named.append(triple)
    memo: dict[ox.BlankNode, Value] = {}

    def value(term: Term, path: frozenset[ox.BlankNode] = frozenset()) -> Value:
        if not isinstance(term, ox.BlankNode):
            return Value(str(term), term)
        if term in memo:
            return memo[term]
        if term in path:
            return Value(_CYCLE)  # a cycle of blank nodes has no finite signature; cut it here
        pairs = sorted(((p, value(o, path | {term})) for p, o in described.get(term, [])),
                       key=lambda pair: (pair[0].value, pair[1].key))
        memo[term] = Value("[" + " ; ".join(f"{p} {v.key}" for p, v in pairs) + "]", None, tuple(pairs))
        return memo[term]

    facts: set[Fact] = {(t.subject, t.predicate, value(t.object)) for t in named}
    facts.update((None, None, value(node)) for node in described if node not in objects)
    return facts


# --- the differences ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One added (``+``), removed (``-``) or changed (``~``) value of a property of an entity."""

    kind: str
    predicate: ox.NamedNode | None
    old: Value | None = None
    new: Value | None = None

    @property
    def is_evidence(self) -> bool:
        value = self.new or self.old
        return self.predicate is not None and self.predicate.value == _EVIDENCE and value is not None \
            and value.is_blank

    def property_text(self) -> str:
        if self.predicate is None:
            return ""
        return "evidence" if self.is_evidence else _iri(self.predicate.value)

    def value_text(self, value: Value | None) -> str:
        if value is None:
            return ""
        return _evidence(value) if self.is_evidence else _value(value)

    def text(self) -> str:
        shown = (f"{self.value_text(self.old)} -> {self.value_text(self.new)}" if self.kind == "~"
                 else self.value_text(self.new or self.old))
        return " ".join(part for part in (self.kind, self.property_text(), shown) if part)

    def as_dict(self) -> dict[str, str | None]:
        entry: dict[str, str | None] = {
            "change": {"+": "added", "-": "removed", "~": "changed"}[self.kind],
            "property": self.property_text(),
            "property_iri": self.predicate.value if self.predicate is not None else None,
        }
        if self.kind == "~":
            entry["old"], entry["new"] = self.value_text(self.old), self.value_text(self.new)
        else:
            entry["value"] = self.value_text(self.new or self.old)
        return entry

    def sort_key(self) -> tuple[bool, str, int, str]:
        # Plain facts before evidence; per property, a change, then removals, then additions.
        shown = self.new or self.old
        return self.is_evidence, self.property_text(), "~-+".index(self.kind), shown.key if shown else ""


@dataclass
class EntityDiff:
    """The changes of one entity; ``status`` is ``new``, ``removed`` or ``changed``."""

    iri: str | None
    label: str | None
    status: str
    changes: list[Change]

    @property
    def name(self) -> str:
        return _iri(self.iri) if self.iri is not None else "[] (blank nodes that no entity points at)"

    def heading(self) -> str:
        label = f" {json.dumps(self.label, ensure_ascii=False)}" if self.label else ""
        status = f" ({self.status})" if self.status != "changed" else ""
        return f"{self.name}{label}{status}"


@dataclass
class GraphDiff:
    """The differences between two versions' asserted facts, one :class:`EntityDiff` per entity."""

    entities: list[EntityDiff]

    def counts(self) -> dict[str, int]:
        changes = [c for e in self.entities for c in e.changes]
        return {"entities_changed": len(self.entities),
                "facts_added": sum(c.kind == "+" for c in changes),
                "facts_removed": sum(c.kind == "-" for c in changes),
                "facts_changed": sum(c.kind == "~" for c in changes)}

    def summary(self) -> str:
        n = self.counts()
        return (f"{n['entities_changed']} {'entity' if n['entities_changed'] == 1 else 'entities'} changed, "
                f"{n['facts_added']} {'fact' if n['facts_added'] == 1 else 'facts'} added, "
                f"{n['facts_removed']} removed, {n['facts_changed']} changed")

    def render(self, fmt: str = "text") -> str:
        """The differences as text for a reviewer, or (``json``) as one JSON document."""
        if fmt == "json":
            return json.dumps({
                "summary": self.counts(),
                "entities": [{"iri": e.iri, "name": e.name, "label": e.label, "status": e.status,
                              "changes": [c.as_dict() for c in e.changes]} for e in self.entities],
            }, indent=2, ensure_ascii=False)
        if fmt != "text":
            raise InputError(f"unknown diff format {fmt!r}: use one of {', '.join(FORMATS)}")
        lines: list[str] = [] if self.entities else ["No differences in the asserted facts."]
        for entity in self.entities:
            lines.append(entity.heading())
            lines.extend(f"  {change.text()}" for change in entity.changes)
            lines.append("")
        lines.append(self.summary())
        return "\n".join(lines)


def diff(old: Iterable[ox.Triple], new: Iterable[ox.Triple]) -> GraphDiff:
    """The facts added, removed and changed from ``old`` to ``new``, grouped by subject."""
    old_facts, new_facts = _facts(old), _facts(new)
    added, removed = new_facts - old_facts, old_facts - new_facts
    old_subjects = {s for s, _, _ in old_facts}
    new_subjects = {s for s, _, _ in new_facts}
    by_entity: dict[ox.NamedNode | None, dict[ox.NamedNode | None, tuple[list[Value], list[Value]]]] = {}
    for facts, slot in ((removed, 0), (added, 1)):
        for subject, predicate, value in facts:
            by_entity.setdefault(subject, {}).setdefault(predicate, ([], []))[slot].append(value)
    labels = _labels(old_facts) | _labels(new_facts)  # the new label wins where both have one
    entities: list[EntityDiff] = []
    for subject, predicates in by_entity.items():
        changes: list[Change] = []
        for predicate, (gone, came) in predicates.items():
            # One value replaced by one other reads as a change; evidence nodes are never "the" value.
            if len(gone) == 1 and len(came) == 1 and not gone[0].is_blank and not came[0].is_blank:
                changes.append(Change("~", predicate, gone[0], came[0]))
                continue
            changes.extend(Change("-", predicate, old=v) for v in gone)
            changes.extend(Change("+", predicate, new=v) for v in came)
        status = ("new" if subject not in old_subjects else "removed" if subject not in new_subjects
                  else "changed")
        iri = subject.value if subject is not None else None
        entities.append(EntityDiff(iri, labels.get(subject), status, sorted(changes, key=Change.sort_key)))
    entities.sort(key=lambda e: (e.iri is None, _local_name(e.iri or ""), e.iri or ""))
    return GraphDiff(entities)


def _labels(facts: set[Fact]) -> dict[ox.NamedNode | None, str]:
    """One rdfs:label per subject, preferring English or untagged labels, then the first in order."""
    candidates: dict[ox.NamedNode | None, list[ox.Literal]] = defaultdict(list)
    for subject, predicate, value in facts:
        if predicate is not None and predicate.value == RDFS_LABEL and isinstance(value.term, ox.Literal):
            candidates[subject].append(value.term)
    return {s: min(ls, key=lambda lit: (lit.language not in (None, "en"), lit.value)).value
            for s, ls in candidates.items()}


# --- compact display of terms ---------------------------------------------------------------------

def _local_name(iri: str) -> str:
    if iri.startswith(ID_IRI):
        return iri[len(ID_IRI):]
    return re.split(r"[#/]", iri)[-1]


def _iri(iri: str) -> str:
    """``:Local`` for the data, ``sov:term`` for the ontology, a known prefix, else ``<iri>``."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _value(value: Value) -> str:
    term = value.term
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.Literal):
        text = json.dumps(term.value, ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return text
        bare = _BARE.get(datatype)
        return term.value if bare and bare.fullmatch(term.value) else f"{text}^^{_iri(datatype)}"
    if value.key == _CYCLE:
        return _CYCLE
    return "[" + ", ".join(f"{_iri(p.value)} {_value(v)}" for p, v in value.pairs) + "]"


def _evidence(value: Value) -> str:
    """``[source :src004, quote "...", ...]``, the parts named by their sov: local name; the line
    names the property ``evidence``, so that it reads ``+ evidence [source :src004, quote "..."]``."""
    def name(predicate: ox.NamedNode) -> str:
        return predicate.value[len(SOV_IRI):] if predicate.value.startswith(SOV_IRI) else _iri(predicate.value)

    def order(pair: tuple[ox.NamedNode, Value]) -> tuple[int, str, str]:
        known = name(pair[0])
        rank = _EVIDENCE_ORDER.index(known) if known in _EVIDENCE_ORDER else len(_EVIDENCE_ORDER)
        return rank, pair[0].value, pair[1].key

    parts = [f"{name(p)} {_value(v)}" for p, v in sorted(value.pairs, key=order)]
    return "[" + ", ".join(parts) + "]"
