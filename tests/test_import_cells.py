"""Every accepted cell form, and the refused ones, through the real `sovkg import`.

Each table below is one sheet, imported once; each row of it is one cell form, checked in the
Turtle the import wrote (or in the FILE:ROW:COLUMN message it printed). The README's table of
accepted cell forms lists the same forms.
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from sovkg.errors import EXIT_INPUT, EXIT_OK, EXIT_VIOLATIONS
from sovkg.project import Project

from .conftest import FIXTURES, Runner, copy_project, run_sovkg

SOV = "https://w3id.org/sovkg/ontology#"
ID = "https://w3id.org/sovkg/id/"
# Each row cites a text made for these tests, in which a line states what the row states (its cells,
# with codes written as the names a source uses), so that the quote check and the support rules pass.
CELLS_SOURCE = """
:src-xf-cells a sov:SourceDocument ;
    rdfs:label "Freedonia cell forms"@en ;
    dcterms:title "Freedonia cell forms" ;
    sov:fileName "freedonia-cell-forms.txt" .
"""
NAMES = {"XF": "Freedonia", "CN": "China", "RU": "Russia"}

# cell -> (amount, amountMax, currency, set of flags)
AMOUNTS = {
    "~$100 million": ("100000000", None, "USD", {"isApproximate"}),
    "€80 million": ("80000000", None, "EUR", set()),
    "80 million euros": ("80000000", None, "EUR", set()),
    "CA$2 billion": ("2000000000", None, "CAD", set()),
    "$1.5bn": ("1500000000", None, "USD", set()),
    "$300M": ("300000000", None, "USD", set()),
    "USD 300m": ("300000000", None, "USD", set()),
    "1.5 billion USD": ("1500000000", None, "USD", set()),
    "£5 thousand": ("5000", None, "GBP", set()),
    "$500k": ("500000", None, "USD", set()),
    "JPY 2 trillion": ("2000000000000", None, "JPY", set()),
    "₹10,372 crore": ("103720000000", None, "INR", set()),
    "$250-300 million (author's estimate)": ("250000000", "300000000", "USD", {"isEstimate"}),
    "between €2 and €3 billion": ("2000000000", "3000000000", "EUR", set()),
    "$2-2.5bn": ("2000000000", "2500000000", "USD", set()),
    "Up to ~$1 billion": ("1000000000", None, "USD", {"isUpperBound", "isApproximate"}),
    "more than £5m": ("5000000", None, "GBP", {"isLowerBound"}),
    "about CHF 40 million": ("40000000", None, "CHF", {"isApproximate"}),
    "Up to ~$1 billion with up to an additional ~US$1 billion from member states":
        ("2000000000", None, "USD", {"isUpperBound", "isApproximate"}),
    "Undisclosed": (None, None, None, set()),
    "Mostly undisclosed except for ~$560,000 from the government": ("560000", None, "USD",
                                                                     {"isApproximate", "isPartialFigure"}),
}
REFUSED_AMOUNTS = {
    "lots": "cannot read an amount of money in 'lots'",
    "80 million": "'80 million' names no currency",
    "$12 mln": "cannot read 'mln' as a magnitude",
    "$300Mio": "cannot read 'Mio' after the number",
    "$1,5 billion": "a decimal comma",
    "¥100 billion": "both the Japanese yen and the Chinese yuan",
    "$100 million and $50 million": "2 amounts in one cell",
    "$5 million-€6 million": "a range in two currencies",
    "-$5 million": "a negative amount",
}
# cell -> (status, date, date type)
STATUSES = {
    "Operational as of October 2024": ("Operational", "2024-10", "gYearMonth"),
    "operational since 12 May 2025": ("Operational", "2025-05-12", "date"),
    "In service since May 3, 2025": ("Operational", "2025-05-03", "date"),
    "Announced 2025-02-01": ("Announced", "2025-02-01", "date"),
    "Announced in 2025-02": ("Announced", "2025-02", "gYearMonth"),
    "Expected completion in 2026": ("UnderConstruction", "2026", "gYear"),
    "Invitation for empanelment underway": ("Procurement", None, None),
    "Calls for expression of interest underway": ("CallForInterest", None, None),
    "Government consultation underway": ("UnderConsultation", None, None),
    "not yet released": ("NotYetReleased", None, None),
    "beta launched": ("BetaReleased", None, None),
    "Planned for 2027": ("Planned", "2027", "gYear"),
    "Proposed": ("Proposed", None, None),
    "Cancelled in March 2025": ("Cancelled", "2025-03", "gYearMonth"),
    "To be determined": ("ToBeDetermined", None, None),
}
REFUSED_STATUSES = {
    "Executive order signed": "cannot tell the status from 'Executive order signed'",
    "Not operational yet": "negates a status (not)",
    "Yet to be operational": "negates a status (yet to)",
    "Procurement cancelled": "names more than one status (Cancelled, Procurement)",
    "Operational 2023, upgraded 2025": "gives 2 dates",
    "Operational as of 31 February 2025": "is not a date on the calendar",
}
COUNTS = {"512": (512, False), "1,528": (1528, False), "~1,024": (1024, True), "about 3,000": (3000, True)}
SHARES = {"15%": "0.15", "40 percent": "0.4", "12.5 per cent": "0.125", "0.6": "0.6", "1": "1.0"}
BOOLEANS = {"yes": True, "Y": True, "true": True, "1": True, "x": True, "no": False, "N": False, "false": False,
            "0": False, "": False}
REFUSED_OTHERS = {
    ("funding", "share", "15"): "'15' is more than 1: write 15%",
    ("funding", "share", "150%"): "a share lies between 0% and 100%",
    ("actors", "partOfGovernment", "maybe"): "a yes/no cell is one of yes, no",
    ("compute", "chipCount", "lots"): "expected a whole number such as 1528",
    ("compute", "kind", "mainframe"): "kind is one of cloud, cloud platform, cluster",
}


@pytest.fixture(scope="module")
def freedonia(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A project with Freedonia, its source and the walk-through's actors and compute imported."""
    project = copy_project(tmp_path_factory.mktemp("cells") / "project")
    assert run_sovkg("new-country", "XF", "--name", "Freedonia", cwd=project.root).returncode == EXIT_OK
    scaffold = project.kg / "countries" / "xf.ttl"
    scaffold.write_text(scaffold.read_text() + "\n" + (FIXTURES / "walkthrough" / "source.ttl").read_text()
                        + CELLS_SOURCE)
    (project.root / "sources").mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "walkthrough" / "freedonia-ai-plan.txt", project.root / "sources")
    (project.root / "sources" / "freedonia-cell-forms.txt").write_text("Freedonia cell forms\n", encoding="utf-8")
    for sheet in ("actors.csv", "compute.csv"):
        done = run_sovkg("import", str(FIXTURES / "walkthrough" / sheet), cwd=project.root)
        assert done.returncode == EXIT_OK, done.stderr
    return project


