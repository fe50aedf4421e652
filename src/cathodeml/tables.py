"""Tables cathodeml writes (predictions, features, recommendations) in the format the name asks for.

A scientist who types ``-o results.xlsx`` expects a workbook Excel opens, not CSV text under an
``.xlsx`` name. The suffix decides: ``.csv`` (streamed chunk by chunk, memory bounded), ``.xlsx``
(one sheet, at most :data:`XLSX_MAX_ROWS` data rows — Excel's own limit) or ``.parquet`` (when
pyarrow is installed). Any other suffix is refused *before* any work, with the list of the
supported ones. Workbooks and Parquet files are built whole in memory at the end.

Canonical numeric columns are written as numbers in workbooks and Parquet files (a file's cells
are read as text so that a CSV output repeats them exactly as written; in Excel, text that looks
like a number is a nuisance). The target is written as given: an atomic writer may hand a
temporary path here, as long as it keeps the target's suffix. Every write is atomic
(:mod:`cathodeml.atomic`): an existing output is replaced only by a complete one.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from cathodeml.atomic import replacing
from cathodeml.errors import OutputFormatError
from cathodeml.schema import NUMERIC

#: Suffix → what it is (the order of the refusal message).
FORMATS: dict[str, str] = {".csv": "CSV", ".xlsx": "Excel workbook", ".parquet": "Parquet (needs pyarrow)"}
#: Data rows of one Excel sheet (1,048,576 rows, one of them the header).
XLSX_MAX_ROWS = 1_048_575
#: Significant digits of floats in CSV text (predictions do not carry more).
CSV_FLOAT_FORMAT = "%.6g"


def table_format(path: str | Path, n_rows: int | None = None) -> str:
    """The suffix of a table ``path`` cathodeml can write (``.csv``, ``.xlsx``, ``.parquet``), or
    :class:`OutputFormatError` saying why not; ``n_rows`` (when known) is checked against the
    workbook limit, so a too-large request fails before minutes of work."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        listed = ", ".join(f"{s} ({what})" for s, what in FORMATS.items())
        got = f"suffix {path.suffix!r}" if path.suffix else "no suffix"
        raise OutputFormatError(f"{path}: {got} names no table format cathodeml writes; use one of {listed}")
    if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        raise OutputFormatError(f"{path}: writing Parquet needs pyarrow (pip install pyarrow); or write .csv or .xlsx")
    if suffix == ".xlsx" and n_rows is not None and n_rows > XLSX_MAX_ROWS:
        raise OutputFormatError(_too_many(path, n_rows))
    return suffix


def _too_many(path: Path, n_rows: int) -> str:
    return (f"{path}: an Excel sheet holds at most {XLSX_MAX_ROWS:,} data rows and this table has "
            f"{n_rows:,}; write .csv (streamed) or .parquet instead")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical numeric columns as numbers (unknown-value tokens such as ``NA`` become empty)."""
    cols = {c: pd.to_numeric(frame[c].replace("", None), errors="coerce")
            for c in frame.columns if c in NUMERIC and frame[c].dtype == object}
    return frame.assign(**cols) if cols else frame


def _without_illegal_characters(frame: pd.DataFrame) -> pd.DataFrame:
    """Control characters Excel cannot store (openpyxl refuses them) removed from text cells."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cols = {c: frame[c].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
            for c in frame.columns if frame[c].dtype == object}
    return frame.assign(**cols) if cols else frame


def write_table(frame: pd.DataFrame, path: str | Path, *, float_format: str = CSV_FLOAT_FORMAT) -> Path:
    """Write ``frame`` (no index) in the format of ``path``'s suffix, atomically; return ``path``."""
    path = Path(path)
    suffix = table_format(path, len(frame))
    with replacing(path) as tmp:  # the temporary file keeps the suffix
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, float_format=float_format)
        elif suffix == ".xlsx":
            _without_illegal_characters(_typed(frame)).to_excel(tmp, index=False, sheet_name="cathodeml",
                                                                engine="openpyxl")
        else:
            _typed(frame).to_parquet(tmp, index=False)
    return path


@contextmanager
def table_writer(path: str | Path, *, float_format: str = CSV_FLOAT_FORMAT) -> Iterator[Callable[[pd.DataFrame], None]]:
    """A ``write(chunk)`` function for a table written chunk by chunk: CSV streams each chunk to the
    file; workbooks and Parquet files collect the chunks and are written when the block ends."""
    path = Path(path)
    suffix = table_format(path)
    if suffix == ".csv":
        with replacing(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as f:
            first = [True]

            def write_csv(chunk: pd.DataFrame) -> None:
                chunk.to_csv(f, header=first[0], index=False, float_format=float_format)
                first[0] = False

            yield write_csv
        return
    parts: list[pd.DataFrame] = []

    def collect(chunk: pd.DataFrame) -> None:
        n = sum(map(len, parts)) + len(chunk)
        if suffix == ".xlsx" and n > XLSX_MAX_ROWS:
            raise OutputFormatError(_too_many(path, n))
        parts.append(chunk)

    yield collect
    write_table(pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(), path)
