"""The Python API for notebooks: sovkg.open(), .query(), .sparql(), .explain(), .find(), and
to_pandas() with typed columns; and the example notebook in docs/, executed on a real kernel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sovkg
from sovkg.errors import EndpointError, QueryError
from sovkg.project import Project

from .conftest import ROOT

pd = pytest.importorskip("pandas")


def test_open_query_and_typed_dataframe(built: Project) -> None:
    kg = sovkg.open(built.root)
    frame = kg.query("investments-ranked").to_pandas()
    assert str(frame["amount"].dtype) == "Float64" and str(frame["approximate"].dtype) == "boolean"
    gefion = frame[frame["project"] == "Gefion supercomputer"].iloc[0]
    assert gefion["amount"] == 100_000_000 and bool(gefion["approximate"]) is True
    assert gefion["project_iri"] == "https://w3id.org/sovkg/id/Gefion"
    falcon = frame[frame["project"] == "Falcon"].iloc[0]
    assert pd.isna(falcon["amount"]) and falcon["amount_reason"] == "undisclosed"
    assert pd.isna(falcon["approximate"])


def test_query_parameters_by_name_and_by_the_names_people_use(built: Project) -> None:
    kg = sovkg.open(built)
    table = kg.query("dependencies-on-country", country="france")
    assert "Jean Zay supercomputer" in table.values("project")
    with pytest.raises(QueryError, match="no company named 'Nvidiaa'"):
        kg.query("projects-involving-company", company="Nvidiaa")


def test_sparql_ask_and_select(built: Project) -> None:
    kg = sovkg.open(built.root)
    assert kg.sparql("ASK { ?s <https://w3id.org/sovkg/ontology#isoCode> 'DK' }").answer is True
    table = kg.sparql("SELECT ?code WHERE { ?s <https://w3id.org/sovkg/ontology#isoCode> ?code } ORDER BY ?code")
    assert "DK" in table.values("code")


def test_explain_and_find(built: Project) -> None:
    kg = sovkg.open(built.root)
    why = kg.explain("GPT-NL", on="US")
    assert why.paths[0].target.label == "Nvidia"
    assert "Snellius" in why._repr_markdown_()
    assert kg.find("hugging face")[0].label == "Hugging Face"
    assert kg.entity("aws").label == "Amazon Web Services (AWS)"


def test_open_before_a_build_says_to_build(project_copy: Project) -> None:
    with pytest.raises(EndpointError, match="run 'sovkg build' first"):
        sovkg.open(project_copy.root)


def test_example_notebook_runs(built: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(ROOT / "docs" / "example.ipynb", as_version=4)
    monkeypatch.setenv("SOVKG_PROJECT", os.fspath(built.root))
    client = nbclient.NotebookClient(notebook, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(Path(built.root))}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "GPT-NL —trained on→ Snellius supercomputer" in text
    assert "True" in text