def write_sheet(project: Project, path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A sheet whose rows each quote a line of the cell-forms text that states the row's cells."""
    quotes = [f"{path.stem}: " + ", ".join(" ".join(NAMES.get(c.strip(), c) for c in cell.split(";"))
                                           for cell in row if cell) for row in rows]
    with (project.root / "sources" / "freedonia-cell-forms.txt").open("a", encoding="utf-8") as text:
        text.writelines(quote + ".\n" for quote in quotes)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, "source", "quote"])
        writer.writerows([*row, "src-xf-cells", quote] for row, quote in zip(rows, quotes, strict=True))
    return path


def imported(project: Project, stem: str) -> ox.Store:
    store = ox.Store()
    for path in (project.kg / "imported").glob(f"{stem}-*.ttl"):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def value(store: ox.Store, subject: str, prop: str) -> ox.Literal | ox.NamedNode | None:
    found = list(store.quads_for_pattern(ox.NamedNode(ID + subject), ox.NamedNode(SOV + prop), None))
    return found[0].object if found else None  # type: ignore[return-value]


def test_every_accepted_amount_form_is_read_exactly(freedonia: Project, sovkg: Runner, tmp_path: Path) -> None:
    sheet = write_sheet(freedonia, tmp_path / "budgets.csv", ["country", "model", "budget"],
                        [["XF", f"Budget Form {i}", text] for i, text in enumerate(AMOUNTS)])
    done = sovkg("import", str(sheet), cwd=freedonia.root)
    assert done.returncode == EXIT_OK, done.stderr
    store = imported(freedonia, "budgets")
    for i, (text, (amount, maximum, currency, flags)) in enumerate(AMOUNTS.items()):
        budget = f"BudgetForm{i}-budget"
        assert value(store, budget, "amountText").value == text  # the original words are kept
        got = value(store, budget, "amount")
        assert (Decimal(got.value) if got else None) == (Decimal(amount) if amount else None), text
        got_max = value(store, budget, "amountMax")
        assert (Decimal(got_max.value) if got_max else None) == (Decimal(maximum) if maximum else None), text
        got_currency = value(store, budget, "currency")
        assert (got_currency.value if got_currency else None) == currency, text
        set_flags = {f for f in ("isApproximate", "isEstimate", "isUpperBound", "isLowerBound", "isPartialFigure")
                     if value(store, budget, f) is not None}
        assert set_flags == flags, text
        if amount is None or "undisclosed" in text.lower():
            assert value(store, budget, "disclosure") == ox.NamedNode(SOV + "Undisclosed"), text


