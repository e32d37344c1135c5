"""Finding entities by the names people use: every parameter naming an entity or a country takes
a label, an alias, a local name, an IRI or an ISO code, in any case; an ambiguous or unknown name
is refused with the candidates or the closest names (exit 2), never answered with an empty table."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from sovkg.errors import EXIT_INPUT, EXIT_OK, QueryError
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine
from sovkg.queries.lookup import Resolver
from sovkg.queries.run import run_stored

from .conftest import Runner

ID = "https://w3id.org/sovkg/id/"


def _ids(table: object, column: str) -> list[str]:
    index = table.columns.index(column)  # type: ignore[attr-defined]
    return [row[index].value for row in table.rows]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["Gefion", "gefion", "GEFION", "Gefion supercomputer", "gefion  SUPERCOMPUTER",
                                  ":Gefion", ID + "Gefion", f"<{ID}Gefion>"])
def test_evidence_finds_gefion_by_any_of_its_names(built: Project, name: str) -> None:
    table = run_stored(built, "evidence", {"entity": name})
    assert table.rows
    assert table.values("node")[0] == "Gefion supercomputer"


def test_projects_involving_company_by_lower_case_name_was_an_empty_answer(built: Project) -> None:
    by_label = run_stored(built, "projects-involving-company", {"company": "Nvidia"})
    lower = run_stored(built, "projects-involving-company", {"company": "nvidia"})
    assert lower.rows and lower.records() == by_label.records()
    assert "GPT-NL" in lower.values("project")


def test_label_with_a_space_copied_from_a_table_is_accepted(built: Project, sovkg: Runner) -> None:
    done = sovkg("query", "ownership-chain", "-p", "actor=Hugging Face", "--format", "csv", cwd=built.root)
    assert done.returncode == EXIT_OK, done.stderr
    assert "Hugging Face" in done.stdout and "United States" in done.stdout


def test_abbreviation_in_a_label_is_an_alias(built: Project) -> None:
    table = run_stored(built, "ownership-chain", {"actor": "aws"})
    assert "Amazon" in table.values("ultimateParent")


@pytest.mark.parametrize("name", ["France", "france", "FR", "fr"])
def test_country_by_name_or_code(built: Project, name: str) -> None:
    table = run_stored(built, "dependencies-on-country", {"country": name})
    assert "Jean Zay supercomputer" in table.values("project")


def test_unknown_country_code_is_refused_not_answered_empty(built: Project, sovkg: Runner) -> None:
    done = sovkg("query", "dependencies-on-country", "-p", "country=XX", cwd=built.root)
    assert done.returncode == EXIT_INPUT
    assert "no country with the code 'XX'" in done.stderr and "US" in done.stderr and done.stdout == ""


def test_unknown_entity_suggests_the_closest(built: Project, sovkg: Runner) -> None:
    done = sovkg("query", "ownership-chain", "-p", "actor=Amazn", cwd=built.root)
    assert done.returncode == EXIT_INPUT
    assert "no actor named 'Amazn'" in done.stderr and "'Amazon' (:Amazon)" in done.stderr
    assert "Traceback" not in done.stderr


def test_iri_outside_the_graph_is_unknown_not_empty(built: Project) -> None:
    with pytest.raises(QueryError, match="no entity named"):
        run_stored(built, "evidence", {"entity": ID + "NoSuchThing"})


def _store_with_two_orions() -> EmbeddedEngine:
    store = ox.Store()
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    alt = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
    for local, name in (("OrionCloud", "Orion"), ("OrionChip", "Orion")):
        store.add(ox.Quad(ox.NamedNode(ID + local), label, ox.Literal(name, language="en")))
    store.add(ox.Quad(ox.NamedNode(ID + "Zephyr"), label, ox.Literal("Zephyr Compute", language="en")))
    store.add(ox.Quad(ox.NamedNode(ID + "Zephyr"), alt, ox.Literal("ZC", language="en")))
    return EmbeddedEngine(store)


def test_ambiguous_name_lists_every_candidate() -> None:
    resolver = Resolver.from_engine(_store_with_two_orions())
    with pytest.raises(QueryError) as caught:
        resolver.entity("orion", "actor")
    message = str(caught.value)
    assert "actor 'orion' is ambiguous: it names 2 entities" in message
    assert ":OrionCloud" in message and ":OrionChip" in message
    assert resolver.entity("OrionChip").iri == ID + "OrionChip"


def test_alternative_label_is_found() -> None:
    resolver = Resolver.from_engine(_store_with_two_orions())
    assert resolver.entity("zc").iri == ID + "Zephyr"


def test_find_lists_kind_country_and_local_name(built: Project, sovkg: Runner) -> None:
    done = sovkg("find", "gefion", cwd=built.root)
    assert done.returncode == EXIT_OK
    first = done.stdout.splitlines()[2]
    assert "Gefion supercomputer" in first and "supercomputer" in first and "Denmark" in first and ":Gefion" in first
    found = json.loads(sovkg("find", "hugging face", "--format", "json", cwd=built.root).stdout)
    assert found[0] == {"iri": ID + "HuggingFace", "label": "Hugging Face", "kind": "company",
                        "country": "United States", "localName": "HuggingFace", "isoCode": None}
    nothing = sovkg("find", "zzzqqq", cwd=built.root)
    assert nothing.returncode == 1 and "nothing in the graph" in nothing.stdout
