"""Adding a country without Python: scaffold, spreadsheet import, build, and the stored questions.

The walk-through uses a fictional country (Freedonia, user-assigned code XF) and a fictional
source text under tests/fixtures/walkthrough/, so that nothing in it can be mistaken for a fact.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sovkg.errors import EXIT_INPUT, EXIT_OK, EXIT_VIOLATIONS
from sovkg.project import Project

from .conftest import FIXTURES, Runner

WALK = FIXTURES / "walkthrough"


def _add_source(project: Project) -> None:
    """What the author does by hand: declare the source in the scaffold and put its text beside."""
    scaffold = project.kg / "countries" / "xf.ttl"
    scaffold.write_text(scaffold.read_text() + "\n" + (WALK / "source.ttl").read_text())
    (project.root / "sources").mkdir(exist_ok=True)
    shutil.copy(WALK / "freedonia-ai-plan.txt", project.root / "sources")


def test_a_fresh_scaffold_builds_and_validates(project_copy: Project, sovkg: Runner) -> None:
    done = sovkg("new-country", "XF", "--name", "Freedonia", cwd=project_copy.root)
    assert done.returncode == EXIT_OK, done.stderr
    text = (project_copy.kg / "countries" / "xf.ttl").read_text()
    assert ':XF a sov:State ;' in text and 'sov:isoCode "XF"' in text
    for example in ("sov:SovereignModel", "sov:SovereignComputeProject", "sov:Investment", "sov:SourceDocument"):
        assert "# :" in text and example in text, example
    assert sovkg("validate", cwd=project_copy.root).returncode == EXIT_OK
    assert sovkg("build", cwd=project_copy.root).returncode == EXIT_OK


def test_a_scaffold_for_a_known_state_does_not_redefine_it(project_copy: Project, sovkg: Runner) -> None:
    done = sovkg("new-country", "CH", "--name", "Switzerland", cwd=project_copy.root)
    assert done.returncode == EXIT_OK
    text = (project_copy.kg / "countries" / "ch.ttl").read_text()
    assert "The state :CH is described in kg/reference/states.ttl" in text
    assert sovkg("validate", cwd=project_copy.root).returncode == EXIT_OK


@pytest.mark.parametrize(("args", "message"), [
    (["KOR", "--name", "Korea"], "two letters of ISO 3166-1 alpha-2"),
    (["DK", "--name", "Denmark"], "exists already"),
])
def test_scaffold_refuses_bad_codes_and_existing_files(project_copy: Project, sovkg: Runner, args: list[str],
                                                       message: str) -> None:
    done = sovkg("new-country", *args, cwd=project_copy.root)
    assert done.returncode == EXIT_INPUT and message in done.stderr


def test_a_half_filled_scaffold_says_what_is_missing(project_copy: Project, sovkg: Runner) -> None:
    assert sovkg("new-country", "XF", "--name", "Freedonia", cwd=project_copy.root).returncode == EXIT_OK
    scaffold = project_copy.kg / "countries" / "xf.ttl"
    # The author uncomments the model example and fills in only its name.
    lines, out, inside = scaffold.read_text().splitlines(), [], False
    for line in lines:
        if line.startswith("# :FreedoniaModel a sov:SovereignModel"):
            inside = True
        if inside and not line.startswith("# "):
            inside = False
        out.append(line[2:] if inside else line)
    text = "\n".join(out).replace('"<model name>"@en', '"FreeLM"@en')
    text = text.replace("    sov:basedOn :Llama3 ;                                 # only if derived\n", "")
    scaffold.write_text(text)
    done = sovkg("validate", cwd=project_copy.root)
    assert done.returncode == EXIT_VIOLATIONS
    assert "kg/countries/xf.ttl:" in done.stdout
    assert "is still to be replaced with the source's facts" in done.stdout
    assert "trained on points at compute infrastructure" in done.stdout


def test_import_errors_name_file_row_and_column_and_write_nothing(project_copy: Project, sovkg: Runner,
                                                                  tmp_path: Path) -> None:
    sheet = tmp_path / "broken.csv"
    sheet.write_text("country,model,openness,budget,baseModels,source,quote\n"
                     "Freedonia,FreeLM,Opn,lots,Llama 9,src004,\n"
                     "DK,Fugaku-LLM,Open,$1 million,,src004,Pretrained from scratch\n")
    done = sovkg("import", str(sheet), cwd=project_copy.root)
    assert done.returncode == EXIT_INPUT
    for expected in ("broken.csv:2:country: no state or union named 'Freedonia'",
                     "broken.csv:2:openness: openness is Open, Intended to be open or Closed",
                     "broken.csv:2:budget: cannot read an amount of money in 'lots'",
                     "broken.csv:2:baseModels: no base model named 'Llama 9'",
                     "broken.csv:2:quote: every row cites its quote",
                     "broken.csv:3:model: :FugakuLLM is already described in kg/countries/jp.ttl:"):
        assert expected in done.stderr
    assert not (project_copy.kg / "imported").exists()


def test_an_ambiguous_name_is_reported_not_guessed(project_copy: Project, sovkg: Runner, tmp_path: Path) -> None:
    sheet = tmp_path / "actors.csv"
    sheet.write_text("name,kind,country,owner,source,quote\n"
                     "Fictional Cloud,company,US,Amazon Web Services (AWS),src004,Amazon Web Services (U.S.)\n")
    twin = project_copy.kg / "actors" / "twin.ttl"
    twin.write_text('@prefix : <https://w3id.org/sovkg/id/> . @prefix sov: <https://w3id.org/sovkg/ontology#> .\n'
                    '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                    ':AWSTwin a sov:Company ; rdfs:label "Amazon Web Services (AWS)"@en ; sov:headquarteredIn :US ;\n'
                    '  sov:hasEvidence [ sov:source :src004 ; sov:quote "Amazon Web Services (U.S.)" ] .\n')
    done = sovkg("import", str(sheet), cwd=project_copy.root)
    assert done.returncode == EXIT_INPUT
    assert "actors.csv:2:owner: 'Amazon Web Services (AWS)' could be any of :AWS, :AWSTwin" in done.stderr


def test_a_violation_after_import_is_traced_to_its_row(project_copy: Project, sovkg: Runner, tmp_path: Path) -> None:
    """Uses the walk-through's fixture source, so it runs in a clone without the real texts too."""
    assert sovkg("new-country", "XF", "--name", "Freedonia", cwd=project_copy.root).returncode == EXIT_OK
    _add_source(project_copy)
    sheet = tmp_path / "funding.csv"
    sheet.write_text("project,funder,share,source,quote\n"
                     "\n"
                     "Gefion supercomputer,Meta,10%,src-xf-plan,The Marx Foundation adds about €20 million to it\n"
                     "Gefion supercomputer,Nvidia,5%,src-xf-plan,words the source never wrote\n")
    done = sovkg("import", str(sheet), cwd=project_copy.root)
    assert done.returncode == EXIT_VIOLATIONS
    # Row 4 of the spreadsheet (the blank row 2 counts), not the third record.
    assert "funding.csv:4:quote: quote does not occur in freedonia-ai-plan.txt" in done.stderr
    assert not (project_copy.kg / "imported").exists()


