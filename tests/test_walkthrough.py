"""The README's walk-through, done as a new user does it, in a fresh project made by `sovkg init`.

The country is fictional (Freedonia, user-assigned code XF) and so is its one source, the text in
tests/fixtures/walkthrough/freedonia-ai-plan.txt: every expected answer below is read from that
text. The walk-through imports every sheet kind (actors, compute, models, funding as CSV, policies
as TSV) and then asks every stored question: each one whose subject Freedonia's facts touch is
asserted here, and the others are asserted not to mention it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sovkg.errors import EXIT_OK
from sovkg.project import Project
from sovkg.queries.library import Library
from sovkg.queries.run import run_stored

from .conftest import FIXTURES, ROOT, run_sovkg

WALK = FIXTURES / "walkthrough"
SHEETS = ("actors.csv", "compute.csv", "models.csv", "funding.csv", "policies.tsv")


def walk_through(root: Path) -> dict[str, str]:
    """Steps 1 to 5 of the README in a new project folder; returns each command's output."""
    outputs: dict[str, str] = {}

    def step(name: str, *args: str, cwd: Path) -> None:
        done = run_sovkg(*args, cwd=cwd)
        assert done.returncode == EXIT_OK, f"{name}: {done.stderr}"
        outputs[name] = done.stdout + done.stderr

    step("init", "init", str(root), cwd=root.parent)
    step("new-country", "new-country", "XF", "--name", "Freedonia", cwd=root)
    scaffold = root / "kg" / "countries" / "xf.ttl"
    scaffold.write_text(scaffold.read_text() + "\n" + (WALK / "source.ttl").read_text())
    shutil.copy(WALK / "freedonia-ai-plan.txt", root / "sources")
    for sheet in SHEETS:
        step(sheet, "import", str(WALK / sheet), cwd=root)
    step("again", "import", str(WALK / "models.csv"), cwd=root)
    step("build", "build", cwd=root)
    return outputs


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, str]]:
    root = tmp_path_factory.mktemp("walk") / "my-graph"
    outputs = walk_through(root)
    return Project(root, root / "dist"), outputs


def rows(project: Project, name: str, **params: str) -> list[dict[str, str]]:
    return run_stored(project, name, params).records()


def freedonia(project: Project, name: str, **params: str) -> list[dict[str, str]]:
    return [r for r in rows(project, name, **params) if r.get("country") == "Freedonia"]


def test_each_step_says_what_it_did(walked: tuple[Project, dict[str, str]]) -> None:
    project, out = walked
    assert "made the project" in out["init"]
    assert "wrote kg/countries/xf.ttl" in out["new-country"]
    for sheet in SHEETS:
        assert out[sheet].startswith("imported: "), out[sheet]
    assert out["again"].startswith("unchanged (already imported)")
    # Each sheet has its own file; the same sheet again wrote nothing new.
    assert len(list((project.kg / "imported").glob("*.ttl"))) == len(SHEETS)
    # Freedonia's 17 quotes were checked against its text; the seed graph's are named as unchecked.
    assert int(out["build"].split("quotes verified: ")[1].split()[0]) >= 17
    assert "WARNING:" in out["build"] and "were NOT checked" in out["build"]


def test_every_stored_question_is_covered_here(walked: tuple[Project, dict[str, str]]) -> None:
    names = set(Library(ROOT / "queries").names())
    assert names == set(TOUCHED) | set(UNTOUCHED), "decide for each new question whether Freedonia touches it"


# ---------------------------------------------------------------- questions Freedonia touches

