"""A stored question loads only what it answers with: not rdflib, not the build, not the importer,
not the endpoint client, not rich's console, and (once its header has been read) not a YAML parser."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from sovkg.errors import EXIT_OK
from sovkg.project import Project
from sovkg.queries.library import Library, load_query
from sovkg.results.plain import plain_table
from sovkg.results.present import View
from sovkg.results.table import _rich_table

from .conftest import Runner

HEAVY = ("rdflib", "pyshacl", "owlrl", "sovkg.build", "sovkg.authoring", "openpyxl", "sovkg.cli.build_cmd")
# Needed on some paths only: a remote endpoint, rich's own drawing, a header not read before, an
# answer worked out on the store.
LAZY = ("requests", "urllib3", "sovkg.store.endpoint", "sovkg.queries.remote", "rich.console", "rich.table", "yaml",
        "sovkg.queries.ordering")


def _under(module: str, packages: tuple[str, ...]) -> bool:
    """Whether a module is one of ``packages`` or inside one of them."""
    return any(module == package or module.startswith(package + ".") for package in packages)


def _imported(*args: str, cwd: object, cache: Path | None = None) -> set[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)} if cache is not None else None
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "sovkg", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == EXIT_OK, done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_a_stored_question_imports_no_rdflib_and_no_build_code(built: Project, tmp_path: Path) -> None:
    first = _imported("query", "us-dependencies", cwd=built.root, cache=tmp_path)
    assert "sovkg.queries.run" in first
    assert not [m for m in first if _under(m, HEAVY)]
    assert "yaml" in first  # the header is read once, then kept in the cache
    again = _imported("query", "us-dependencies", cwd=built.root, cache=tmp_path)
    assert not [m for m in again if _under(m, HEAVY + LAZY)]


def test_a_cached_header_reads_as_the_yaml_one(built: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = Library(built.queries).all()
    assert list((tmp_path / "sovkg" / "query-headers").glob("*.json"))
    cached = [load_query(query.path) for query in parsed]
    assert cached == parsed


def test_a_header_json_cannot_keep_is_parsed_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rq = tmp_path / "dated.rq"
    rq.write_text("#+ summary: s\n#+ since: 2024-01-31\n#+ values: {x: {1: one}}\nSELECT * WHERE { ?s ?p ?o }\n",
                  encoding="utf-8")
    assert load_query(rq).presentation.values == {"x": {"1": "one"}}
    assert not list((tmp_path / "cache").rglob("*.json"))
    assert load_query(rq).presentation.values == {"x": {"1": "one"}}


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    query = Library(Path(__file__).resolve().parents[1] / "queries").get("us-dependencies")
    assert query.summary


_WORDS = ["a", "Nvidia", "Mistral AI", "supercomputer", "Île-de-France", "$1.5", "billion", "–", "~$100", "(partial",
          "figure)", "x" * 30, "東京", "データ", "", " ", "Amazon Web Services (AWS)", "é", "[bold]", "yes", "·",
          "https://w3id.org/sovkg/id/SomethingLongerThanAColumn", "a-b-c-d-e-f-g-h-i-j-k-l-m-n", "12:30", "ok:",
          "[/]", "[link=x]y", "🙂", "👍🏽", "e\u0301", "한국어", "ｆｕｌｌ"]


@pytest.mark.parametrize("seed", range(4))
def test_the_light_table_draws_what_rich_draws(seed: int) -> None:
    """Random tables (wide characters, words longer than a column, empty cells, too many columns
    for the line) at random widths: the same lines as rich's, or rich is left to draw them."""
    rng = random.Random(seed)
    compared = 0
    for _ in range(400):
        count = rng.randint(1, 8)
        titles = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3))).strip() or "t" for _ in range(count)]
        rows = [["".join(rng.choice(_WORDS) + rng.choice(["", " ", "  "]) for _ in range(rng.randint(0, 8)))
                 for _ in range(count)] for _ in range(rng.randint(0, 5))]
        width = rng.randint(40, 160)
        # the least widths as ResultTable._table gives them
        minimum = [min(16, max((len(w) for t in [title, *(r[i] for r in rows)] for w in t.split()), default=1))
                   for i, title in enumerate(titles)]
        room = width - 3 * count
        if sum(min(m, 8) for m in minimum) > room:
            continue
        while sum(minimum) > room and max(minimum) > 8:
            minimum[minimum.index(max(minimum))] -= 1
        light = plain_table(titles, rows, minimum, width)
        if light is None:
            continue
        assert [line.rstrip() for line in light] == _rich_table(View(titles, rows), minimum, width)
        compared += 1
    assert compared > 100


def test_rich_draws_what_it_would_change() -> None:
    # rich's markup escaping doubles a backslash that ends a cell; a title is markup to rich
    for titles, rows in ((["t"], [["end\\"]]), (["[b]"], [["x"]]), (["t"], [[":thumbs_up:"]]), (["t"], [["a\tb"]])):
        assert plain_table(titles, rows, [4], 60) is None


def test_help_still_lists_every_command_and_a_command_loads_on_use(built: Project, sovkg: Runner) -> None:
    done = sovkg("--help", cwd=built.root)
    assert done.returncode == EXIT_OK
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.startswith("    ") and line.split()}
    assert {"build", "validate", "query", "queries", "sparql", "docs", "load", "serve", "diff", "new-country",
            "import", "init", "find", "explain", "site", "release"} <= listed
    assert sovkg("import", "--help", cwd=built.root).stdout.startswith("usage: sovkg import")
    assert "sovkg.build.pipeline" in _imported("validate", cwd=built.root)


def test_the_light_ratio_reduce_is_riches() -> None:
    from rich._ratio import ratio_reduce

    from sovkg.results.plain import _ratio_reduce

    rng = random.Random(7)
    for _ in range(2000):
        count = rng.randint(1, 8)
        values = [rng.randint(0, 60) for _ in range(count)]
        ratios = [rng.randint(0, 2) for _ in range(count)]
        maximums = [rng.randint(0, 30) for _ in range(count)]
        total = rng.randint(0, 80)
        assert _ratio_reduce(total, ratios, maximums, values) == ratio_reduce(total, ratios, maximums, values)