def test_tsv_sheets_import_like_csv(project_copy: Project, sovkg: Runner, tmp_path: Path) -> None:
    sheet = tmp_path / "policies.tsv"
    sheet.write_text("name\tkind\tissuer\tappliesTo\tsource\tquote\n"
                     # The quote names both countries the row applies to (the support rule of
                     # validate checks that); written with CSV escaping of its double quotes.
                     "Test export rule\texport control\t\tCN; RU\tsrc003\t"
                     '"""targeted_countries"": [""China"", ""Russia"", ""Iran"", ""North Korea""]"\n')
    done = sovkg("import", str(sheet), cwd=project_copy.root)
    assert done.returncode == EXIT_OK, done.stderr
    [written] = (project_copy.kg / "imported").glob("policies-*.ttl")
    text = written.read_text()
    assert "sov:appliesTo :CN" in text and ":RU" in text and "# row 2" in text


def test_xlsx_sheets_import_like_csv(project_copy: Project, sovkg: Runner, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["name", "kind", "country", "owner", "source", "quote"])
    book.active.append(["Fictional Chips", "company", "Denmark", "", "src004", "Denmark's government"])
    book.save(tmp_path / "actors.xlsx")
    done = sovkg("import", str(tmp_path / "actors.xlsx"), cwd=project_copy.root)
    assert done.returncode == EXIT_OK, done.stderr
    [written] = (project_copy.kg / "imported").glob("actors-*.ttl")
    text = written.read_text()
    assert ":FictionalChips a sov:Company" in text and "sov:headquarteredIn :DK" in text


