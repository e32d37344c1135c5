"""A name is first looked up where it is written (a few spellings bound as terms, found through
the indexes), and the whole index of names is read only when that finds nothing or several
entities. The targeted lookup must answer what the whole index answers: checked here on every
name of the seed graph, in other cases and with near misses, on the embedded store, on rdflib and
on an Oxigraph server and on Virtuoso."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from sovkg.errors import QueryError
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine, RdflibEngine
from sovkg.queries.lookup import Resolver, local_name
from sovkg.queries.remote import RemoteEngine
from sovkg.store.oxigraph_server import OxigraphServer

from .conftest import run_sovkg
from .support.virtuoso import Virtuoso, installed

ID = "https://w3id.org/sovkg/id/"


def _full(engine: object) -> Resolver:
    """A resolver that has read the whole index: the reference answer."""
    resolver = Resolver.from_engine(engine)
    resolver.names  # noqa: B018 - reads the index
    return resolver


def _written_names(full: Resolver) -> list[str]:
    """Every label, alias, ISO code and local name of the graph, as written."""
    written = set(full.labels.values()) | set(full.codes.values())
    written |= {local_name(iri) for iri in full.labels} | {local_name(iri) for iri in full.codes}
    rows = full.engine.select(  # type: ignore[union-attr]
        "SELECT ?alias WHERE { ?s <http://www.w3.org/2004/02/skos/core#altLabel> ?alias "
        "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/sovkg/id/')) }").rows
    written |= {row[0].value for row in rows}
    return sorted(written)


def _variants(name: str) -> list[str]:
    """The name in other cases and spacings, as a local name, and near misses of it."""
    near = [name[:-1], name + "x", name[1:], name[:2] + name[3:] if len(name) > 3 else name + "q"]
    swapped = name[:1] + name[2:3] + name[1:2] + name[3:] if len(name) > 3 else name
    return list(dict.fromkeys([name, name.lower(), name.upper(), name.swapcase(), name.title(), f"  {name} ",
                               name.replace(" ", "  "), ":" + name, swapped, *near]))


def _outcome(resolver: Resolver, text: str, **options: object) -> str:
    try:
        return resolver.entity(text, "entity", **options).iri  # type: ignore[arg-type]
    except QueryError as error:
        return f"refused: {error}"


@pytest.fixture(scope="module")
def engine(built: Project) -> EmbeddedEngine:
    return EmbeddedEngine(built.store)


@pytest.fixture(scope="module")
def full(engine: EmbeddedEngine) -> Resolver:
    return _full(engine)


@pytest.fixture(scope="module")
def names(full: Resolver) -> list[str]:
    return _written_names(full)


def test_every_name_and_variant_finds_what_the_whole_index_finds(engine: EmbeddedEngine, full: Resolver,
                                                                  names: list[str]) -> None:
    assert len(names) > 300
    checked = 0
    for name in names:
        for text in _variants(name):
            exact = Resolver.from_engine(engine)._exact(text)
            assert exact in ([], full.matches(text)), text
            checked += 1
    assert checked > 3000


def test_every_name_as_written_is_found_without_reading_the_index(engine: EmbeddedEngine, full: Resolver,
                                                                   names: list[str]) -> None:
    for name in names:
        if len(full.matches(name)) != 1:
            continue  # an ambiguous name lists every candidate from the whole index
        for text in (name, name.lower(), name.upper(), name.capitalize()):
            resolver = Resolver.from_engine(engine)
            if resolver._exact(text):
                assert resolver.entity(text).iri == full.matches(text)[0]
                assert not resolver._loaded, text
        resolver = Resolver.from_engine(engine)
        assert resolver.entity(name).iri == full.matches(name)[0]
        assert not resolver._loaded, name


@pytest.mark.parametrize("jurisdictions_only", [False, True])
def test_entity_answers_and_refuses_as_with_the_whole_index(engine: EmbeddedEngine, full: Resolver,
                                                             names: list[str], jurisdictions_only: bool) -> None:
    sample = [*names[::20], "France", "fr", "EU", "Gefion", "aws", "Amazn", "nvidia", "OpenAI", "zzzqqq", ""]
    for name in sample:
        for text in [*_variants(name)[:6], ID + name, f"<{ID}{name}>"]:
            targeted = _outcome(Resolver.from_engine(engine), text, jurisdictions_only=jurisdictions_only)
            assert targeted == _outcome(full, text, jurisdictions_only=jurisdictions_only), text


def test_country_codes_answer_as_with_the_whole_index(engine: EmbeddedEngine, full: Resolver) -> None:
    for text in ["France", "france", "FR", "fr", "United States", "European Union", "EU", "Denmark", "Nvidia",
                 "Frnace", "XX", ":France"]:
        assert _country(Resolver.from_engine(engine), text) == _country(full, text), text


def test_codes_by_label_are_those_of_the_whole_index(engine: EmbeddedEngine, full: Resolver) -> None:
    resolver = Resolver.from_engine(engine)
    by_label = resolver.codes_by_label()
    assert by_label == {full.labels[iri]: code for iri, code in full.codes.items() if iri in full.labels}
    assert by_label["France"] == "FR" and not resolver._loaded
    assert full.codes_by_label() == by_label


def _country(resolver: Resolver, text: str) -> str:
    try:
        return resolver.country_code(text)
    except QueryError as error:
        return f"refused: {error}"


def _tiers_store() -> EmbeddedEngine:
    """Entities whose names meet in every tier: a label beats a local name beats an alias."""
    store = ox.Store()
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    alt = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")

    def add(local: str, predicate: ox.NamedNode, text: str) -> None:
        store.add(ox.Quad(ox.NamedNode(ID + local), predicate, ox.Literal(text, language="en")))

    add("Labelled", label, "zed")            # label "zed" (lower case)
    add("Zed", label, "Something else")      # local name Zed
    add("Aliased", label, "Aliased thing")
    add("Aliased", alt, "ZED")               # alias ZED
    add("Kappa", label, "Kappa Corp (KC)")   # derived name KC
    add("Other", alt, "Kappa")               # alias Kappa, beaten by the local name Kappa
    add("Lone", alt, "Lone alias")           # an alias only: not in the labels
    return EmbeddedEngine(store)


@pytest.mark.parametrize("text", ["Zed", "zed", "ZED", ":Zed", "Kappa", "kappa", "KC", "kc", "Kappa Corp",
                                  "Lone alias", "Lone", f"<{ID}Lone>", f"{ID}Zed", "Aliased thing", "nothing"])
def test_a_label_beats_a_local_name_beats_an_alias_as_before(text: str) -> None:
    engine = _tiers_store()
    assert _outcome(Resolver.from_engine(engine), text) == _outcome(_full(engine), text)


def test_the_label_tier_wins_over_a_local_name_written_exactly() -> None:
    resolver = Resolver.from_engine(_tiers_store())
    assert resolver.entity("Zed").iri == ID + "Labelled"
    assert not resolver._loaded


def test_remote_engines_find_what_the_embedded_store_finds(built: Project, oxigraph_of_built: OxigraphServer,
                                                           full: Resolver, names: list[str]) -> None:
    remotes = [RdflibEngine.from_file((built.dist / "current" / "combined.nt").resolve()),
               RemoteEngine(oxigraph_of_built.query_url)]
    sample = [*names[::25], "Gefion supercomputer", "gefion", "Hugging Face", "hugging face", "FR", "Amazn"]
    for remote in remotes:
        for text in sample:
            resolver = Resolver.from_engine(remote)
            exact = resolver._exact(text)
            assert exact in ([], full.matches(text)), text
            if len(full.matches(text)) == 1 and full.matches(text) == Resolver.from_engine(full.engine)._exact(text):
                assert exact == full.matches(text), f"{text} on {type(remote).__name__}"


@pytest.fixture(scope="module")
def virtuoso_engine(built: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteEngine]:
    if not installed():
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource-7-bin)")
    folder = tmp_path_factory.mktemp("virtuoso-lookup")
    project = folder / "project"
    shutil.copytree(built.root, project, symlinks=True)
    server = Virtuoso(folder / "db", max_rows=1000).start()
    try:
        user, secret = "sovkg_loader", "l0ad-Secret-4417"
        server.provision("dba-Secret-8823", user, secret)
        done = run_sovkg("load", "--endpoint", server.url, cwd=Path(project),
                         env={"SOVKG_ENDPOINT_USER": user, "SOVKG_ENDPOINT_PASSWORD": secret})
        assert done.returncode == 0, done.stderr
        yield RemoteEngine(server.url + "/sparql")
    finally:
        server.stop()


def test_virtuoso_finds_what_the_embedded_store_finds(virtuoso_engine: RemoteEngine, engine: EmbeddedEngine,
                                                       full: Resolver, names: list[str]) -> None:
    sample = [*names[::25], "Gefion supercomputer", "gefion", "Hugging Face", "hugging face", "FR", "Amazn",
              "GitHub", "Nvidia", "nvidia", f"<{ID}Gefion>"]
    for text in sample:
        exact = Resolver.from_engine(virtuoso_engine)._exact(text)
        assert exact == Resolver.from_engine(engine)._exact(text), text
        assert exact in ([], full.matches(text)), text
    resolver = Resolver.from_engine(virtuoso_engine)
    assert resolver.entity("Gefion").iri == ID + "Gefion" and not resolver._loaded
    assert resolver.codes_by_label() == full.codes_by_label()
