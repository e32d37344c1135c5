"""The errors of reading a sheet: a cell that cannot be read, a row problem located in its file."""

from __future__ import annotations

from dataclasses import dataclass

from sovkg.errors import InputError


class CellError(ValueError):
    """A cell that cannot be read as its column requires; the message says what is accepted."""


@dataclass(frozen=True)
class RowProblem:
    """A problem located as FILE:ROW:COLUMN (ROW is the spreadsheet's own row number)."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class ImportFailed(InputError):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.lines = (f"{len(problems)} problem(s); nothing was imported:", *map(str, problems))
        super().__init__("\n".join(self.lines))
        self.problems = problems