def q_dependencies_on_country(project: Project) -> None:
    found = {(r["project"], r["actor"], r["layer"], r["firstHop"])
             for r in freedonia(project, "dependencies-on-country", country="US")}
    assert found == {
        ("FreeLM", "Meta", "foundation and base models", "Llama 3"),
        ("FreeLM", "Nvidia", "compute infrastructure", "Freedonia National Supercomputer"),
        ("Freedonia National Supercomputer", "Nvidia", "chips and semiconductors", "Nvidia H100"),
        ("Freedonia National Supercomputer", "Nvidia", "development and integration", "Nvidia"),
        ("Strelsau AI Cluster", "Nvidia", "chips and semiconductors", "Nvidia H100"),
        ("Strelsau AI Cluster", "Nvidia", "development and integration", "Nvidia Freedonia"),
        ("StrelsauGPT", "Nvidia", "compute infrastructure", "Strelsau AI Cluster"),
    }


def q_us_dependencies(project: Project) -> None:
    assert {(r["project"], r["usActors"]) for r in freedonia(project, "us-dependencies")} == {
        ("FreeLM", "Meta, Nvidia"), ("Freedonia National Supercomputer", "Nvidia"),
        ("Strelsau AI Cluster", "Nvidia"), ("StrelsauGPT", "Nvidia")}


def q_foreign_base_models(project: Project) -> None:
    assert [(r["project"], r["baseModel"], r["developer"], r["developerCountry"])
            for r in freedonia(project, "foreign-base-models")] == [("FreeLM", "Llama 3", "Meta", "United States")]


def q_compute_accelerators(project: Project) -> None:
    found = {(r["infrastructure"], r["trainedModel"], r["chip"], r["count"], r["approximate"], r["vendorCountry"])
             for r in freedonia(project, "compute-accelerators") if r["chip"] == "Nvidia H100"}
    assert found == {
        ("Freedonia National Supercomputer", "", "Nvidia H100", "512", "false", "United States"),
        ("Freedonia National Supercomputer", "FreeLM", "Nvidia H100", "512", "false", "United States"),
        ("Strelsau AI Cluster", "", "Nvidia H100", "1024", "true", "United States"),  # "about 1,024"
        ("Strelsau AI Cluster", "StrelsauGPT", "Nvidia H100", "1024", "true", "United States")}


def q_compute_status(project: Project) -> None:
    assert {(r["project"], r["status"], r["date"]) for r in freedonia(project, "compute-status")} == {
        ("Freedonia National Supercomputer", "operational", "2025-05"),
        ("Strelsau AI Cluster", "under construction", "2026"),
        ("Freedonia Sovereign Cloud", "operational", "2025-03-12"),
        ("Fredville Data Centre", "planned", "2027"),
        ("Marxville Compute Hub", "procurement under way", "no date given")}


def q_investments_ranked(project: Project) -> None:
    found = {r["project"]: r for r in freedonia(project, "investments-ranked")}
    assert (found["Freedonia National Supercomputer"]["amount"], found["Freedonia National Supercomputer"]["currency"],
            found["Freedonia National Supercomputer"]["approximate"]) == ("40000000", "USD", "true")
    assert (found["Strelsau AI Cluster"]["amount"], found["Strelsau AI Cluster"]["currency"]) == ("80000000", "EUR")
    data_centre = found["Fredville Data Centre"]
    assert (data_centre["amount"], data_centre["amountMax"], data_centre["estimate"]) == ("250000000", "300000000",
                                                                                          "true")
    hub = found["Marxville Compute Hub"]
    assert (hub["amount"], hub["currency"], hub["lowerBound"]) == ("1500000000", "USD", "true")
    assert found["StrelsauGPT"]["amount"] == "undisclosed"
    assert found["FreeLM"]["amount"] == "12000000"


def q_model_budgets(project: Project) -> None:
    found = {r["model"]: r for r in freedonia(project, "model-budgets")}
    assert (found["FreeLM"]["budget"], found["FreeLM"]["currency"]) == ("12000000", "USD")
    assert found["StrelsauGPT"]["budget"] == "undisclosed"


def q_model_and_compute_countries(project: Project) -> None:
    found = {(r["kind"], r["project"], r["trainedOn"]) for r in freedonia(project, "model-and-compute-countries")}
    assert ("sovereign AI model", "FreeLM", "Freedonia National Supercomputer") in found
    assert ("sovereign AI model", "StrelsauGPT", "Strelsau AI Cluster") in found
    assert {p for k, p, _ in found if k == "sovereign compute project"} == {
        "Freedonia National Supercomputer", "Strelsau AI Cluster", "Freedonia Sovereign Cloud",
        "Fredville Data Centre", "Marxville Compute Hub"}


