"""Reading recipe tables from CSV and Excel files, checked at the boundary.

Files are read as text (every cell a string, as the file shows it) so the rules in
:mod:`cathodeml.data.rules` see what the scientist typed; the file itself is only ever opened for
reading. A file is read exactly or refused: what cannot be read as written (a NUL byte, an Excel
error value, a formula without a saved value, a cell beyond the header, a title row above the
header, a file that is not a table at all) is a :class:`~cathodeml.errors.Problem` naming the row
and column, and every problem of the file is reported at once. Row numbers are the file's own.

How each kind of file is read: :mod:`cathodeml.data.textfile` (CSV and other delimited text),
:mod:`cathodeml.data.excel` (.xlsx, .xlsm, .xls), :mod:`cathodeml.data.table` (the header and
row rules both share). The only exceptions raised are :class:`RecipeValidationError` (bad
content, including unreadable files) and ``FileNotFoundError`` (no such file).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd

from cathodeml.data.excel import read_workbook
from cathodeml.data.rules import CheckResult, check_frame
from cathodeml.data.table import RawTable, Unreadable, refuse
from cathodeml.data.textfile import inspect, read_chunks
from cathodeml.errors import RecipeValidationError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
#: Spreadsheet formats that are refused with advice rather than misread as text.
_UNSUPPORTED = {".xlsb": "binary Excel (.xlsb)", ".ods": "OpenDocument (.ods)", ".numbers": "Apple Numbers"}


def _existing(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    return path


def _check(table: RawTable, dataset: bool) -> CheckResult:
    """Rules on one raw table; reader problems first, a rule is not repeated on a blocked cell."""
    result = check_frame(table.frame, dataset=dataset, rows=table.rows)
    problems = table.problems + [p for p in result.problems if (p.row, p.column) not in table.blocked]
    if table.exact_row is not None and problems:
        problems = [replace(p, row=table.exact_row(p.row)) if p.row is not None else p for p in problems]
    problems.sort(key=lambda p: (p.row if p.row is not None else 0))
    return CheckResult(result.frame, problems, result.ignored_columns)


def _tables(path: Path, chunksize: int | None) -> Iterator[RawTable]:
    """Raw tables of the file (one for a workbook or ``chunksize=None``, else chunks of text);
    :class:`Unreadable` if it is not a table."""
    if path.is_dir():
        raise refuse("is a folder, not a file")
    try:
        path.open("rb").close()
    except OSError as exc:
        raise refuse(f"cannot be opened: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix in _UNSUPPORTED:
        raise refuse(f"is a {_UNSUPPORTED[suffix]} file, which cathodeml does not read; save it as .xlsx or CSV UTF-8")
    if suffix in EXCEL_SUFFIXES:
        yield read_workbook(path)
        return
    yield from read_chunks(inspect(path), chunksize)


def check_file(path: str | Path, *, dataset: bool = False) -> CheckResult:
    """Read a CSV/XLSX file and check it; never raises for bad content (see ``.problems``)."""
    path = _existing(path)
    try:
        (table,) = _tables(path, chunksize=None)
    except Unreadable as exc:
        return CheckResult(pd.DataFrame(), exc.problems)
    return _check(table, dataset)


def read_recipes(path: str | Path, *, dataset: bool = False) -> pd.DataFrame:
    """Read a recipe table into a typed canonical frame, or raise with every problem.

    Unknown columns are kept (after the canonical ones) and ignored by cathodeml; the typed frame
    has every canonical column, NaN where the file leaves it empty or does not have it.
    """
    result = check_file(path, dataset=dataset)
    if result.problems:
        raise RecipeValidationError(path, result.problems, result.ignored_columns)
    return result.frame


def iter_checked_chunks(path: str | Path, chunksize: int = 100_000) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """(raw text chunk, typed chunk) pairs of a large CSV; raise at the first bad chunk.

    Row numbers in errors are those of the whole file, so a problem in the second chunk of a
    100,000-row chunking is reported at its spreadsheet row, not its chunk row. Rows whose cells
    are all empty are skipped (in both frames of the pair).
    """
    path = _existing(path)
    try:
        for table in _tables(path, chunksize):
            result = _check(table, False)
            if result.problems:
                raise RecipeValidationError(path, result.problems, result.ignored_columns)
            yield table.frame, result.frame
    except Unreadable as exc:
        raise RecipeValidationError(path, exc.problems) from None


def iter_recipe_chunks(path: str | Path, chunksize: int = 100_000) -> Iterator[pd.DataFrame]:
    """Typed chunks of a large CSV (see :func:`iter_checked_chunks`)."""
    for _, typed in iter_checked_chunks(path, chunksize):
        yield typed
