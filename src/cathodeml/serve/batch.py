"""Predicting a file of candidate recipes, in chunks, so memory does not grow with the file.

Output = the input columns exactly as written in the file, then for each target T ``T_pred``,
``T_lower``, ``T_upper``, then ``in_domain`` and ``domain_notes``. The input file is only read;
if any chunk fails validation, the partial output is removed and every problem of that chunk is
reported with its spreadsheet row.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cathodeml.data.io import iter_checked_chunks
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.schema import PREDICTION_COLUMNS
from cathodeml.tables import table_format, table_writer


def count_rows(path: Path) -> int:
    """Data rows of a CSV (newlines minus the header), counted in 1 MB blocks."""
    n = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            n += block.count(b"\n")
    return max(n - 1, 0)


def predict_file(
    model: CathodeModel,
    source: str | Path,
    output: str | Path,
    *,
    chunksize: int = 100_000,
    on_chunk: Callable[[int], None] = lambda n: None,
) -> int:
    """Predict every row of ``source`` into ``output`` (CSV, or the table format its suffix names:
    :mod:`cathodeml.tables`); return the number of rows."""
    source, output = Path(source), Path(output)
    if output.resolve() == source.resolve():
        raise ValueError(f"{output}: refusing to overwrite the input file; choose another output")
    table_format(output)  # an unknown suffix is refused before anything is written (or removed)
    total = 0
    try:
        with table_writer(output) as write:
            for raw, typed in iter_checked_chunks(source, chunksize):
                preds = model.predict(typed, validate=False)
                keep = raw.drop(columns=[c for c in raw.columns if c in PREDICTION_COLUMNS])
                write(keep.join(preds))
                total += len(raw)
                on_chunk(len(raw))
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    return total
