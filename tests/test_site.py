"""The static site, in a real browser (headless Debian chromium via Playwright): from disk and
through ``sovkg serve``; content negotiation of entity IRIs; the VoID/DCAT description."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDFS, VOID

from sovkg.errors import EXIT_ENDPOINT, EXIT_INPUT
from sovkg.project import Project
from sovkg.site.pages import write_site
from sovkg.site.server import negotiate
from sovkg.store.oxigraph_server import free_port

from .conftest import Runner
from .support.browser import browser_page, crawl

pytest.importorskip("jinja2")
pytest.importorskip("vl_convert")

ID = Namespace("https://w3id.org/sovkg/id/")
SOV = Namespace("https://w3id.org/sovkg/ontology#")
GRAPH = "https://w3id.org/sovkg/graph/"


@pytest.fixture(scope="module")
def site(built: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(built, tmp_path_factory.mktemp("site") / "site").folder


def _colourful(png: bytes) -> tuple[int, float]:
    """Distinct colours of a screenshot, and the share of its pixels that are not white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24) or []
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    return len(colours), 1 - white / (image.width * image.height)


def _assert_visible(page: object, selector: str, tmp: Path, name: str) -> None:
    element = page.locator(selector)  # type: ignore[attr-defined]
    box = element.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 150, f"{selector} is not shown: {box}"
    png = element.screenshot(path=str(tmp / name))
    colours, inked = _colourful(png)
    assert colours > 5 and inked > 0.05, f"{selector} looks blank: {colours} colours, {inked:.0%} inked"


# ---------------------------------------------------------------- from disk

def test_site_opened_from_disk_renders_every_page_without_errors_or_outside_requests(site: Path,
                                                                                      tmp_path: Path) -> None:
    prefix = site.as_uri() + "/"
    with browser_page(prefix) as (page, visit):
        result = crawl(page, prefix + "index.html", prefix)
    entity_pages = len(list((site / "id").glob("*.html")))
    assert len(result.pages) >= entity_pages, "the crawl did not reach every entity page from the index"
    assert prefix + "id/Gefion.html" in result.pages and prefix + "country/DK.html" in result.pages
    assert result.broken == {}
    assert visit.errors == []
    assert visit.outside == []


def test_heat_map_and_dependency_picture_are_visible(site: Path, tmp_path: Path) -> None:
    prefix = site.as_uri() + "/"
    with browser_page(prefix) as (page, visit):
        page.goto(prefix + "matrix.html")
        _assert_visible(page, "#heatmap svg", tmp_path, "heatmap.png")
        # Each cell of the heat map links to the facts behind it: Denmark's chips cell.
        links = page.evaluate("() => Array.from(document.querySelectorAll('#heatmap svg a')).map(a => a.href.baseVal)")
        assert "country/DK.html#chips-and-semiconductors" in links
        page.goto(prefix + "id/Gefion.html")
        _assert_visible(page, "figure.picture svg", tmp_path, "gefion.png")
        text = page.inner_text("figure.picture")
        assert "Nvidia" in text and "Digital Realty" in text and "United States" in text
    assert visit.errors == [] and visit.outside == []


def test_search_finds_gefion_from_three_letters(site: Path) -> None:
    prefix = site.as_uri() + "/"
    with browser_page(prefix) as (page, visit):
        page.goto(prefix + "questions/index.html")
        page.fill("#search-box", "gef")
        hit = page.locator("#search-results a", has_text="Gefion supercomputer")
        hit.first.wait_for()
        hit.first.click()
        page.wait_for_url("**/id/Gefion.html")
        assert page.inner_text("h1") == "Gefion supercomputer"
    assert visit.errors == [] and visit.outside == []


def test_country_page_keeps_not_stated_apart_from_domestic(site: Path) -> None:
    """Denmark's page: per layer, each actor with its home and a category that says which."""
    page = (site / "country" / "DK.html").read_text(encoding="utf-8")
    assert "Digital Realty" in page and "Novo Nordisk Foundation" in page
    assert 'class="badge cat-us"' in page and 'class="badge cat-domestic"' in page
    legend_colours = {"unstated": "#bdbdbd", "domestic": "#1a9850", "none": "#ffffff"}
    for key, colour in legend_colours.items():
        assert f'class="badge cat-{key}" style="background: {colour}"' in page
    assert len(set(legend_colours.values())) == len(legend_colours)


