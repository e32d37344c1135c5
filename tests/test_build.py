"""`sovkg build` and `sovkg validate` through the real entry point: outputs, exit codes, atomicity."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from sovkg.errors import EXIT_INPUT, EXIT_OK, EXIT_VIOLATIONS
from sovkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
from sovkg.project import Project
from sovkg.store import embedded
from sovkg.store.build import Build

from .conftest import Runner

STATES = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a <https://w3id.org/sovkg/ontology#State> }"


def _current(project: Project) -> Path:
    return (project.dist / "current").resolve()


def _answer(project: Project, sovkg: Runner) -> str:
    done = sovkg("query", "us-dependencies", "--format", "csv", cwd=project.root)
    assert done.returncode == EXIT_OK, done.stderr
    return done.stdout


def test_build_writes_every_graph_file_and_a_queryable_store(built: Project) -> None:
    folder = _current(built)
    for name in ("asserted", "inferred", "combined"):
        for suffix in ("ttl", "nt"):
            assert (folder / f"{name}.{suffix}").stat().st_size > 0
    manifest = json.loads((folder / "build.json").read_text())
    counts = manifest["triples"]
    assert counts["combined"] == counts["ontology"] + counts["asserted"] + counts["inferred"]
    trig = list(ox.parse(path=str(folder / "sovkg.trig")))
    per_graph = {name: sum(1 for q in trig if q.graph_name == ox.NamedNode(iri))
                 for name, iri in (("ontology", ONTOLOGY_GRAPH), ("asserted", ASSERTED_GRAPH),
                                   ("inferred", INFERRED_GRAPH))}
    assert per_graph == {k: counts[k] for k in per_graph}
    nt = list(ox.parse(path=str(folder / "asserted.nt")))
    assert len(nt) == counts["asserted"]
    store = ox.Store.read_only(str(built.store))
    assert {g.value for g in store.named_graphs()} == {ONTOLOGY_GRAPH, ASSERTED_GRAPH, INFERRED_GRAPH}
    states = next(iter(store.query(STATES, use_default_graph_as_union=True)))["n"]
    assert int(states.value) >= 20


def _canonical(triples: list[ox.Triple] | list[ox.Quad]) -> set[ox.Triple]:
    """The triples with their literals in the canonical form a store holds them in (``1.0`` as
    ``1``); blank nodes keep the names the files give them."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return {q.triple for q in store}


def test_each_graph_file_and_the_store_hold_the_same_triples_once(built: Project) -> None:
    # The writer loads the store from the files in parts: nothing may be lost or loaded twice, and
    # a blank node (an evidence node stated in the facts, typed by reasoning) stays one node.
    folder = _current(built)
    store = ox.Store.read_only(str(built.store))
    trig = list(ox.parse(path=str(folder / "sovkg.trig")))
    every: set[ox.Triple] = set()
    total = 0
    for name, iri in (("ontology", ONTOLOGY_GRAPH), ("asserted", ASSERTED_GRAPH), ("inferred", INFERRED_GRAPH)):
        in_store = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
        in_trig = [q for q in trig if q.graph_name == ox.NamedNode(iri)]
        assert len(in_trig) == len(in_store) and _canonical(in_trig) == _canonical(in_store), name
        if name != "ontology":
            for suffix in ("nt", "ttl"):
                in_file = list(ox.parse(path=str(folder / f"{name}.{suffix}")))
                assert len(in_file) == len(in_store) and _canonical(in_file) == _canonical(in_store), \
                    f"{name}.{suffix}"
        every |= _canonical(in_store)
        total += len(in_store)
    assert total == json.loads((folder / "build.json").read_text())["triples"]["combined"] > 6000
    assert any(isinstance(t.subject, ox.BlankNode) for t in every)
    for suffix in ("nt", "ttl"):
        combined = list(ox.parse(path=str(folder / f"combined.{suffix}")))
        assert len(combined) == total and _canonical(combined) == every


