"""The support rules of `sovkg validate`: a fact's quotes must say what the fact says.

Tiny valid and invalid fixtures in tests/fixtures/support/ (with their own source text), each
invalid one asserting the exact violation; then the rules on the real graph, and through the CLI.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from sovkg.build.parse import parse_files
from sovkg.build.support import (
    RULE_LINKS,
    RULE_LOCATORS,
    RULE_NUMBERS,
    check_support,
    dates_in,
    name_forms,
    names,
    numbers_in,
    renders,
)
from sovkg.project import Project
from sovkg.sources.quotes import normalise

from .conftest import FIXTURES, ROOT, Runner, copy_project

SUPPORT = FIXTURES / "support"
ID = "https://w3id.org/sovkg/id/"
SOV = "https://w3id.org/sovkg/ontology#"


def _run(fixture: str, sources: list[Path] | None = None):
    ontology = parse_files([ROOT / "ontology" / "sovkg.ttl"])
    facts = parse_files([SUPPORT / "_base.ttl", SUPPORT / fixture])
    return check_support(ontology, facts, [SUPPORT / "sources"] if sources is None else sources)


# ---------------------------------------------------------------- reading numbers and dates

@pytest.mark.parametrize(("text", "value"), [
    ("a total of 1,528 Nvidia H100 GPUs", 1528),
    ("1528 GPUs", 1528),
    ("~$100 million (15 percent from", 100_000_000),
    ("100,000,000 dollars", 100_000_000),
    ("15 percent from Denmark's government", 0.15),
    ("\"market_share\": 0.15,", 0.15),
    ("15% of it", 0.15),
    ("\"funding\": 280_000_000_000, # $280B", 280_000_000_000),
    ("# $2.6B", 2_600_000_000),
    ("$250-300 million (author's estimate)", 300_000_000),
    ("eight of the top 10 supercomputers", 8),
    ("A third tier effectively bans 25 adversaries", 3),
    ("fines: \"up_to_7_percent_global_turnover\"", 0.07),
    ("between €2 and €3 billion", 2_000_000_000),  # the unit after the second end scales the first
    ("between CA$2 and CA$3 billion", 2_000_000_000),
    ("₹10,372 crore", 103_720_000_000),
    ("12.5 per cent", 0.125),
])
def test_numbers_are_read_in_every_rendering(text: str, value: float) -> None:
    assert any(abs(found - value) < 1e-9 * max(value, 1) for found in numbers_in(text)), numbers_in(text)


def test_a_number_inside_a_product_name_is_not_a_figure() -> None:
    assert 100 not in numbers_in("Nvidia H100 GPUs")


@pytest.mark.parametrize(("text", "value"), [
    ("Operational as of October 2024", "2024-10"),
    ("Operational as of 2024-10", "2024-10"),
    ("Announced in July 2024", "2024"),
    ("timeline: \"2026-2030\"", "2030"),
    ("release of ChatGPT in November 2022", "2022-11"),
    ("operational since 12 March 2025", "2025-03-12"),  # day first, as the walk-through's source writes it
    ("operational since March 12, 2025", "2025-03-12"),
])
def test_dates_are_read_in_words_and_iso_form(text: str, value: str) -> None:
    assert value in dates_in(text)


def test_names_are_whole_words_and_a_label_s_parenthesis_counts() -> None:
    assert name_forms("Amazon Web Services (AWS)") == {"Amazon Web Services (AWS)", "Amazon Web Services", "AWS"}
    assert names("trained on H800s (restricted", "H800")
    assert names("Digital Realty (U.S.-based data center company)", "U.S.")
    assert not names("a focus on chips", "US")


def test_names_agrees_with_its_pattern_on_random_text() -> None:
    """The search without a compiled pattern finds exactly what the pattern finds, case folding,
    plurals, possessives and the non-ASCII letters that fold to ASCII ones included."""
    rng = random.Random(1)
    alphabet = "aAbBsSiIkK' _-.1é\u0130\u0131\u017f\u212a(ß"
    found = 0
    for _ in range(20_000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        tail = rng.choice(["", "s", "'s", "S", "'S", "'x", "sx", "_", "\u017f"])
        text = text[:4] + name + tail + text[4:] if rng.random() < 0.7 else text
        pattern = re.compile(r"(?<!\w)" + re.escape(normalise(name)) + r"(?:'?s)?(?!\w)", re.IGNORECASE)
        expected = pattern.search(normalise(text)) is not None
        assert names(text, name) == expected, (text, name)
        found += expected
    assert found > 2_000  # both outcomes well represented


def test_an_ill_typed_number_is_not_rendered_rather_than_a_crash() -> None:
    literal = ox.Literal("x", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    assert not renders(literal, ["x marks the spot"])


# ---------------------------------------------------------------- fixtures: exact violations

def test_valid_fixture_has_no_problem() -> None:
    summary, problems = _run("valid.ttl")
    assert problems == []
    assert summary.checked[RULE_NUMBERS] == 5
    assert summary.allowed == [{"rule": f"{RULE_NUMBERS}: rests on DerivedFigure with a note",
                                "node": ID + "Sylvania-total", "path": SOV + "amount", "value": "200000000.0"}]
    assert summary.checked[RULE_LINKS] >= 1
    assert summary.checked[RULE_LOCATORS] >= 4


def test_number_not_in_its_quote_is_reported() -> None:
    _, problems = _run("number.invalid.ttl")
    assert [(p.rule, p.node, p.path, p.value, p.message) for p in problems] == [
        (RULE_NUMBERS, ox.NamedNode(ID + "Sylvania-chips"), SOV + "quantity", "1600",
         "no quote covering sov:quantity renders 1600")]


def test_link_whose_quote_names_no_target_is_reported() -> None:
    _, problems = _run("link.invalid.ttl")
    assert [(p.rule, p.node, p.path, p.value, p.message) for p in problems] == [
        (RULE_LINKS, ox.NamedNode(ID + "Sylvania"), SOV + "builtBy", ID + "Nvidia",
         "no quote covering sov:builtBy names 'Nvidia', and no evidence for it is marked common knowledge "
         "or illustrative")]


def test_repeated_quote_without_locator_is_reported() -> None:
    _, problems = _run("locator.invalid.ttl")
    assert [(p.rule, p.path, p.value, p.message) for p in problems] == [
        (RULE_LOCATORS, SOV + "quote", "Open", "the quote occurs 2 times in doc.txt; say which with sov:locator")]
    assert isinstance(problems[0].node, ox.BlankNode)


def test_without_sources_the_locator_rule_is_skipped_with_a_warning() -> None:
    summary, problems = _run("locator.invalid.ttl", sources=[])
    assert problems == []
    assert summary.checked[RULE_LOCATORS] == 0
    assert summary.warnings == [f"rule skipped: {RULE_LOCATORS}: no sources folder found (set SOVKG_SOURCES)"]
    # The two rules that need only the graph still run.
    _, number_problems = _run("number.invalid.ttl", sources=[])
    assert [p.rule for p in number_problems] == [RULE_NUMBERS]


# ---------------------------------------------------------------- the real graph and the CLI

def test_the_graph_passes_every_support_rule(built: Project) -> None:
    from sovkg.build.pipeline import load_graphs

    graphs = load_graphs(built)
    summary, problems = check_support(graphs.ontology, graphs.facts, built.sources)
    assert problems == []
    assert summary.checked[RULE_NUMBERS] > 70
    assert summary.checked[RULE_LINKS] > 350
    if built.sources:
        assert summary.checked[RULE_LOCATORS] > 400


def test_validate_names_file_and_line_of_an_unsupported_number(tmp_path: Path, sovkg: Runner) -> None:
    project = copy_project(tmp_path / "project")
    gefion = project.root / "kg" / "countries" / "dk.ttl"
    text = gefion.read_text(encoding="utf-8")
    assert "sov:quantity 1528 ;" in text
    gefion.write_text(text.replace("sov:quantity 1528 ;", "sov:quantity 1600 ;"), encoding="utf-8")
    result = sovkg("validate", cwd=project.root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"== {RULE_NUMBERS} (1)" in result.stdout
    line = next(n for n, t in enumerate(gefion.read_text().splitlines(), 1) if "sov:quantity 1600" in t)
    assert f"kg/countries/dk.ttl:{line}: Gefion: 1,528 Nvidia H100 GPUs" in result.stdout
    assert "no quote covering sov:quantity renders 1600" in result.stdout


def test_validate_without_sources_warns_that_the_locator_rule_was_skipped(tmp_path: Path, sovkg: Runner) -> None:
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project.root / "sources", ignore_errors=True)
    isolated = {"SOVKG_SOURCES": str(tmp_path / "no-such-folder")}
    result = sovkg("validate", "--format", "json", cwd=project.root, env=isolated)
    report = json.loads(result.stdout)
    if report["sources_checked"]:
        pytest.skip("a sources folder beside the checkout is found anyway")
    assert result.returncode == 0, result.stdout
    assert report["support"]["warnings"] == [
        f"rule skipped: {RULE_LOCATORS}: no sources folder found (set SOVKG_SOURCES)"]
    text = sovkg("validate", cwd=project.root, env=isolated).stdout
    assert f"Warning: rule skipped: {RULE_LOCATORS}" in text