def test_entity_page_shows_every_fact_with_source_locator_and_quote(site: Path) -> None:
    page = (site / "id" / "Gefion.html").read_text(encoding="utf-8")
    assert "Sovereign AI in a Hybrid World: National Strategies and Policy Responses" in page
    assert "Table 2, Denmark" in page
    assert "Nvidia DGX SuperPOD with a total of 1,528 Nvidia H100 GPUs" in page
    github = (site / "id" / "GitHub.html").read_text(encoding="utf-8")
    assert "Ownership chain" in github and 'href="Microsoft.html"' in github


def test_every_stored_question_has_a_page_with_command_and_sparql(built: Project, site: Path) -> None:
    for query in sorted(built.queries.glob("*.rq")):
        page = (site / "questions" / f"{query.stem}.html").read_text(encoding="utf-8")
        assert f"sovkg query {query.stem}" in page
        assert "SELECT" in page
    evidence = (site / "questions" / "evidence.html").read_text(encoding="utf-8")
    assert "sovkg query evidence -p entity=Gefion" in evidence and "Table 2, Denmark" in evidence


def test_ontology_page_documents_every_term(built: Project, site: Path) -> None:
    ontology = Graph().parse(built.ontology)
    page = (site / "ontology.html").read_text(encoding="utf-8")
    terms = {s for s in ontology.subjects(RDFS.label, None) if str(s).startswith(str(SOV))}
    assert len(terms) > 100
    for term in terms:
        assert f'id="{str(term).split("#")[1]}"' in page, f"{term} is not documented"
    assert "examples in the graph" in page and "Gefion supercomputer" in page


def test_site_refuses_a_folder_that_is_not_a_site(built_copy: Project, sovkg: Runner, tmp_path: Path) -> None:
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("keep me")
    done = sovkg("site", "--out", str(other), cwd=built_copy.root)
    assert done.returncode == EXIT_INPUT and "not a sovkg site" in done.stderr
    assert (other / "todo.txt").read_text() == "keep me"
    done = sovkg("site", "--out", str(other / "todo.txt"), cwd=built_copy.root)
    assert done.returncode == EXIT_INPUT and "is a file" in done.stderr and "Traceback" not in done.stderr


def test_site_without_a_build_says_so(project_copy: Project, sovkg: Runner) -> None:
    done = sovkg("site", cwd=project_copy.root)
    assert done.returncode == EXIT_ENDPOINT and "run 'sovkg build' first" in done.stderr
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- the VoID/DCAT description

def test_void_description_parses_and_its_counts_match_the_build(built: Project, site: Path) -> None:
    meta = json.loads((built.dist / "current" / "build.json").read_text())
    void = Graph().parse(site / "void.ttl")
    dataset = URIRef("https://w3id.org/sovkg/dataset")
    assert int(void.value(dataset, VOID.triples)) == meta["triples"]["combined"]
    for name in ("ontology", "asserted", "inferred"):
        assert int(void.value(URIRef(GRAPH + name), VOID.triples)) == meta["triples"][name]
    assert (dataset, VOID.exampleResource, ID.Gefion) in void
    assert str(void.value(dataset, URIRef("http://purl.org/dc/terms/license"))).startswith(
        "https://creativecommons.org/licenses/by/4.0")
    assert len(list(void.objects(dataset, URIRef("http://purl.org/dc/terms/source")))) >= 6


# ---------------------------------------------------------------- through sovkg serve

def test_negotiate_prefers_what_the_client_weighs_most() -> None:
    offered = ["text/html", "text/turtle", "application/ld+json"]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert negotiate(browser, offered) == "text/html"
    assert negotiate("text/turtle", offered) == "text/turtle"
    assert negotiate("text/turtle;q=0.5, application/ld+json", offered) == "application/ld+json"
    assert negotiate(None, offered) == "text/html"
    assert negotiate("image/png", offered) == "text/html"


def _get(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture(scope="module")
def served(built: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Project]]:
    """One ``sovkg serve`` for the module, on a private copy of the built project (it writes dist/site)."""
    built_copy = Project(tmp_path_factory.mktemp("served") / "project", Path())
    shutil.copytree(built.root, built_copy.root, symlinks=True)
    built_copy = Project(built_copy.root, built_copy.root / "dist")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sovkg", "serve", "--port", str(port)], cwd=built_copy.root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={k: v for k, v in os.environ.items() if not k.startswith("SOVKG_")})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(url + "/index.html")
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, process.stderr.read()
                time.sleep(0.3)
        yield url, built_copy
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def test_served_site_renders_every_page_and_keeps_the_query_page(served: tuple[str, Project]) -> None:
    url, _ = served
    prefix = url + "/"
    with browser_page(prefix) as (page, visit):
        result = crawl(page, prefix + "index.html", prefix)
        assert prefix + "id/Gefion.html" in result.pages
        assert result.broken == {}
        # The entity IRI's own path gives a browser the page, whose relative links still work.
        page.goto(url + "/id/Gefion")
        assert page.inner_text("h1") == "Gefion supercomputer"
        page.locator("a", has_text="Denmark").first.click()
        page.wait_for_url("**/id/DK.html")
        page.goto(url + "/ontology")
        assert "sovkg" in page.inner_text("h1")
        page.fill("#search-box", "gef")
        page.locator("#search-results a", has_text="Gefion supercomputer").first.wait_for()
    assert visit.errors == [] and visit.outside == []
    status, _media, body = _get(url + "/", "text/html")
    assert status == 200 and b"yasgui" in body.lower()