def test_the_writer_keeps_a_blank_node_one_node_across_parts_and_files(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "_PART", 10)  # a large graph's parts, at the size of a test
    build = Build(tmp_path / "build")
    build.folder.mkdir()
    (build.folder / f"{embedded.ONTOLOGY_PART}.nt").write_text('_:list <http://example.org/first> "o" .\n')
    build.graph_file("asserted").write_text("".join(
        f'_:evidence{i % 7} <http://example.org/quote> "quote {i}" .\n<http://example.org/n{i}> '
        f'<http://example.org/evidence> _:evidence{i % 7} .\n' for i in range(30)))
    build.graph_file("inferred").write_text('_:evidence3 <http://example.org/kind> "inferred" .\n')
    writer = embedded._Writer(build)
    writer.facts()
    writer.inferred()
    assert writer.store is not None
    nodes = {q.subject for q in writer.store if isinstance(q.subject, ox.BlankNode)}
    assert {node.value for node in nodes} == {"list", *(f"evidence{i}" for i in range(7))}
    assert len(writer.store) == 1 + 60 + 1


def test_building_twice_gives_the_same_graph(built_copy: Project, sovkg: Runner) -> None:
    first = json.loads((_current(built_copy) / "build.json").read_text())["triples"]
    done = sovkg("build", cwd=built_copy.root)
    assert done.returncode == EXIT_OK, done.stderr
    second = json.loads((_current(built_copy) / "build.json").read_text())["triples"]
    assert first == second


def test_malformed_turtle_names_file_line_and_column_and_writes_nothing(built_copy: Project,
                                                                        sovkg: Runner) -> None:
    before, answer = _current(built_copy), _answer(built_copy, sovkg)
    broken = built_copy.kg / "countries" / "dk.ttl"
    lines = broken.read_text().splitlines()
    broken.write_text("\n".join([*lines, ':Broken a sov:Place ; rdfs:label "unterminated .', ""]))
    done = sovkg("build", cwd=built_copy.root)
    assert done.returncode == EXIT_INPUT
    assert f"kg/countries/dk.ttl:{len(lines) + 1}:" in done.stderr
    assert "malformed Turtle" in done.stderr
    assert _current(built_copy) == before
    assert _answer(built_copy, sovkg) == answer


def test_shape_violation_exits_1_and_the_previous_store_keeps_answering(built_copy: Project,
                                                                        sovkg: Runner) -> None:
    before, answer = _current(built_copy), _answer(built_copy, sovkg)
    states = built_copy.kg / "reference" / "states.ttl"
    states.write_text(states.read_text().replace('sov:isoCode "DK"', 'sov:isoCode "Denmark"'))
    done = sovkg("build", cwd=built_copy.root)
    assert done.returncode == EXIT_VIOLATIONS
    assert "== shape: state" in done.stderr
    assert "kg/reference/states.ttl:" in done.stderr and "Denmark" in done.stderr
    assert "nothing was written" in done.stderr
    assert _current(built_copy) == before
    assert _answer(built_copy, sovkg) == answer
    builds = sorted(p.name for p in (built_copy.dist / "builds").iterdir())
    assert builds == [before.name], "a failed build must leave no partial folder behind"


def test_misspelt_term_is_named_with_file_line_and_closest_term(project_copy: Project, sovkg: Runner) -> None:
    target = project_copy.kg / "countries" / "dk.ttl"
    text = target.read_text()
    target.write_text(text.replace("sov:hasPartner :Eviden", "sov:hasPartnr :Eviden", 1))
    line = next(n for n, row in enumerate(target.read_text().splitlines(), 1) if "sov:hasPartnr" in row)
    done = sovkg("validate", cwd=project_copy.root)
    assert done.returncode == EXIT_VIOLATIONS
    assert f"kg/countries/dk.ttl:{line}:" in done.stdout
    assert "sov:hasPartnr is not declared in the ontology; did you mean sov:hasPartner?" in done.stdout


def test_validate_reports_json_for_machines(project_copy: Project, sovkg: Runner) -> None:
    states = project_copy.kg / "reference" / "states.ttl"
    states.write_text(states.read_text().replace('sov:isoCode "FR"', 'sov:isoCode "fr"'))
    done = sovkg("validate", "--format", "json", cwd=project_copy.root)
    assert done.returncode == EXIT_VIOLATIONS
    report = json.loads(done.stdout)
    assert report["conforms"] is False
    [violation] = report["violations"]
    assert violation["focus"] == "https://w3id.org/sovkg/id/FR"
    assert violation["focus_label"] == "France"
    assert violation["path"] == "isoCode" and violation["value"] == "fr"
    assert violation["location"]["file"] == "kg/reference/states.ttl"