def q_models_by_language(project: Project) -> None:
    # German by name and French by its ISO 639 code "fr" were new to the graph; the sheet added them.
    for language, tag in (("German", "de"), ("fr", "fr"), ("English", "en")):
        found = [(r["tag"], r["model"]) for r in rows(project, "models-by-language", language=language)
                 if r["country"] == "Freedonia"]
        assert found == [(tag, "FreeLM")], language


def q_non_government_funding(project: Project) -> None:
    found = {(r["project"], r["funder"], r["funderType"], r["sharePercent"], r["shareAmount"], r["currency"])
             for r in freedonia(project, "non-government-funding")}
    # The state and the state-owned Fredville Compute Ltd (partOfGovernment: yes) are not in it.
    assert found == {
        ("Freedonia National Supercomputer", "Marx Foundation", "foundation", "40 percent", "not stated", "USD"),
        ("Strelsau AI Cluster", "Marx Foundation", "foundation", "not stated", "20000000", "EUR")}


def q_ownership_chain(project: Project) -> None:
    found = [(r["owned"], r["owner"], r["ultimateJurisdiction"])
             for r in rows(project, "ownership-chain", actor="NvidiaFreedonia")]
    assert found[0] == ("Nvidia Freedonia", "Nvidia", "United States")


def q_projects_involving_company(project: Project) -> None:
    found = {(r["project"], r["via"], r["viaRole"]) for r in freedonia(project, "projects-involving-company",
                                                                         company="Nvidia")}
    assert ("Strelsau AI Cluster", "Nvidia Freedonia", "owned by the company") in found
    assert ("StrelsauGPT", "Nvidia Freedonia", "owned by the company") in found
    assert ("FreeLM", "Nvidia", "the company itself") in found


def q_scratch_vs_derived(project: Project) -> None:
    assert {(r["model"], r["approach"], r["baseModel"]) for r in freedonia(project, "scratch-vs-derived")} == {
        ("FreeLM", "derived from another model", "Llama 3"), ("StrelsauGPT", "pretrained from scratch", "")}


def q_sovereignty_matrix(project: Project) -> None:
    found = {(r["layer"], r["actorCountries"]) for r in freedonia(project, "sovereignty-matrix")}
    assert ("chips and semiconductors", "United States") in found
    assert ("foundation and base models", "United States") in found
    assert ("development and integration", "United States") in found


def q_table1_models(project: Project) -> None:
    found = {r["model"]: r for r in freedonia(project, "table1-models")}
    assert set(found) == {"FreeLM", "StrelsauGPT"}
    assert (found["FreeLM"]["openness"], found["FreeLM"]["budget"]) == ("Open", "$12 million")
    assert (found["StrelsauGPT"]["openness"], found["StrelsauGPT"]["budget"]) == ("Closed", "Undisclosed")


def q_table2_infrastructure(project: Project) -> None:
    found = {r["nameAndLocation"]: (r["investment"], r["status"]) for r in freedonia(project, "table2-infrastructure")}
    assert found == {
        "Freedonia National Supercomputer; Fredville": ("~$40 million", "Operational as of May 2025"),
        "Strelsau AI Cluster; Strelsau": ("€80 million", "Under construction, completion expected in 2026"),
        "Freedonia Sovereign Cloud": ("not stated", "Operational since 12 March 2025"),
        "Fredville Data Centre; Fredville": ("$250-300 million (author's estimate)", "Planned for 2027"),
        "Marxville Compute Hub; Marxville": ("more than 1.5 billion USD", "Procurement underway")}