def _entity_facts(project: Project, name: str) -> Graph:
    asserted = Graph().parse(project.dist / "current" / "asserted.nt", format="nt")
    facts = Graph()
    for triple in asserted.triples((ID[name], None, None)):
        facts.add(triple)
    return facts


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_entity_iri_answers_rdf_by_content_negotiation(served: tuple[str, Project], accept: str, fmt: str) -> None:
    url, project = served
    status, media, body = _get(url + "/id/Gefion", accept)
    assert status == 200 and media.startswith(accept)
    answer = Graph().parse(data=body.decode("utf-8"), format=fmt)
    stated = _entity_facts(project, "Gefion")
    named = [t for t in stated if not isinstance(t[2], BNode)]
    assert len(named) > 10 and [t for t in named if t not in answer] == []
    evidence = len(list(stated.objects(ID.Gefion, SOV.hasEvidence)))
    assert len(list(answer.objects(ID.Gefion, SOV.hasEvidence))) == evidence
    assert (ID.Gefion, RDFS.label, Literal("Gefion supercomputer", lang="en")) in answer
    assert (ID.Gefion, SOV.hasPartner, ID.DigitalRealty) in answer
    # Its evidence comes along in full, quotes included.
    quotes = {str(q) for e in answer.objects(ID.Gefion, SOV.hasEvidence) for q in answer.objects(e, SOV.quote)}
    assert "Gefion Supercomputer; Copenhagen" in quotes
    # And what reasoning adds: the jurisdictions it depends on.
    assert (ID.Gefion, SOV.dependsOnJurisdiction, ID.US) in answer


def test_entity_iri_answers_html_to_a_browser_and_404_to_an_unknown_name(served: tuple[str, Project]) -> None:
    url, _ = served
    status, media, body = _get(url + "/id/Gefion", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and media.startswith("text/html") and b"<h1>Gefion supercomputer</h1>" in body
    status, _, body = _get(url + "/id/NoSuchThing", "text/turtle")
    assert status == 404 and b"NoSuchThing" in body


def test_ontology_iri_path_answers_the_ontology(served: tuple[str, Project]) -> None:
    url, _ = served
    status, media, body = _get(url + "/ontology", "text/turtle")
    assert status == 200 and media.startswith("text/turtle")
    ontology = Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert (SOV.dependsOn, RDFS.label, None) in ontology
    status, media, body = _get(url + "/ontology", "text/html")
    assert status == 200 and b'id="dependsOn"' in body


def test_served_void_names_the_endpoint_and_the_endpoint_answers(served: tuple[str, Project]) -> None:
    url, _ = served
    status, _, body = _get(url + "/.well-known/void", "text/turtle")
    void = Graph().parse(data=body.decode("utf-8"), format="turtle")
    endpoint = void.value(URIRef("https://w3id.org/sovkg/dataset"), VOID.sparqlEndpoint)
    assert str(endpoint) == url + "/query"
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    status, _, body = _get(f"{endpoint}?query={query}", "text/csv")
    total = int(void.value(URIRef("https://w3id.org/sovkg/dataset"), VOID.triples))
    assert status == 200 and body.decode().split()[1] == str(total)




def test_pages_read_on_a_phone_and_print_without_navigation(site: Path) -> None:
    prefix = site.as_uri() + "/"
    with browser_page(prefix, width=390, height=844) as (page, visit):
        for name in ("index.html", "id/Gefion.html", "country/DK.html", "matrix.html", "ontology.html",
                     "questions/evidence.html", "sources.html", "investments.html"):
            page.goto(prefix + name)
            width, viewport = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert width <= viewport, f"{name} is {width} px wide on a {viewport} px screen"
        page.emulate_media(media="print")
        assert not page.is_visible("#search-box") and page.is_visible("h1")
    assert visit.errors == [] and visit.outside == []