def test_amounts_that_cannot_be_read_exactly_are_refused_never_guessed(freedonia: Project, sovkg: Runner,
                                                                      tmp_path: Path) -> None:
    """Regression: $1.5bn became $1.50, $300M became $300, CA$2 billion was stored as USD and
    €80 million was refused. Now every form is read exactly or refused with its row and column."""
    sheet = write_sheet(freedonia, tmp_path / "bad-budgets.csv", ["country", "model", "budget"],
                        [["XF", f"Bad Form {i}", text] for i, text in enumerate(REFUSED_AMOUNTS)])
    done = sovkg("import", str(sheet), cwd=freedonia.root)
    assert done.returncode == EXIT_INPUT
    for row, (text, message) in enumerate(REFUSED_AMOUNTS.items(), start=2):
        line = next((ln for ln in done.stderr.splitlines() if ln.startswith(f"bad-budgets.csv:{row}:budget: ")), "")
        assert message in line, (text, done.stderr)
    assert "accepted forms: ~$100 million, €80 million, 80 million euros" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list((freedonia.kg / "imported").glob("bad-budgets-*.ttl"))


def test_statuses_and_dates_are_read_from_the_ontologys_words(freedonia: Project, sovkg: Runner,
                                                             tmp_path: Path) -> None:
    sheet = write_sheet(freedonia, tmp_path / "statuses.csv", ["country", "name", "nature", "status"],
                        [["XF", f"Status Form {i}", "test", text] for i, text in enumerate(STATUSES)])
    done = sovkg("import", str(sheet), cwd=freedonia.root)
    assert done.returncode == EXIT_OK, done.stderr
    store = imported(freedonia, "statuses")
    for i, (text, (concept, when, kind)) in enumerate(STATUSES.items()):
        node = f"StatusForm{i}-status"
        assert value(store, node, "status") == ox.NamedNode(SOV + concept), text
        assert value(store, node, "statusText").value == text
        date = value(store, node, "date")
        got = (date.value, date.datatype.value.rsplit("#")[1]) if date else (None, None)
        assert got == (when, kind), text


def test_status_words_are_whole_words_and_negations_are_refused(freedonia: Project, sovkg: Runner,
                                                               tmp_path: Path) -> None:
    """Regression: statuses were matched as substrings: "Executive order signed" became Cancelled
    (exe-CUT-ive), "Not operational yet" Operational, "Procurement cancelled" Procurement."""
    sheet = write_sheet(freedonia, tmp_path / "bad-statuses.csv", ["country", "name", "nature", "status"],
                        [["XF", f"Bad Status {i}", "test", text] for i, text in enumerate(REFUSED_STATUSES)])
    done = sovkg("import", str(sheet), cwd=freedonia.root)
    assert done.returncode == EXIT_INPUT
    for row, (text, message) in enumerate(REFUSED_STATUSES.items(), start=2):
        assert f"bad-statuses.csv:{row}:status: " in done.stderr and message in done.stderr, text
    # The accepted values are listed, labels and alternative labels of the ontology.
    assert "Operational: in operation, in service, operational" in done.stderr


