"""Reading recipe tables from CSV and Excel files, checked at the boundary.

Files are read as text (every cell a string) so the rules in :mod:`cathodeml.data.rules` see what
the scientist typed; the file itself is only ever opened for reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from cathodeml.data.rules import FIRST_ROW, CheckResult, check_frame
from cathodeml.errors import Problem, RecipeValidationError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _read_raw(path: Path, nrows: int | None = None) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return pd.read_excel(path, dtype=str, keep_default_na=False, nrows=nrows)
    return pd.read_csv(path, dtype=str, keep_default_na=False, nrows=nrows, encoding="utf-8-sig")


def check_file(path: str | Path, *, dataset: bool = False) -> CheckResult:
    """Read a CSV/XLSX file and check it; never raises for bad content (see ``.problems``)."""
    path = Path(path)
    try:
        raw = _read_raw(path)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        return CheckResult(pd.DataFrame(), [Problem(None, None, None, f"cannot be read as a table: {exc}")])
    return check_frame(raw, dataset=dataset)


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
    100,000-row chunking is reported at its spreadsheet row, not its chunk row.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        raw = _read_raw(path)
        result = check_frame(raw)
        if result.problems:
            raise RecipeValidationError(path, result.problems, result.ignored_columns)
        yield raw, result.frame
        return
    offset = FIRST_ROW
    reader = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=chunksize, encoding="utf-8-sig")
    for chunk in reader:
        result = check_frame(chunk, first_row=offset)
        if result.problems:
            raise RecipeValidationError(path, result.problems, result.ignored_columns)
        offset += len(chunk)
        yield chunk.reset_index(drop=True), result.frame


def iter_recipe_chunks(path: str | Path, chunksize: int = 100_000) -> Iterator[pd.DataFrame]:
    """Typed chunks of a large CSV (see :func:`iter_checked_chunks`)."""
    for _, typed in iter_checked_chunks(path, chunksize):
        yield typed
