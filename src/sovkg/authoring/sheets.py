"""Reading a spreadsheet (CSV, TSV, XLSX) into rows numbered as the spreadsheet numbers them.

Blank rows are skipped but keep their numbers, so that ROW in FILE:ROW:COLUMN (and in the
provenance locator) is the row a person sees in a spreadsheet program. What cannot be read gives a
message, never a traceback: text that is not UTF-8, a cell over 128 KB, duplicate or missing
headers, a formula whose value was never saved, and an .xlsx that is not a zip archive, declares
XML entities (XXE, "billion laughs") or would expand beyond a fixed size (a zip bomb), which is
checked in the zip directory before any part is decompressed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sovkg.authoring.errors import ImportFailed, RowProblem
from sovkg.errors import InputError

MAX_CELL = 128 * 1024             # bytes of text in one cell
MAX_XLSX_EXPANDED = 64 * 1024 ** 2  # bytes of all the parts of a workbook, decompressed
MAX_XLSX_RATIO = 200              # decompressed / compressed size of one part
MAX_XLSX_PARTS = 10_000
# A cell written by `sovkg query --format csv` with its leading formula character neutralised.
NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


@dataclass
class Sheet:
    """The header and the non-blank rows of one sheet, each with its spreadsheet row number."""

    name: str
    header: list[str]
    header_row: int
    rows: list[tuple[int, dict[str, str]]]


def read_sheet(path: Path) -> Sheet:
    """Read a .csv, .tsv or .xlsx file.

    Raises:
        InputError: the file cannot be read as a sheet; the message names the file (and row).
        ImportFailed: the header is unusable (FILE:ROW:COLUMN for each problem).
    """
    name = path.name
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        records = _csv_records(path, "\t" if suffix == ".tsv" else ",")
    elif suffix == ".xlsx":
        records = _xlsx_records(path)
    else:
        raise InputError(f"{path}: import reads .csv, .tsv and .xlsx files")
    return _with_header(name, records)


def _with_header(name: str, records: list[tuple[int, list[str]]]) -> Sheet:
    filled = [(number, [cell.strip() for cell in cells]) for number, cells in records]
    filled = [(number, cells) for number, cells in filled if any(cells)]
    if not filled:
        raise InputError(f"{name}: the sheet is empty: its first row names the columns")
    header_row, header = filled[0]
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for position, column in enumerate(header, start=1):
        if not column:
            continue
        key = column.lower()
        if key in seen:
            problems.append(RowProblem(name, header_row, column, f"the column {column!r} appears twice (columns "
                                       f"{seen[key]} and {position}): keep one, so that no cell is lost"))
        seen.setdefault(key, position)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in filled[1:]:
        for position, cell in enumerate(cells, start=1):
            if cell and (position > len(header) or not header[position - 1]):
                problems.append(RowProblem(name, number, f"column {position}",
                                           "a cell under no header: name its column in the first row"))
        rows.append((number, {column: cell for column, cell in zip(header, cells, strict=False) if column}))
    if problems:
        raise ImportFailed(problems)
    return Sheet(name, [c for c in header if c], header_row, rows)


# ---------------------------------------------------------------- CSV and TSV

def _csv_records(path: Path, delimiter: str) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{path.name}:{line}: the file is not UTF-8 text (byte 0x{data[error.start]:02X}): save "
                         "it as \"CSV UTF-8\" (in LibreOffice: character set Unicode (UTF-8))") from error
    records: list[tuple[int, list[str]]] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A record is a spreadsheet row, even one whose quoted cell spans several lines of text;
        # csv.reader gives an empty record for a blank line, so the count stays the row number.
        for number, cells in enumerate(reader, start=1):
            records.append((number, [_undo_neutralised(cell) for cell in cells]))
    except csv.Error as error:
        row = len(records) + 1
        if "field larger than field limit" in str(error):
            raise InputError(f"{path.name}:{row}: a cell is longer than {MAX_CELL // 1024} KB: a cell holds a "
                             "name, a number or a quote, not a document") from error
        raise InputError(f"{path.name}:{row}: cannot read the row: {error}") from error
    finally:
        csv.field_size_limit(limit)
    return records


def _undo_neutralised(cell: str) -> str:
    return cell[1:] if cell.startswith(NEUTRALISED) else cell


# ---------------------------------------------------------------- XLSX

def _check_archive(path: Path) -> None:
    """Refuse a workbook that is not a zip, would expand too far, or declares XML entities."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(f"{path.name}: not an .xlsx workbook (an .xlsx file is a zip archive): save the sheet "
                         "as .xlsx or .csv") from error
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_XLSX_PARTS:
            raise InputError(f"{path.name}: refused: the workbook has {len(parts)} parts (at most {MAX_XLSX_PARTS})")
        expanded = sum(part.file_size for part in parts)
        if expanded > MAX_XLSX_EXPANDED:
            raise InputError(f"{path.name}: refused: the workbook would expand to {expanded / 1024 ** 2:,.0f} MB "
                             f"(at most {MAX_XLSX_EXPANDED // 1024 ** 2} MB): split it or save it as .csv")
        for part in parts:
            if part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1) and part.file_size > 1024 ** 2:
                ratio = part.file_size // max(part.compress_size, 1)
                raise InputError(f"{path.name}: refused: {part.filename} expands {ratio} times, as a zip bomb does")
        for part in parts:
            if part.filename.endswith((".xml", ".rels", ".vml")):
                try:
                    content = archive.read(part)
                except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as error:
                    raise InputError(f"{path.name}: refused: {part.filename} cannot be read ({error})") from error
                if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
                    raise InputError(f"{path.name}: refused: {part.filename} declares XML entities (a DOCTYPE), "
                                     "which spreadsheet programs never write and XXE and billion-laughs attacks do")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_records(path: Path) -> list[tuple[int, list[str]]]:
    _check_archive(path)
    try:
        import openpyxl
    except ImportError as error:
        raise InputError("reading .xlsx needs openpyxl: pip install 'sovkg[xlsx]'") from error
    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds (KeyError, XML errors) for a broken workbook
        raise InputError(f"{path.name}: cannot read the workbook: {type(error).__name__}: {error}") from error
    try:
        sheet, formula_sheet = values.active, formulas.active
        records: list[tuple[int, list[str]]] = []
        problems: list[RowProblem] = []
        for cells, formula_cells in zip(sheet.iter_rows(), formula_sheet.iter_rows(), strict=False):
            number = next((c.row for c in cells if getattr(c, "row", None)), None)
            if number is None:
                continue  # an empty row: its number is kept by the rows around it
            texts = []
            for cell, formula in zip(cells, formula_cells, strict=False):
                raw = getattr(formula, "value", None)
                if cell.value is None and isinstance(raw, str) and raw.startswith("="):
                    problems.append(RowProblem(path.name, number, getattr(cell, "column_letter", "?"),
                                               f"a formula ({raw[:40]}) whose value was never saved: open the "
                                               "workbook in a spreadsheet program and save it, or paste values"))
                texts.append(_cell_text(cell.value))
            for text in texts:
                if len(text.encode("utf-8")) > MAX_CELL:
                    raise InputError(f"{path.name}:{number}: a cell is longer than {MAX_CELL // 1024} KB: a cell "
                                     "holds a name, a number or a quote, not a document")
            records.append((number, texts))
    except InputError:
        raise
    except Exception as error:  # malformed sheet XML surfaces while iterating
        raise InputError(f"{path.name}: cannot read the workbook: {type(error).__name__}: {error}") from error
    finally:
        values.close()
        formulas.close()
    if problems:
        raise ImportFailed(problems)
    return records
