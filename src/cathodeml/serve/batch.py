"""Predicting a file of candidate recipes, in chunks, so memory does not grow with the file.

Output = the input columns exactly as written in the file, then for each target T ``T_pred``,
``T_lower``, ``T_upper``, then ``in_domain`` and ``domain_notes``. The input file is only read
(an output that is the input by any name is refused). The output is written to a temporary file
beside it and renamed when complete: if any chunk fails validation, every problem of that chunk
is reported with its spreadsheet row and an existing output is left exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cathodeml.atomic import check_not_input
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
    check_not_input(output, source)
    table_format(output)  # an unknown suffix is refused before anything is written
    total = 0
    with table_writer(output) as write:  # atomic: an existing output stays until the new one is whole
        for raw, typed in iter_checked_chunks(source, chunksize):
            preds = model.predict(typed, validate=False)
            keep = raw.drop(columns=[c for c in raw.columns if c in PREDICTION_COLUMNS])
            write(keep.join(preds))
            total += len(raw)
            on_chunk(len(raw))
    return total
