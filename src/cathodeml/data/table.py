"""The reader-neutral part of reading a table: header row, nameless columns, stray cells, blank rows.

The CSV and Excel readers turn a file into *records* (lists of cell texts, exactly as shown) and
the file's own row number of each; this module turns records into the raw frame that
:func:`~cathodeml.data.rules.check_frame` checks, so the two readers apply the same rules:

* the header is the first non-blank row; when it holds no canonical name (nor a near miss) but a
  later row within the first :data:`~cathodeml.data.headers.HEADER_SEARCH_ROWS` does, the file is
  refused with "the header seems to be on row N" (a title row above the table);
* a column without a header name is dropped when it is empty, refused when it holds values;
  so is a cell beyond the header's last column (a trailing delimiter adds only empty cells);
* a row whose cells are all empty is skipped — its row number still counts, so every message
  names the file's own row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cathodeml.data.headers import find_header
from cathodeml.errors import Problem

#: Widest header read; a recipe table has ~45 columns, so more is a wrong file (and bounded work).
MAX_COLUMNS = 1_000


class Unreadable(Exception):
    """The file cannot be read as a table at all; ``problems`` says why (one file-level problem)."""

    def __init__(self, *problems: Problem):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in problems))


def refuse(message: str, row: int | None = None) -> Unreadable:
    """A file-level refusal: ``raise refuse("is empty")``."""
    return Unreadable(Problem(row, None, None, message))


@dataclass
class RawTable:
    """Cells as text under their header names, each row's number in the file, and cell problems.

    ``blocked`` holds the (row, column) of cells the reader could not read as written (an Excel
    error, a NUL byte): the rules do not report those cells a second time. ``exact_row``, when
    set, turns ``rows`` into the file's rows (a quoted cell spanning lines shifts them); it is only
    called for the rows of problems, because it may scan the file.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    blocked: set[tuple[int | None, str | None]] = field(default_factory=set)
    exact_row: Callable[[int], int] | None = None


@dataclass(frozen=True)
class Header:
    """The header's names (as written) and its row number in the file."""

    names: tuple[str, ...]
    row: int

    def column_label(self, j: int) -> str:
        """How a column is named in messages: its header, or its position when it has none."""
        return self.names[j] if j < len(self.names) and self.names[j] else f"{j + 1} (no header)"


def locate_header(records: Sequence[Sequence[str]], rows: Sequence[int]) -> tuple[int, Header]:
    """(index of the header record, Header); :class:`Unreadable` for no header or a title row."""
    filled = [i for i, rec in enumerate(records) if any(str(c).strip() for c in rec)]
    if not filled:
        raise refuse("has no header row: the file holds only blank rows")
    first = filled[0]
    found = find_header([records[i] for i in filled])
    if found is not None and filled[found] != first:
        i = filled[found]
        title = next(str(c) for c in records[first] if str(c).strip())
        raise refuse(
            f"the header seems to be on row {rows[i]}, not row {rows[first]} (which holds {title[:60]!r}); "
            "delete the rows above the header",
        )
    names = tuple(str(c).strip("\ufeff") for c in records[first])
    if len(names) > MAX_COLUMNS:
        raise refuse(f"has {len(names):,} columns in its header; at most {MAX_COLUMNS:,} are read — is it a recipe table?")
    return first, Header(names, int(rows[first]))


def assemble(header: Header, body: pd.DataFrame, rows: np.ndarray) -> RawTable:
    """Raw frame from body cells (columns = positions 0, 1, …) under ``header``.

    Cells are strings ("" when empty). Stray cells and values under a nameless column become
    problems; all-empty rows are dropped with their row numbers.
    """
    problems: list[Problem] = []
    width = len(header.names)
    rows = np.asarray(rows)
    unnamed = [j for j in range(body.shape[1]) if j >= width or not header.names[j].strip()]
    for j in unnamed:  # only these are scanned: a million-row chunk has few or none
        filled = np.flatnonzero((body.iloc[:, j] != "").to_numpy())
        if not len(filled):
            continue
        if j >= width:
            for i in filled:
                problems.append(Problem(int(rows[i]), None, str(body.iloc[i, j]),
                                        f"is beyond the header's last column ({width} columns); give the column a name or delete the cell"))
        else:
            i = filled[0]
            problems.append(Problem(header.row, header.column_label(j), None,
                                    f"has no name in the header but holds values (first at row {rows[i]}: "
                                    f"{str(body.iloc[i, j])!r}); name the column or delete it"))
    named = [j for j in range(min(width, body.shape[1])) if j not in unnamed]
    frame = body.iloc[:, named]  # one selection, then names and index set in place (no further copies)
    frame.columns = [header.names[j] for j in named]
    frame.index = pd.RangeIndex(len(frame))
    short = [header.names[j] for j in range(body.shape[1], width) if header.names[j].strip()]
    if short:  # columns that no row of this chunk reached (slow path)
        frame = pd.concat([frame, pd.DataFrame("", index=frame.index, columns=short)], axis=1)
    blank = _blank_rows(frame)
    if blank.any():
        frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    return RawTable(frame, rows, problems)


def _blank_rows(body: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty; the first column narrows the candidates (cheap on big chunks)."""
    if body.shape[1] == 0 or not len(body):
        return np.zeros(len(body), bool)
    cand = np.flatnonzero((body.iloc[:, 0] == "").to_numpy())
    blank = np.zeros(len(body), bool)
    if len(cand):
        blank[cand] = (body.iloc[cand] == "").all(axis=1).to_numpy()
    return blank


def cell_problem(header: Header, row: int, j: int, value: str, message: str) -> Problem:
    """A problem of one cell, named by its header (or position)."""
    return Problem(int(row), header.column_label(j), value, message)
