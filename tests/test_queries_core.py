"""The core stored questions, answered on the real graph and checked against the source documents.

Expected values are read from the sources, not from the queries' output: mostly Table 1 (sovereign
AI models) and Table 2 (sovereign AI infrastructure) of source 004 ("Sovereign AI in a Hybrid World",
Lawfare), its prose on dependencies, and source 000 for Singapore's National Super Computer Center.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.sparql import prepareQuery

from sovkg.project import Project
from sovkg.queries.library import Library
from sovkg.queries.run import run_stored
from sovkg.results.table import ResultTable

CORE = ("dependencies-on-country", "foreign-base-models", "compute-accelerators", "investments-ranked",
        "sovereignty-matrix", "projects-involving-company", "ownership-chain", "model-and-compute-countries",
        "scratch-vs-derived")
ROOT = Path(__file__).resolve().parents[1]

GEFION = "Gefion supercomputer"
JEAN_ZAY = "Jean Zay supercomputer"
SANTOS_DUMONT = "Santos Dumont supercomputer"
CANADA_STRATEGY = "Canadian Sovereign AI Compute Strategy"
SEA_LION = "SEA-LION (Southeast Asian Languages in One Network)"
TAIDE = "Trustworthy AI Dialogue Engine (TAIDE)"
SPAIN_MODELS = "Spain's family of foundation models"
EUROHPC = "Existing EuroHPC AI-capable computers (nine current) and other proposed projects"
ABCI = "ABCI 3.0 (AI Bridging Cloud Infrastructure)"
NSCC = "Singapore National Super Computer Center (H100 upgrade)"
US = "United States"


def _records(table: ResultTable) -> list[dict[str, str]]:
    return table.records()


def _where(records: list[dict[str, str]], **match: str) -> list[dict[str, str]]:
    return [r for r in records if all(r[k] == v for k, v in match.items())]


def _number(text: str) -> Decimal:
    return Decimal(text).normalize()


# ------------------------------------------------------------------ every core query, every engine


@pytest.mark.parametrize("name", CORE)
def test_core_query_parses_with_rdflib_and_declares_a_summary(name: str) -> None:
    query = Library(ROOT / "queries").get(name)
    assert query.summary
    assert query.example and query.example.startswith(f"sovkg query {name}")
    prepareQuery(query.text)


def _normalised(rows: list[list[object]]) -> set[tuple[object, ...]]:
    out = set()
    for row in rows:
        cells: list[object] = []
        for cell in row:
            if isinstance(cell, ox.Literal) and cell.datatype.value.endswith(("#decimal", "#double", "#integer")):
                cells.append(_number(cell.value))
            else:
                cells.append(None if cell is None else str(cell))
        out.add(tuple(cells))
    return out


@pytest.fixture(scope="module")
def rdflib_graph(built: Project) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(str((built.dist / "current" / "combined.nt").resolve()), format="nt")
    return graph


# ------------------------------------------------------------------ 1. dependencies-on-country


def test_us_dependencies_follow_partners_chips_models_and_distribution(built: Project) -> None:
    table = run_stored(built, "dependencies-on-country", {"country": "US"})
    assert table.columns[:5] == ["country", "project", "actor", "layer", "firstHop"]
    rows = _records(table)
    # Table 2, Denmark: "Eviden; Digital Realty (U.S.-based data center company); Nvidia".
    gefion = _where(rows, project=GEFION)
    assert {r["country"] for r in gefion} == {"Denmark"}
    assert {"Digital Realty", "Nvidia"} <= {r["actor"] for r in gefion}
    assert _where(gefion, actor="Digital Realty", layer="development and integration", firstHop="Digital Realty")
    assert "Eviden" not in {r["actor"] for r in gefion}
    # "the Jean Zay supercomputer AI upgrade ... ultimately depend[s] on Nvidia's AI chips".
    assert _where(rows, project=JEAN_ZAY, actor="Nvidia", layer="chips and semiconductors", firstHop="Nvidia H100")
    # "SEA-LION model depends on GitHub (U.S. subsidiary of Microsoft), Hugging Face (U.S.)";
    # v2 built on Llama 3 (Meta), v3 on Google's Gemma 2; trained on AWS.
    sea_lion = _where(rows, project=SEA_LION)
    assert {"GitHub", "Microsoft", "Hugging Face", "Meta", "Google", "Amazon Web Services (AWS)"} <= {
        r["actor"] for r in sea_lion}
    assert _where(sea_lion, actor="Microsoft", layer="distribution platforms",
                  firstHop="GitHub (code hosting platform)")
    assert _where(sea_lion, actor="Meta", layer="foundation and base models")
    assert _where(sea_lion, actor="Google", layer="foundation and base models", firstHop="Gemma 2 (Google)")
    # "soon IBM (U.S.)": planned, not yet a dependency.
    assert "IBM" not in {r["actor"] for r in sea_lion}
    # "the UAE's Falcon model was trained on Amazon Web Services (U.S.) infrastructure".
    assert _where(rows, project="Falcon", actor="Amazon Web Services (AWS)", layer="compute infrastructure")
    # Table 2, Japan: "HPE and Nvidia".
    assert {"Hewlett Packard Enterprise (HPE)", "Nvidia"} <= {r["actor"] for r in _where(rows, project=ABCI)}
    # Not tied to any U.S. actor by the sources: partners to be determined or only possible,
    # Fugaku (Fujitsu, Japan), Leonardo (Cineca, Italy).
    projects = set(table.values("project"))
    for absent in (SANTOS_DUMONT, CANADA_STRATEGY, EUROHPC, "IndiaAI Compute", "Fugaku-LLM",
                   "Leonardo supercomputer"):
        assert absent not in projects


def test_dependencies_on_france_show_eviden_and_its_owner(built: Project) -> None:
    rows = _records(run_stored(built, "dependencies-on-country", {"country": "FR"}))
    # Table 2: Eviden is a partner of Gefion and Jean Zay; Eviden is owned by the French Atos.
    assert _where(rows, project=GEFION, actor="Eviden", firstHop="Eviden")
    assert _where(rows, project=GEFION, actor="Atos", firstHop="Eviden")
    assert _where(rows, project=JEAN_ZAY, actor="Eviden")
    # Jean Zay is funded by the French government (~$44 million).
    assert _where(rows, project=JEAN_ZAY, actor="France", layer="funding and capital")
    # Brazil's partner is only "possibly Eviden": no dependency yet. Nvidia is not French.
    assert not _where(rows, project=SANTOS_DUMONT)
    assert "Nvidia" not in {r["actor"] for r in rows}


def test_dependencies_on_denmark_count_the_state_as_a_funder(built: Project) -> None:
    rows = _records(run_stored(built, "dependencies-on-country", {"country": "DK"}))
    # "15 percent from Denmark's government & 85 percent from the Novo Nordisk Foundation".
    assert {r["actor"] for r in _where(rows, project=GEFION, layer="funding and capital")} == {
        "Denmark", "Novo Nordisk Foundation"}


# ------------------------------------------------------------------ 2. foreign-base-models


def test_foreign_base_models_are_llama_and_gemma(built: Project) -> None:
    rows = _records(run_stored(built, "foreign-base-models"))
    # "SEA-LION v2 was built on the open-source Llama 3 8 billion parameter model".
    assert _where(rows, project=SEA_LION, version="SEA-LION v2", baseModel="Llama 3 8B", developer="Meta",
                  developerCountry=US)
    # "A third version of SEA-LION based on Google's Gemma 2 LLM".
    assert _where(rows, project=SEA_LION, version="SEA-LION v3", baseModel="Gemma 2 (Google)", developer="Google",
                  developerCountry=US)
    # Table 1: GPT-SW3 "others based on Llama 3"; TAIDE "Based on Llama 2 and Llama 3".
    assert _where(rows, project="GPT-SW3", country="Sweden", baseModel="Llama 3", developer="Meta")
    assert {r["baseModel"] for r in _where(rows, project=TAIDE)} == {"Llama 2", "Llama 3"}
    # Spain: "others based on open-source models", unnamed: unknown, not dropped, not invented.
    assert _where(rows, project=SPAIN_MODELS, baseModel="not stated", developer="not stated")
    # Pretrained from scratch: Fugaku-LLM, GPT-NL, Falcon; SEA-LION v1 too.
    projects = {r["project"] for r in rows}
    assert not {"Fugaku-LLM", "GPT-NL", "Falcon"} & projects
    assert not _where(rows, version="SEA-LION v1")


# ------------------------------------------------------------------ 3. compute-accelerators


def test_compute_accelerators_give_counts_vendors_and_flags(built: Project) -> None:
    rows = _records(run_stored(built, "compute-accelerators"))
    # Table 2, Denmark: "Nvidia DGX SuperPOD with a total of 1,528 Nvidia H100 GPUs".
    gefion = _where(rows, infrastructure=GEFION, chip="Nvidia H100")
    assert len(gefion) == 1
    assert gefion[0]["vendor"] == "Nvidia" and gefion[0]["vendorCountry"] == US
    assert _number(gefion[0]["count"]) == 1528 and gefion[0]["approximate"] == "false"
    # Table 2, France: "1,456 Nvidia H100 GPUs".
    assert [_number(r["count"]) for r in _where(rows, infrastructure=JEAN_ZAY, chip="Nvidia H100")] == [1456]
    # Table 2, Japan: "~3,000 Nvidia H200 GPUs (author's estimate)".
    abci = _where(rows, infrastructure=ABCI, chip="Nvidia H200")
    assert len(abci) == 1
    assert _number(abci[0]["count"]) == 3000
    assert (abci[0]["approximate"], abci[0]["estimate"], abci[0]["estimatedBy"]) == ("true", "true", "Eugenia Lostri")
    # Table 1, UAE: "the most recent model trained on ~256 Nvidia H100 GPUs".
    falcon = [r for r in _where(rows, trainedModel="Falcon", chip="Nvidia H100") if r["count"] != "not stated"]
    assert [(_number(r["count"]), r["approximate"]) for r in falcon] == [(256, "true")]
    # Table 1, Japan: Fugaku uses "Fujitsu's A64FX microprocessor, an Arm-based CPU".
    fugaku = _where(rows, trainedModel="Fugaku-LLM")
    assert [(r["chip"], r["vendor"], r["vendorCountry"]) for r in fugaku] == [("Fujitsu A64FX", "Fujitsu", "Japan")]
    # Table 1: Snellius has A100 and H100, Berzelius A100, no counts given.
    assert {r["chip"] for r in _where(rows, trainedModel="GPT-NL")} == {"Nvidia A100", "Nvidia H100"}
    assert [(r["chip"], r["count"]) for r in _where(rows, trainedModel="GPT-SW3")] == [("Nvidia A100", "not stated")]
    # Table 2, India: "10,000 GPUs", vendor not named.
    india = _where(rows, infrastructure="IndiaAI Compute")
    assert [(r["chip"], _number(r["count"]), r["vendor"]) for r in india] == [("GPUs", 10000, "not stated")]
    # Source 000: Singapore's NSCC upgrade "with NVIDIA H100 GPUs", no count.
    assert [(r["chip"], r["count"]) for r in _where(rows, infrastructure=NSCC)] == [("Nvidia H100", "not stated")]


def test_compute_accelerators_leave_undetermined_chips_undetermined(built: Project) -> None:
    rows = _records(run_stored(built, "compute-accelerators"))
    # Table 2: Brazil, Canada and the EU: nature of investment "To be determined".
    for project in (SANTOS_DUMONT, CANADA_STRATEGY, EUROHPC):
        found = _where(rows, infrastructure=project)
        assert len(found) == 1, project
        assert {found[0][c] for c in ("vendor", "chip", "count", "vendorCountry")} == {"to be determined"}
    # "possibly Eviden" is a partner, not a chip vendor; Nvidia is only a possible partner of Canada.
    assert not {r["vendor"] for r in rows if r["infrastructure"] in (SANTOS_DUMONT, CANADA_STRATEGY)} - {
        "to be determined"}


# ------------------------------------------------------------------ 4. investments-ranked


def test_investments_are_ranked_with_their_hedges(built: Project) -> None:
    table = run_stored(built, "investments-ranked")
    rows = _records(table)
    stated = [r for r in rows if r["amount"] not in ("undisclosed", "not stated")]
    amounts = [_number(r["amount"]) for r in stated]
    assert amounts == sorted(amounts, reverse=True)
    # "the project in Table 2 with the largest budget—EuroHPC": up to ~$1 billion + up to ~$1 billion.
    top = stated[0]
    assert top["project"] == EUROHPC and _number(top["amount"]) == 2_000_000_000
    assert (top["upperBound"], top["approximate"], top["splitIntoShares"]) == ("true", "true", "true")
    # Table 2, India: "$250-300 million (author's estimate)".
    india = _where(rows, project="IndiaAI Compute")
    assert len(india) == 1
    assert (_number(india[0]["amount"]), _number(india[0]["amountMax"])) == (250_000_000, 300_000_000)
    assert (india[0]["estimate"], india[0]["estimatedBy"], india[0]["currency"]) == ("true", "Eugenia Lostri", "USD")
    # Table 2, Denmark: "~$100 million (15 percent ... & 85 percent ...)".
    gefion = _where(rows, project=GEFION)
    assert [(_number(r["amount"]), r["approximate"], r["splitIntoShares"]) for r in gefion] == [
        (100_000_000, "true", "true")]
    # Brazil: "~$320 million" (Table 2) and "more than $320 million" (prose), both kept.
    brazil = _where(rows, project=SANTOS_DUMONT)
    assert {(_number(r["amount"]), r["approximate"], r["lowerBound"]) for r in brazil} == {
        (320_000_000, "true", "false"), (320_000_000, "false", "true")}
    # "cut approximately $1 billion from its budget" for Edinburgh.
    assert _where(rows, project="New AI computing infrastructure at the University of Edinburgh",
                  status="cancelled")
    # Table 1: TAIDE $7.4 million, SEA-LION $52 million, GPT-NL ~$15 million.
    assert [_number(r["amount"]) for r in _where(rows, project=TAIDE)] == [7_400_000]
    assert [_number(r["amount"]) for r in _where(rows, project=SEA_LION)] == [52_000_000]
    assert [r["approximate"] for r in _where(rows, project="GPT-NL")] == ["true"]


def test_undisclosed_budgets_come_after_every_stated_amount(built: Project) -> None:
    rows = _records(run_stored(built, "investments-ranked"))
    kinds = ["stated" if r["amount"] not in ("undisclosed", "not stated") else r["amount"] for r in rows]
    assert kinds == sorted(kinds, key=["stated", "undisclosed", "not stated"].index)
    undisclosed = {r["project"] for r in rows if r["amount"] == "undisclosed"}
    # Table 1: Falcon and Fugaku-LLM "Undisclosed but likely significant", Spain "Undisclosed",
    # GPT-SW3 "Mostly undisclosed except for ~$560,000 provided by the Swedish government".
    assert undisclosed == {"Falcon", "Fugaku-LLM", SPAIN_MODELS, "GPT-SW3"}
    assert [r["splitIntoShares"] for r in _where(rows, project="GPT-SW3")] == ["true"]


# ------------------------------------------------------------------ 5. sovereignty-matrix


def test_sovereignty_matrix_separates_domestic_and_foreign(built: Project) -> None:
    rows = _records(run_stored(built, "sovereignty-matrix"))
    assert list(rows[0]) == ["country", "layer", "actorCountries", "foreign"]
    # Gefion's partners: Eviden (France), Digital Realty and Nvidia (U.S.); its money is Danish.
    dk_dev = _where(rows, country="Denmark", layer="development and integration")
    assert len(dk_dev) == 1 and dk_dev[0]["foreign"] == "true"
    assert set(dk_dev[0]["actorCountries"].split(", ")) == {"France", US}
    assert _where(rows, country="Denmark", layer="funding and capital", actorCountries="Denmark", foreign="false")
    # SEA-LION's distribution: GitHub, Hugging Face (U.S.).
    assert _where(rows, country="Singapore", layer="distribution platforms", actorCountries=US, foreign="true")
    assert _where(rows, country="Singapore", layer="funding and capital", actorCountries="Singapore", foreign="false")
    # Japan: ABCI's H200 chips and partners HPE and Nvidia; Fugaku by Fujitsu is domestic.
    assert _where(rows, country="Japan", layer="chips and semiconductors", actorCountries=US, foreign="true")
    assert _where(rows, country="Japan", layer="compute infrastructure", actorCountries="Japan", foreign="false")
    # GPT-SW3 trained on Litteraturbanken, a project of the Swedish Academy.
    assert _where(rows, country="Sweden", layer="training data", actorCountries="Sweden", foreign="false")
    # Brazil: chips and partners to be determined, and no U.S. dependency stated.
    assert _where(rows, country="Brazil", layer="chips and semiconductors", actorCountries="to be determined")
    assert not [r for r in _where(rows, country="Brazil") if US in r["actorCountries"]]
    assert not [r for r in _where(rows, country="Canada") if US in r["actorCountries"]]


# ------------------------------------------------------------------ 6. projects-involving-company


def test_projects_involving_nvidia_include_partners_chips_and_possible_partners(built: Project) -> None:
    rows = _records(run_stored(built, "projects-involving-company"))
    assert _where(rows, project=GEFION, country="Denmark", via="Nvidia", relation="has partner")
    assert _where(rows, project=GEFION, relation="uses chip Nvidia H100")
    assert _where(rows, project=JEAN_ZAY, relation="uses chip Nvidia H100")
    assert _where(rows, project=ABCI, relation="has partner")
    # Table 2, Canada: "one could be Nvidia": listed, but as a possible partner only.
    assert {r["relation"] for r in _where(rows, project=CANADA_STRATEGY)} == {"has possible partner"}
    # Table 1: models trained on Nvidia GPUs (Snellius, Berzelius, MareNostrum 5, NCHC, AWS).
    for model in ("GPT-NL", "GPT-SW3", SPAIN_MODELS, TAIDE, "Falcon", SEA_LION):
        assert _where(rows, project=model, via="Nvidia"), model
    # Fugaku runs on Fujitsu's A64FX; no source ties Brazil or India to Nvidia.
    assert not {"Fugaku-LLM", SANTOS_DUMONT, "IndiaAI Compute"} & {r["project"] for r in rows}


def test_projects_involving_microsoft_pick_up_github_as_its_subsidiary(built: Project) -> None:
    rows = _records(run_stored(built, "projects-involving-company", {"company": "Microsoft"}))
    # "GitHub (U.S. subsidiary of Microsoft)" distributes SEA-LION.
    assert _where(rows, project=SEA_LION, country="Singapore", via="GitHub",
                  relation="distributed via GitHub (code hosting platform)", viaRole="owned by the company")
    assert not _where(rows, via="Microsoft")


def test_projects_involving_eviden_and_its_owner_atos(built: Project) -> None:
    eviden = _records(run_stored(built, "projects-involving-company", {"company": "Eviden"}))
    assert _where(eviden, project=GEFION, relation="has partner")
    assert _where(eviden, project=JEAN_ZAY, relation="has partner")
    # Brazil: "possibly Eviden".
    assert [r["relation"] for r in _where(eviden, project=SANTOS_DUMONT)] == ["has possible partner"]
    # "Eviden, a French supercomputer company owned by the French IT company Atos".
    atos = _records(run_stored(built, "projects-involving-company", {"company": "Atos"}))
    assert {r["project"] for r in atos} == {r["project"] for r in eviden}
    assert {r["via"] for r in atos} == {"Eviden"}


# ------------------------------------------------------------------ 7. ownership-chain


def test_ownership_chain_of_github_ends_at_microsoft_in_the_us(built: Project) -> None:
    rows = _records(run_stored(built, "ownership-chain"))
    # "GitHub (U.S. subsidiary of Microsoft)".
    assert rows[0]["step"] == "1"
    assert (rows[0]["owned"], rows[0]["relation"], rows[0]["owner"]) == ("GitHub", "subsidiary of", "Microsoft")
    assert {(r["ultimateParent"], r["ultimateJurisdiction"]) for r in rows} == {("Microsoft", US)}
    assert rows[-1]["owned"] == "Microsoft" and rows[-1]["owner"] == "no owner stated"


def test_ownership_chain_of_eviden_and_of_a_state_owned_machine(built: Project) -> None:
    eviden = _records(run_stored(built, "ownership-chain", {"actor": "Eviden"}))
    assert _where(eviden, step="1", owned="Eviden", owner="Atos")
    assert {(r["ultimateParent"], r["ultimateJurisdiction"]) for r in eviden} == {("Atos", "France")}
    # The Narwal supercomputer is "government-owned" (Canada): the state is its own jurisdiction.
    narwal = _records(run_stored(built, "ownership-chain", {"actor": "Narwal"}))
    assert {(r["ultimateParent"], r["ultimateJurisdiction"]) for r in narwal} == {("Canada", "Canada")}


# ------------------------------------------------------------------ 8. model-and-compute-countries


def test_countries_with_both_models_and_compute(built: Project) -> None:
    rows = _records(run_stored(built, "model-and-compute-countries"))
    countries = {r["country"] for r in rows}
    # Japan is in Table 1 (Fugaku-LLM) and Table 2 (ABCI 3.0); Singapore in Table 1 (SEA-LION) and
    # source 000 (its National Super Computer Center upgrade).
    assert {"Japan", "Singapore"} <= countries
    assert _where(rows, country="Japan", kind="sovereign AI model", project="Fugaku-LLM",
                  trainedOn="Fugaku supercomputer")
    assert _where(rows, country="Japan", kind="sovereign compute project", project=ABCI)
    assert _where(rows, country="Singapore", kind="sovereign AI model", project=SEA_LION)
    assert _where(rows, country="Singapore", kind="sovereign compute project", project=NSCC)
    # Only in Table 1 (models) or only in Table 2 (compute).
    for only_one in ("Netherlands", "Spain", "Sweden", "Taiwan", "United Arab Emirates", "Brazil", "Canada",
                     "Denmark", "European Union", "India"):
        assert only_one not in countries


# ------------------------------------------------------------------ 9. scratch-vs-derived


def test_scratch_versus_derived_models(built: Project) -> None:
    rows = _records(run_stored(built, "scratch-vs-derived"))

    def approaches(model: str, version: str = "") -> set[str]:
        return {r["approach"] for r in _where(rows, model=model, version=version)}

    # Table 1 "Pretrained from scratch": Fugaku-LLM, GPT-NL, Falcon.
    for model in ("Fugaku-LLM", "GPT-NL", "Falcon"):
        assert approaches(model) == {"pretrained from scratch"}, model
    # "Some pretrained from scratch; others based on ...": GPT-SW3 and Spain's family have both.
    for model in ("GPT-SW3", SPAIN_MODELS, SEA_LION):
        assert approaches(model) == {"pretrained from scratch", "derived from another model"}, model
    assert _where(rows, model=SPAIN_MODELS, approach="derived from another model", baseModel="not stated")
    assert _where(rows, model="GPT-SW3", approach="derived from another model", baseModel="Llama 3")
    # TAIDE: "Based on Llama 2 and Llama 3", fine-tuned.
    taide = _where(rows, model=TAIDE)
    assert {r["approach"] for r in taide} == {"derived from another model"}
    assert {r["baseModel"] for r in taide} == {"Llama 2", "Llama 3"}
    assert all("fine-tuning" in r["methods"] for r in taide)
    # SEA-LION v1 from scratch; v2 on Llama 3 8B with continued pretraining and instruction tuning;
    # v3 on Gemma 2.
    assert approaches(SEA_LION, "SEA-LION v1") == {"pretrained from scratch"}
    v2 = _where(rows, model=SEA_LION, version="SEA-LION v2")
    assert [(r["approach"], r["baseModel"]) for r in v2] == [("derived from another model", "Llama 3 8B")]
    assert {"continued pretraining", "instruction tuning"} <= set(v2[0]["methods"].split(", "))
    assert [r["baseModel"] for r in _where(rows, model=SEA_LION, version="SEA-LION v3")] == ["Gemma 2 (Google)"]
    # A from-scratch row never names a base model.
    assert not [r for r in rows if r["approach"] == "pretrained from scratch" and r["baseModel"]]