def test_a_quote_not_in_its_source_is_a_violation(project_copy: Project, sovkg: Runner) -> None:
    """Runs on the fixture source of the walk-through, so also in a clone without the real texts."""
    import shutil

    walk = Path(__file__).parent / "fixtures" / "walkthrough"
    assert sovkg("new-country", "XF", "--name", "Freedonia", cwd=project_copy.root).returncode == EXIT_OK
    scaffold = project_copy.kg / "countries" / "xf.ttl"
    scaffold.write_text(scaffold.read_text() + "\n" + (walk / "source.ttl").read_text() + """
:FreedoniaFact a sov:Company ; rdfs:label "Freedonia fact"@en ; sov:headquarteredIn :XF ;
    sov:hasEvidence [ sov:source :src-xf-plan ; sov:quote "Operational since September 2024" ] .
""")
    (project_copy.root / "sources").mkdir(exist_ok=True)
    shutil.copy(walk / "freedonia-ai-plan.txt", project_copy.root / "sources")
    done = sovkg("validate", cwd=project_copy.root)
    assert done.returncode == EXIT_VIOLATIONS
    assert "== quotes: every quote occurs in its source (1)" in done.stdout
    assert "Operational since September 2024" in done.stdout


def test_the_real_graph_conforms(project_copy: Project, sovkg: Runner) -> None:
    done = sovkg("validate", cwd=project_copy.root)
    assert done.returncode == EXIT_OK, done.stdout
    assert done.stdout.startswith("Conforms")


def test_outside_a_project_the_error_says_what_to_do(tmp_path: Path, sovkg: Runner) -> None:
    done = sovkg("--project", str(tmp_path), "build", cwd=tmp_path)
    assert done.returncode == EXIT_INPUT
    assert "is not a sovkg project" in done.stderr


def test_query_before_any_build_says_to_build_first(project_copy: Project, sovkg: Runner) -> None:
    done = sovkg("query", "us-dependencies", cwd=project_copy.root)
    assert done.returncode == 3
    assert "run 'sovkg build' first" in done.stderr


def test_project_is_found_from_a_subfolder(built_copy: Project, sovkg: Runner) -> None:
    done = sovkg("query", "us-dependencies", cwd=built_copy.kg / "countries")
    assert done.returncode == EXIT_OK and "Gefion" in done.stdout


def test_environment_names_the_project(built_copy: Project, sovkg: Runner, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = sovkg("query", "us-dependencies", cwd=elsewhere, env={"SOVKG_PROJECT": os.fspath(built_copy.root)})
    assert done.returncode == EXIT_OK and "Gefion" in done.stdout


def test_ontology_quality_rules_run_in_validate(project_copy: Project, sovkg: Runner) -> None:
    ontology = project_copy.ontology
    ontology.write_text(ontology.read_text() + '\nsov:Orphan a owl:Class ; rdfs:label "orphan"@en .\n')
    shapes = project_copy.shapes / "sovkg-shapes.ttl"
    shapes.write_text(shapes.read_text().replace("sh:path sov:isoCode ;", "sh:path sov:isoCod ;", 1))
    done = sovkg("validate", cwd=project_copy.root)
    assert done.returncode == EXIT_VIOLATIONS
    assert "sov:Orphan has no skos:definition" in done.stdout
    assert "sov:Orphan is not a subclass of prov:Agent, prov:Entity or skos:Concept" in done.stdout
    assert "shapes/sovkg-shapes.ttl:" in done.stdout
    assert "sov:isoCod is not declared in the ontology; did you mean sov:isoCode?" in done.stdout


def test_a_project_folder_that_does_not_exist_is_named_so(tmp_path: Path, sovkg: Runner) -> None:
    done = sovkg("--project", str(tmp_path / "missing"), "build", cwd=tmp_path)
    assert done.returncode == EXIT_INPUT
    assert f"the project folder {tmp_path / 'missing'} does not exist" in done.stderr
    assert not (tmp_path / "missing").exists()
