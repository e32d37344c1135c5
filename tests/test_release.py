"""``sovkg release VERSION``: formats, CSVs, site, VoID/DCAT, checksums, and the change summary."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import VOID

from sovkg.build.pipeline import build
from sovkg.errors import EXIT_INPUT
from sovkg.project import Project

from .conftest import Runner

pytest.importorskip("jinja2")
pytest.importorskip("vl_convert")

DATASET = URIRef("https://w3id.org/sovkg/dataset")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (dcat:version), beyond rdflib's DCAT 2 terms


def _checksums_hold(folder: Path) -> list[str]:
    """The files whose SHA-256 differs from SHA256SUMS (as `sha256sum -c` would report)."""
    wrong = []
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
            wrong.append(name)
    return wrong


def test_release_writes_every_format_checksums_metadata_and_then_the_changes(built_copy: Project,
                                                                             sovkg: Runner) -> None:
    done = sovkg("release", "0.1.0", cwd=built_copy.root, timeout=300)
    assert done.returncode == 0, done.stderr
    first = built_copy.dist / "releases" / "0.1.0"
    meta = json.loads((built_copy.dist / "current" / "build.json").read_text())
    combined = meta["triples"]["combined"]
    for name, fmt in (("sovkg.ttl", "turtle"), ("sovkg.nt", "nt"), ("sovkg.jsonld", "json-ld"),
                      ("sovkg.rdf", "xml")):
        # Blank nodes are shared between graphs in the combined graph, so counts compare exactly.
        assert len(Graph().parse(first / name, format=fmt)) == combined, name
    queries = sorted(p.stem for p in built_copy.queries.glob("*.rq"))
    assert sorted(p.stem for p in (first / "queries").glob("*.csv")) == queries
    with (first / "queries" / "us-dependencies.csv").open() as sheet:
        assert "Gefion supercomputer" in {row["project"] for row in csv.DictReader(sheet)}
    assert (first / "site" / "index.html").is_file() and (first / "site" / "id" / "Gefion.html").is_file()
    assert (first / "CITATION.cff").is_file() or not (built_copy.root / "CITATION.cff").is_file()
    assert _checksums_hold(first) == []
    listed = {line.split("  ", 1)[1] for line in (first / "SHA256SUMS").read_text().splitlines()}
    assert {"sovkg.jsonld", "sovkg.rdf", "void.ttl", "CHANGES.md", "site/index.html"} <= listed
    assert "first release" in (first / "CHANGES.md").read_text()
    void = Graph().parse(first / "void.ttl")
    assert int(void.value(DATASET, VOID.triples)) == combined
    assert str(void.value(DATASET, DCAT.version)) == "0.1.0"
    # Download links are relative to the description, so they resolve wherever the folder is put.
    downloads = {str(void.value(d, DCAT.downloadURL)) for d in void.objects(DATASET, DCAT.distribution)}
    wanted = {(first / name).as_uri() for name in ("sovkg.jsonld", "sovkg.rdf", "sovkg.trig",
                                                    "queries/us-dependencies.csv")}
    assert wanted <= downloads

    # An edit of the facts, rebuilt and released again: the change summary names it, by entity.
    dk = built_copy.kg / "countries" / "dk.ttl"
    # A number its quote does not render fails validation (the support rules), so the edit says
    # where the new figure comes from: a derived figure with a note.
    dk.write_text(dk.read_text().replace(
        "sov:quantity 1528 ;",
        'sov:quantity 1600 ;\n    sov:hasEvidence [ sov:provenanceKind sov:DerivedFigure ; sov:supports sov:quantity ;'
        ' sov:note "A recount." ] ;'))
    build(built_copy)
    done = sovkg("release", "0.2.0", cwd=built_copy.root, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "changes since 0.1.0" in done.stdout
    changes = (built_copy.dist / "releases" / "0.2.0" / "CHANGES.md").read_text()
    assert "Since 0.1.0: 1 entity changed" in changes
    assert "Gefion-chips" in changes and "1528 -> 1600" in changes
    assert _checksums_hold(built_copy.dist / "releases" / "0.2.0") == []


def test_release_never_overwrites_a_version_and_refuses_bad_names(built_copy: Project, sovkg: Runner,
                                                                  tmp_path: Path) -> None:
    existing = tmp_path / "releases" / "1.0.0"
    existing.mkdir(parents=True)
    (existing / "note.txt").write_text("published")
    done = sovkg("release", "1.0.0", "--out", str(tmp_path / "releases"), cwd=built_copy.root)
    assert done.returncode == EXIT_INPUT and "exists already" in done.stderr
    assert (existing / "note.txt").read_text() == "published"
    done = sovkg("release", "../escape", cwd=built_copy.root)
    assert done.returncode == EXIT_INPUT and "release version" in done.stderr
    assert not (built_copy.root / "escape").exists()
