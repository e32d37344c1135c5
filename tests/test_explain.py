"""`sovkg explain`: the dependency paths behind an answer, each hop with its relation, layer,
asserted or inferred (and by which rule), and the evidence of each asserted fact.

Expected paths and quotes are taken from "Sovereign AI in a Hybrid World: National Strategies and
Policy Responses" (Lawfare): Table 1 (GPT-NL on SURF's Snellius with Nvidia A100 and H100 GPUs;
SEA-LION V2 based on Llama 3, trained on AWS with Nvidia A100 GPUs; Falcon on AWS with ~256 Nvidia
H100 GPUs), Table 2 (Gefion: Nvidia DGX SuperPOD with 1,528 H100 GPUs, partners Eviden, Digital
Realty and Nvidia) and the prose on dependencies (SEA-LION distributed via GitHub and Hugging Face,
"and soon IBM").
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from sovkg.build.reason import materialise_fast
from sovkg.errors import EXIT_INPUT, EXIT_OK
from sovkg.explain import Explanation, Graph, Path, explain
from sovkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine
from sovkg.sources.quotes import normalise

from .conftest import ROOT, Runner, source_texts

ID = "https://w3id.org/sovkg/id/"
SOV = "https://w3id.org/sovkg/ontology#"
LAWFARE = "Sovereign AI in a Hybrid World: National Strategies and Policy Responses"


@pytest.fixture(scope="module")
def graph(built: Project) -> Graph:
    return Graph(EmbeddedEngine(built.store).store)


def _explain(graph: Graph, entity: str, on: str | None = "US", **options: object) -> Explanation:
    return explain(graph.store, ID + entity, ID + on if on else None, graph=graph, **options)  # type: ignore[arg-type]


def _route(path: Path) -> list[str]:
    out = [path.hops[0].subject.label]
    for hop in path.hops:
        out += [hop.relation_label, hop.object.label]
    return out


def _quotes(path: Path) -> list[str]:
    return [e.quote for h in path.hops for e in h.evidence if e.quote]


def test_gpt_nl_depends_on_nvidia_through_snellius_and_the_a100(graph: Graph) -> None:
    result = _explain(graph, "GPTNL")
    assert [_route(p) for p in result.paths] == [[
        "GPT-NL", "trained on", "Snellius supercomputer", "uses accelerator", "Nvidia A100", "designed by", "Nvidia"]]
    path = result.paths[0]
    assert path.home and path.home.object.label == "United States" and path.home.relation_label == "headquartered in"
    assert path.first_layer == "compute infrastructure"
    assert [h.layer for h in path.hops] == ["compute infrastructure", "chips and semiconductors",
                                            "chips and semiconductors"]
    for hop in path.hops:
        assert hop.asserted and hop.evidence, hop
        assert all(e.source_title == LAWFARE and e.locator and e.kind == "stated in source" for e in hop.evidence)
    trained_on = path.hops[0].evidence
    assert [(e.locator, e.quote) for e in trained_on] == [
        ("Table 1, Netherlands, infrastructure used", "SURF's Snellius supercomputer (Nvidia A100 and H100 GPUs)")]
    assert result.possible == []


def test_gpt_nl_every_path_reaches_both_chips(graph: Graph) -> None:
    result = _explain(graph, "GPTNL", all_paths=True)
    chips = sorted(p.hops[1].object.label for p in result.paths)
    assert chips == ["Nvidia A100", "Nvidia H100"]


def test_sea_lion_depends_on_eight_us_actors_and_ibm_only_possibly(graph: Graph) -> None:
    result = _explain(graph, "SEALION")
    targets = {p.target.label for p in result.paths}
    assert targets == {"Amazon Web Services (AWS)", "Amazon", "GitHub", "Microsoft", "Hugging Face", "Meta",
                       "Google", "Nvidia"}
    assert "IBM" not in targets
    assert [_route(p) for p in result.possible] == [["SEA-LION (Southeast Asian Languages in One Network)",
                                                     "planned distribution via", "IBM"]]
    planned = result.possible[0].hops[0]
    assert planned.possible and "possible" in planned.status()
    assert any("and soon IBM (U.S.) for distribution" in e.quote for e in planned.evidence if e.quote)
    meta = next(p for p in result.paths if p.target.label == "Meta" and len(p.hops) == 2)
    assert _route(meta) == ["SEA-LION (Southeast Asian Languages in One Network)", "based on", "Llama 3",
                            "developed by", "Meta"]
    assert "V1 pretrained from scratch, V2 based on Llama 3" in _quotes(meta)
    microsoft = next(p for p in result.paths if p.target.label == "Microsoft")
    assert _route(microsoft)[1:] == ["distributed via", "GitHub (code hosting platform)", "operated by", "GitHub",
                                     "subsidiary of", "Microsoft"]
    google = next(p for p in result.paths if p.target.label == "Google")
    assert _route(google)[1:5] == ["has version", "SEA-LION v3", "based on", "Gemma 2 (Google)"]
    assert google.first_layer == "foundation and base models"
    assert "A third version of SEA-LION based on Google's Gemma 2 LLM" in _quotes(google)


def test_falcon_depends_on_aws_amazon_and_nvidia(graph: Graph) -> None:
    result = _explain(graph, "Falcon")
    assert {p.target.label for p in result.paths} == {"Amazon Web Services (AWS)", "Amazon", "Nvidia"}
    nvidia = next(p for p in result.paths if p.target.label == "Nvidia")
    assert _route(nvidia) == ["Falcon", "trained on", "AWS capacity on which the most recent Falcon model was trained",
                              "uses accelerator", "Nvidia H100", "designed by", "Nvidia"]
    assert "AWS, with the most recent model trained on ~256 Nvidia H100 GPUs" in _quotes(nvidia)
    aws = next(p for p in result.paths if p.hops[0].object.iri == ID + "AWSCloud" and len(p.hops) == 2)
    assert "the UAE's Falcon model was trained on Amazon Web Services (U.S.) infrastructure" in _quotes(aws)


def test_gefion_chip_path_goes_through_an_inferred_link_that_names_its_rule(graph: Graph) -> None:
    result = _explain(graph, "Gefion")
    routes = [_route(p) for p in result.paths]
    assert ["Gefion supercomputer", "has partner", "Digital Realty"] in routes
    assert ["Gefion supercomputer", "has partner", "Nvidia"] in routes
    assert ["Gefion supercomputer", "uses system", "Nvidia DGX SuperPOD", "designed or manufactured by",
            "Nvidia"] in routes
    chips = next(p for p in result.paths if p.hops[0].relation == SOV + "usesChip")
    hop = chips.hops[0]
    assert not hop.asserted and hop.object.label == "Nvidia H100" and hop.status() == "inferred by chain"
    assert hop.rule and hop.rule.axiom == "sov:usesChip owl:propertyChainAxiom ( sov:hasChipAllocation sov:chip )"
    assert [(p.subject.label, p.relation_label, p.object.label) for p in hop.rule.premises] == [
        ("Gefion supercomputer", "has chip allocation", "Gefion: 1,528 Nvidia H100 GPUs"),
        ("Gefion: 1,528 Nvidia H100 GPUs", "chip", "Nvidia H100")]
    assert [e.quote for e in hop.rule.premises[1].evidence] == [
        "Nvidia DGX SuperPOD with a total of 1,528 Nvidia H100 GPUs"]
    partner = next(p for p in result.paths if _route(p) == ["Gefion supercomputer", "has partner", "Digital Realty"])
    assert _quotes(partner) == ["Eviden; Digital Realty (U.S.-based data center company); Nvidia"]
    assert partner.home and [e.quote for e in partner.home.evidence] == [
        "Digital Realty (U.S.-based data center company)"]


def test_layer_keeps_the_paths_whose_first_link_is_in_it(graph: Graph) -> None:
    result = _explain(graph, "Gefion", layer="chips")
    assert [p.hops[0].relation_label for p in result.paths] == ["uses chip"]


def test_a_path_through_an_inverse_names_the_inverse_axiom() -> None:
    """No inferred inverse lies on a path of the seed graph, so a small graph has one: the parent
    is stated with sov:hasSubsidiary, and the reasoner adds the sov:subsidiaryOf link."""
    ontology = list(ox.parse(path=str(ROOT / "ontology" / "sovkg.ttl"), format=ox.RdfFormat.TURTLE))
    facts = list(ox.parse(
        input=(b"@prefix : <https://w3id.org/sovkg/id/> . @prefix sov: <https://w3id.org/sovkg/ontology#> .\n"
               b":Model sov:trainedOn :Cloud . :Cloud sov:operatedBy :CloudCo . :Parent sov:hasSubsidiary :CloudCo .\n"
               b":Parent a sov:Company ; sov:headquarteredIn :US . :CloudCo a sov:Company ; sov:headquarteredIn :XF .\n"
               b":US a sov:State . :XF a sov:State .\n"),
        format=ox.RdfFormat.TURTLE))
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(ONTOLOGY_GRAPH)) for q in ontology)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(ASSERTED_GRAPH)) for q in facts)
    inferred = materialise_fast([ox.Quad(t.subject, t.predicate, t.object) for t in ontology],
                                [ox.Quad(t.subject, t.predicate, t.object) for t in facts])
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(INFERRED_GRAPH)) for t in inferred)
    result = explain(store, ID + "Model", ID + "US")
    assert [_route(p) for p in result.paths] == [["Model", "trained on", "Cloud", "operated by", "CloudCo",
                                                  "subsidiary of", "Parent"]]
    hop = result.paths[0].hops[2]
    assert not hop.asserted and hop.rule is not None and hop.rule.kind == "inverse"
    assert hop.rule.axiom == "sov:subsidiaryOf owl:inverseOf sov:hasSubsidiary"
    assert [(p.subject.iri, p.relation) for p in hop.rule.premises] == [(ID + "Parent", SOV + "hasSubsidiary")]


def test_possible_partners_never_appear_as_dependencies(graph: Graph, built: Project) -> None:
    projects = [row[0].value for row in EmbeddedEngine(built.store).select(
        f"SELECT ?p WHERE {{ ?p a <{SOV}SovereignAIProject> }}").rows]
    possible = graph.possible_properties
    seen_possible = set()
    for project in projects:
        result = explain(graph.store, project, None, all_paths=True, graph=graph)
        for path in result.paths:
            assert not any(h.relation in possible or h.possible for h in path.hops), _route(path)
        seen_possible |= {(path.hops[0].subject.label, path.target.label) for path in result.possible}
    assert ("Canadian Sovereign AI Compute Strategy", "Nvidia") in seen_possible
    canada = _explain(graph, "CanadianSovereignAIComputeStrategy")
    assert canada.paths == []
    assert [_route(p) for p in canada.possible] == [["Canadian Sovereign AI Compute Strategy", "has possible partner",
                                                     "Nvidia"]]


def test_explain_command_text_markdown_json_and_dot(built: Project, sovkg: Runner) -> None:
    text = sovkg("explain", "gpt-nl", "--on", "united states", cwd=built.root)
    assert text.returncode == EXIT_OK, text.stderr
    assert "GPT-NL —trained on→ Snellius supercomputer  [asserted, compute infrastructure layer]" in text.stdout
    assert "SURF's Snellius supercomputer (Nvidia A100 and H100 GPUs)" in text.stdout
    markdown = sovkg("explain", "Gefion", "--on", "US", "--format", "md", cwd=built.root).stdout
    assert markdown.startswith("## Dependency paths from Gefion supercomputer")
    assert "rule: chain: sov:usesChip owl:propertyChainAxiom ( sov:hasChipAllocation sov:chip )" in markdown
    data = json.loads(sovkg("explain", "SEA-LION", "--on", "US", "--format", "json", cwd=built.root).stdout)
    assert data["entity"] == {"iri": ID + "SEALION", "label": "SEA-LION (Southeast Asian Languages in One Network)"}
    assert data["possibleArrangements"][0]["hops"][0]["relation"] == SOV + "plannedDistributionVia"
    assert all(h["relation"] != SOV + "plannedDistributionVia" for p in data["dependencies"] for h in p["hops"])
    dot = sovkg("explain", "Gefion", "--on", "US", "--format", "dot", cwd=built.root).stdout
    assert dot.startswith("digraph explain {") and "style=dashed" in dot and 'label="uses chip"' in dot


def test_explain_unknown_entity_or_layer_exits_2(built: Project, sovkg: Runner) -> None:
    done = sovkg("explain", "Gefyon", "--on", "US", cwd=built.root)
    assert done.returncode == EXIT_INPUT and "did you mean 'Gefion supercomputer'" in done.stderr
    done = sovkg("explain", "Gefion", "--layer", "weather", cwd=built.root)
    assert done.returncode == EXIT_INPUT and "no layer named 'weather'" in done.stderr


def test_every_quote_on_the_four_paths_is_in_the_source_text(graph: Graph) -> None:
    sources = source_texts()
    if sources is None:
        pytest.skip("the source documents are not beside this checkout")
    text = normalise((sources / "004_63c922d1424f645c.txt").read_text(encoding="utf-8"))
    for entity in ("GPTNL", "SEALION", "Falcon", "Gefion"):
        for path in _explain(graph, entity).paths:
            for hop in path.hops:
                for evidence in hop.evidence:
                    if evidence.quote and evidence.source == ID + "src004":
                        assert normalise(evidence.quote) in text, evidence.quote