def q_what_if_withdrawal(project: Project) -> None:
    found = {(r["project"], r["layer"], r["lostVia"]) for r in freedonia(project, "what-if-withdrawal", country="US")}
    assert ("FreeLM", "foundation and base models", "Meta") in found
    assert ("Strelsau AI Cluster", "chips and semiconductors", "Nvidia") in found


def q_export_control_exposure(project: Project) -> None:
    found = {(r["project"], r["chip"], r["via"]) for r in freedonia(project, "export-control-exposure")}
    assert found == {("Freedonia National Supercomputer", "Nvidia H100", "directly"),
                     ("Strelsau AI Cluster", "Nvidia H100", "directly"),
                     ("FreeLM", "Nvidia H100", "Freedonia National Supercomputer"),
                     ("StrelsauGPT", "Nvidia H100", "Strelsau AI Cluster")}


def q_evidence(project: Project) -> None:
    found = rows(project, "evidence", entity="FreeLM")
    itself = [r for r in found if r["relation"] == "the entity itself"]
    assert [(r["sourceTitle"], r["locator"]) for r in itself] == [("Freedonia National AI Plan", "models.csv row 2")]
    # Provenance locators carry the spreadsheet's own row numbers, blank rows included.
    hub = rows(project, "evidence", entity="MarxvilleComputeHub")
    assert {r["locator"] for r in hub} == {"compute.csv row 7"}


TOUCHED = {name[2:].replace("_", "-"): test for name, test in dict(globals()).items() if name.startswith("q_")}
# Questions about things no sheet kind writes: market shares, common knowledge, disagreements between
# sources, actor roles (sov:hasRole: the actors sheet gives a kind of organisation, not a role).
UNTOUCHED = ("accelerator-market-concentration", "actors-by-role", "common-knowledge-facts",
             "source-disagreements")


@pytest.mark.parametrize("name", sorted(TOUCHED))
def test_freedonia_appears_in(walked: tuple[Project, dict[str, str]], name: str) -> None:
    TOUCHED[name](walked[0])


@pytest.mark.parametrize("name", UNTOUCHED)
def test_freedonia_stays_out_of(walked: tuple[Project, dict[str, str]], name: str) -> None:
    text = run_stored(walked[0], name, {}).render("csv")
    for word in ("Freedonia", "Strelsau", "Marx", "Fredville", "FreeLM"):
        assert word not in text


def test_imported_funding_reaches_the_question_as_hand_written_funding_does(
        walked: tuple[Project, dict[str, str]]) -> None:
    """Regression: funding shares from a sheet hung on the project, where non-government-funding
    never looked; Denmark's hand-written 85 % share and Freedonia's imported 40 % share now come out
    of the same question the same way."""
    project = walked[0]
    found = {(r["project"], r["sharePercent"]) for r in rows(project, "non-government-funding")}
    assert ("Freedonia National Supercomputer", "40 percent") in found


def test_imported_languages_are_known_by_code_and_name(walked: tuple[Project, dict[str, str]]) -> None:
    text = "".join(p.read_text() for p in (walked[0].kg / "imported").glob("models-*.ttl"))
    assert ':German a sov:NaturalLanguage' in text and 'sov:languageTag "de"' in text
    assert ':French a sov:NaturalLanguage' in text and 'sov:languageTag "fr"' in text
    assert ':English a sov:NaturalLanguage' not in text  # known already: linked, not redefined


def test_a_model_trained_on_a_cluster_imports(walked: tuple[Project, dict[str, str]]) -> None:
    """Regression: compute rows were machines only when their name said "supercomputer", so a
    model trained on the Strelsau AI Cluster was refused. The kind column says what a row is."""
    project = walked[0]
    text = "".join(p.read_text() for p in (project.kg / "imported").glob("compute-*.ttl"))
    assert ":StrelsauAICluster a sov:ComputeCluster" in text
    assert ":FreedoniaSovereignCloud a sov:CloudPlatform" in text
    assert ":FredvilleDataCentre a sov:DataCentre" in text
    assert ":MarxvilleComputeHub a sov:ComputeInfrastructure" in text  # the default, kind left empty