def test_counts_shares_booleans_and_lists(freedonia: Project, sovkg: Runner, tmp_path: Path) -> None:
    counts = write_sheet(freedonia, tmp_path / "counts.csv", ["country", "name", "chips", "chipCount"],
                         [["XF", f"Count Form {i}", "Nvidia H100", text] for i, text in enumerate(COUNTS)])
    assert sovkg("import", str(counts), cwd=freedonia.root).returncode == EXIT_OK
    store = imported(freedonia, "counts")
    for i, (text, (number, approximate)) in enumerate(COUNTS.items()):
        assert value(store, f"CountForm{i}-chips", "quantity").value == str(number), text
        assert (value(store, f"CountForm{i}-chips", "isApproximate") is not None) == approximate, text

    actors = write_sheet(freedonia, tmp_path / "flags.csv", ["name", "kind", "country", "partOfGovernment"],
                         [[f"Flag Form {i}", "company", "XF", text] for i, text in enumerate(BOOLEANS)])
    done = sovkg("import", str(actors), cwd=freedonia.root)
    assert done.returncode == EXIT_OK, done.stderr
    store = imported(freedonia, "flags")
    for i, (text, expected) in enumerate(BOOLEANS.items()):
        assert (value(store, f"FlagForm{i}", "isPartOfGovernmentOf") is not None) == expected, text

    projects = ["Freedonia National Supercomputer", "Strelsau AI Cluster", "Freedonia Sovereign Cloud",
                "Fredville Data Centre", "Marxville Compute Hub"]
    shares = write_sheet(freedonia, tmp_path / "shares.csv", ["project", "funder", "share"],
                         [[p, "Marx Foundation", text] for p, text in zip(projects, SHARES, strict=True)])
    done = sovkg("import", str(shares), cwd=freedonia.root)
    assert done.returncode == EXIT_OK, done.stderr
    store = imported(freedonia, "shares")
    fractions = sorted(Decimal(q.object.value) for q in store.quads_for_pattern(
        None, ox.NamedNode(SOV + "shareFraction"), None))
    assert fractions == sorted(Decimal(v) for v in SHARES.values())

    policies = write_sheet(freedonia, tmp_path / "lists.csv", ["name", "kind", "issuer", "appliesTo"],
                           [["List Form", "regulation", "XF", "CN; RU;XF"]])
    assert sovkg("import", str(policies), cwd=freedonia.root).returncode == EXIT_OK
    store = imported(freedonia, "lists")
    targets = {q.object.value[len(ID):] for q in store.quads_for_pattern(ox.NamedNode(ID + "ListForm"),
                                                                          ox.NamedNode(SOV + "appliesTo"), None)}
    assert targets == {"CN", "RU", "XF"}


@pytest.mark.parametrize(("where", "message"), list(REFUSED_OTHERS.items()), ids=lambda v: str(v)[:30])
def test_other_cells_that_cannot_be_read_are_refused(freedonia: Project, sovkg: Runner, tmp_path: Path,
                                                     where: tuple[str, str, str], message: str) -> None:
    kind, column, text = where
    header, row = {
        "funding": (["project", "funder", "share"], ["Strelsau AI Cluster", "Marx Foundation", text]),
        "actors": (["name", "kind", "country", "partOfGovernment"], ["Refused Actor", "company", "XF", text]),
        "compute": (["country", "name", "chips", "chipCount", "kind"],
                    ["XF", "Refused Machine", "Nvidia H100", text if column == "chipCount" else "1",
                     text if column == "kind" else ""]),
    }[kind]
    sheet = write_sheet(freedonia, tmp_path / f"{kind}.csv", header, [row])
    done = sovkg("import", str(sheet), cwd=freedonia.root)
    assert done.returncode == EXIT_INPUT
    assert f"{kind}.csv:2:{column}: " in done.stderr and message in done.stderr, done.stderr


def test_an_added_up_amount_is_a_derived_figure_only_when_its_quote_states_the_parts(
        freedonia: Project, sovkg: Runner, tmp_path: Path) -> None:
    """Regression: the support rules refused an imported total ("Up to ~$1 billion with up to an
    additional ~US$1 billion" is $2 billion) that no quote states. The importer now marks such a
    total as a derived figure with a note, as a curator does by hand, when the quote states each
    part; a quote that does not is still reported."""
    cell = "Up to ~$1 billion with up to an additional ~US$1 billion from member states"
    sheet = write_sheet(freedonia, tmp_path / "sums.csv", ["country", "model", "budget"], [["XF", "Sum Form", cell]])
    done = sovkg("import", str(sheet), cwd=freedonia.root)
    assert done.returncode == EXIT_OK, done.stderr
    store = imported(freedonia, "sums")
    derived = [q.object for q in store.quads_for_pattern(ox.NamedNode(ID + "SumForm-budget"),
                                                         ox.NamedNode(SOV + "hasEvidence"), None)
               if list(store.quads_for_pattern(q.object, ox.NamedNode(SOV + "provenanceKind"),
                                               ox.NamedNode(SOV + "DerivedFigure")))]
    assert len(derived) == 1
    note = next(store.quads_for_pattern(derived[0], ox.NamedNode(SOV + "note"), None)).object.value
    assert note == "computed on import: the sum of $1 billion and US$1 billion, which the cell adds up"

    unstated = tmp_path / "unstated-sums.csv"
    unstated.write_text("country,model,budget,source,quote\n"
                        f'XF,Unstated Sum,"{cell}",src-xf-cells,Freedonia cell forms\n', encoding="utf-8")
    done = sovkg("import", str(unstated), cwd=freedonia.root)
    assert done.returncode == EXIT_VIOLATIONS, done.stderr
    assert "no quote covering sov:amount renders 2000000000" in done.stderr
