"""Stored SPARQL questions: one ``.rq`` file each, with a grlc-style ``#+`` YAML header.

Header keys: ``summary`` (required), ``description``, ``tags``, ``params`` (a list of
``name: {kind, default, description}``), ``example`` (a command line that shows a typical call).
A parameter ``country`` appears in the query as the variable ``?_country``; the runner binds it as
an RDF term, never by editing the query text.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sovkg.errors import QueryError
from sovkg.lexical import mask
from sovkg.results.present import Presentation

PARAM_KINDS = ("country", "entity", "language", "string", "integer", "decimal")
_VARIABLE = re.compile(r"[?$]([A-Za-z_][\w]*)")


@dataclass(frozen=True)
class Param:
    """A parameter of a stored question."""

    name: str
    kind: str
    default: str | None
    description: str

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class StoredQuery:
    """A stored question: its SPARQL text and what its header says about it."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    example: str | None = None
    variables: tuple[str, ...] = field(default_factory=tuple)
    presentation: Presentation = field(default_factory=Presentation)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _header(path: Path, text: str) -> dict[str, object]:
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        raise QueryError(f"{path}:1: no '#+' header: a stored query starts with '#+ summary: ...'")
    source = "\n".join(line[1:] if line.startswith(" ") else line for line in lines)
    header = _cached_header(source)
    if header is None:
        import yaml  # only for a header not read before: importing it costs more than answering

        try:
            header = yaml.safe_load(source)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = _header_line(text, mark.line if mark else 0)
            raise QueryError(f"{path}:{line}: malformed '#+' header: {error}") from error
        _remember_header(source, header)
    if not isinstance(header, dict) or not header.get("summary"):
        raise QueryError(f"{path}:1: the '#+' header needs a 'summary:'")
    return header


# Parsed headers are kept as JSON in the user's cache, each with the text it was read from (an edited
# header is simply read afresh): a stored question then needs no YAML parser at all.
_CACHE_VERSION = "1"  # change when the way a header is read changes


def _header_cache_file(source: str) -> Path | None:
    import zlib  # a file name, not a proof: the file holds the text it was read from

    try:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder
        return None
    key = f"{zlib.crc32(source.encode()):08x}{len(source):x}"
    return root / "sovkg" / "query-headers" / f"{_CACHE_VERSION}-{key}.json"


def _cached_header(source: str) -> object | None:
    file = _header_cache_file(source)
    try:
        kept = json.loads(file.read_text(encoding="utf-8")) if file is not None else None
    except (OSError, ValueError):
        return None
    return kept.get("header") if isinstance(kept, dict) and kept.get("source") == source else None


def _remember_header(source: str, header: object) -> None:
    """Keep a parsed header if JSON gives it back unchanged (not dates or non-text keys); a cache
    that cannot be written is no error."""
    file = _header_cache_file(source)
    try:
        data = json.dumps({"source": source, "header": header}, ensure_ascii=False)
        if file is None or json.loads(data)["header"] != header:
            return
        file.parent.mkdir(parents=True, exist_ok=True)
        partial = file.with_name(f".{file.name}.{os.getpid()}")
        partial.write_text(data, encoding="utf-8")
        os.replace(partial, file)  # whole or not at all, whoever else writes it
    except (OSError, TypeError, ValueError):
        return


def _header_line(text: str, header_index: int) -> int:
    seen = -1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#+"):
            seen += 1
            if seen == header_index:
                return number
    return 1


def _params(path: Path, raw: object) -> tuple[Param, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise QueryError(f"{path}: 'params' must be a list of 'name: {{kind: ..., default: ...}}'")
    params = []
    for item in raw:
        if not isinstance(item, dict) or len(item) != 1:
            raise QueryError(f"{path}: each entry of 'params' is one 'name: {{kind: ..., default: ...}}'")
        name, spec = next(iter(item.items()))
        spec = spec or {}
        kind = spec.get("kind", "string")
        if kind not in PARAM_KINDS:
            raise QueryError(f"{path}: parameter {name!r} has unknown kind {kind!r} "
                             f"(kinds: {', '.join(PARAM_KINDS)})")
        default = spec.get("default")
        params.append(Param(str(name), kind, None if default is None else str(default),
                            str(spec.get("description", ""))))
    return tuple(params)


def load_query(path: Path) -> StoredQuery:
    """Read and check one ``.rq`` file: its header, and that pyoxigraph can parse its SPARQL."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(f"{path}: not UTF-8 text (byte {error.start}: {error.reason})") from None
    except OSError as error:
        raise QueryError(f"{path}: cannot read: {error.strerror}") from error
    header = _header(path, text)
    try:
        ox.Store().query(text)
    except SyntaxError as error:
        raise QueryError(f"{path}:{_sparql_position(error)}: malformed SPARQL: {error.msg}") from error
    params = _params(path, header.get("params"))
    variables = tuple(dict.fromkeys(_VARIABLE.findall(mask_sparql(text))))
    for param in params:
        if "_" + param.name not in variables:
            raise QueryError(f"{path}: parameter {param.name!r} is declared but the query never uses ?_{param.name}")
    tags = header.get("tags") or []
    return StoredQuery(
        name=path.stem, path=path, text=text, summary=str(header["summary"]).strip(),
        description=str(header.get("description") or "").strip(),
        tags=tuple(str(t) for t in tags), params=params,
        example=str(header["example"]).strip() if header.get("example") else None,
        variables=variables, presentation=Presentation.from_header(header, str(path)))


def mask_sparql(text: str) -> str:
    """The query with comments, strings and IRIs blanked, so keyword search sees only syntax."""
    return mask(text, blank_iris=True)


def _sparql_position(error: SyntaxError) -> str:
    """line:column of a pyoxigraph SPARQL syntax error ("error at 5:2: ...")."""
    match = re.search(r"at (\d+):(\d+)", str(error))
    return f"{match.group(1)}:{match.group(2)}" if match else str(error.lineno or 1)


class Library:
    """The stored questions of a project folder (not its ``checks/``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.rq"))

    def all(self) -> list[StoredQuery]:
        return [load_query(p) for p in sorted(self.folder.glob("*.rq"))]

    def get(self, name: str) -> StoredQuery:
        # A name, never a path: "../../x" must not run a file from elsewhere on disk.
        path = self.folder / f"{name}.rq"
        if name not in self.names():
            import difflib

            close = difflib.get_close_matches(name, self.names(), n=3, cutoff=0.4)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise QueryError(f"no stored query named {name!r}{hint} ('sovkg queries' lists them)")
        return load_query(path)