def _with_citation(table_csv: str) -> str:
    """An exported table with the source and quote columns every imported row needs: the source
    is the Lawfare analysis, and the quote the whole row as the table prints it (its cells are the
    source's own words, the country as the table names it), so that it supports every cell."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(table_csv)))
    out = io.StringIO()
    writer = csv.DictWriter(out, [*rows[0].keys(), "source", "quote"], lineterminator="\n")
    writer.writeheader()
    as_in_table = {"United Arab Emirates": "UAE", "European Union": "EU"}
    for row in rows:
        cells = [as_in_table.get(row["country"], row["country"]), *list(row.values())[1:]]
        writer.writerow({**row, "source": "src004", "quote": " ".join(cells)})
    return out.getvalue()


CARRIED = """
PREFIX sov: <https://w3id.org/sovkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country ?property ?value WHERE {
  { ?entry a sov:SovereignModel ; sov:modelTypeText ?any } UNION
  { ?entry a sov:SovereignComputeProject ; sov:natureText ?any }
  ?entry sov:isSovereignEffortOf/rdfs:label ?name .
  BIND(STR(?name) AS ?country)
  { ?entry ?property ?value .
    VALUES ?property { sov:modelTypeText sov:trainingDataText sov:infrastructureText sov:openness
                       sov:natureText sov:partnersText } }
  UNION { ?entry sov:hasInvestment/sov:amountText ?value . BIND(sov:amountText AS ?property) }
  UNION { ?entry sov:hasStatus/sov:statusText ?value . BIND(sov:statusText AS ?property) }
  UNION { ?entry sov:hasStatus/sov:status ?value . BIND(sov:status AS ?property) }
}"""


def test_tables_exported_to_csv_import_back_to_the_same_facts(built: Project, tmp_path: Path,
                                                             sovkg: Runner) -> None:
    """Round trip of Tables 1 and 2 through CSV into a project without the country files.

    The tables carry, per row: the country, the words of every cell (model type, training data,
    infrastructure, nature, partners, status, the amount as stated), the openness and the status
    they imply. They cannot carry: the identifiers and labels of the entities (the name cell is the
    source's wording), links to base models, machines, chips, vendors, partners and languages,
    chip counts, the amounts' structured flags beyond what the words say, the evidence of each
    cell (one quote per row comes back), and everything outside the two tables.
    """
    exports = {}
    for name in ("table2-infrastructure", "table1-models"):
        done = sovkg("query", name, "--format", "csv", cwd=built.root)
        assert done.returncode == EXIT_OK, done.stderr
        exports[name] = done.stdout
        (tmp_path / f"{name}.csv").write_text(_with_citation(done.stdout))
    empty = Project(tmp_path / "empty", tmp_path / "empty" / "dist")
    shutil.copytree(built.root, empty.root, ignore=shutil.ignore_patterns("dist", "countries", "market"))
    for name in ("table2-infrastructure", "table1-models"):
        done = sovkg("import", str(tmp_path / f"{name}.csv"), cwd=empty.root)
        assert done.returncode == EXIT_OK, done.stderr
    assert sovkg("build", cwd=empty.root).returncode == EXIT_OK

    for name, exported in exports.items():
        again = sovkg("query", name, "--format", "csv", cwd=empty.root)
        assert again.stdout == exported, f"{name} does not come back the same"
    from sovkg.queries.engines import EmbeddedEngine

    def carried(project: Project) -> set[tuple[str, str, str]]:
        rows = EmbeddedEngine(project.store).select(CARRIED).rows
        return {(c.value, p.value, v.value) for c, p, v in rows}

    original, reimported = carried(built), carried(empty)
    assert len(original) >= 14 * 4, "seven rows per table, each with at least four carried cells"
    assert reimported == original
