"""Coverage report of a recipe table: what the data can and cannot teach a model.

A model is only as broad as its data: before trusting a prediction for an NCM90 with a halide
coating, a user should see how many such rows exist. The report counts rows per target, per
coating class, per Ni band, per regeneration route and per electrolyte (liquid and solid-state
cells age differently), and the coverage of every column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cathodeml.data.cathode import parse_cathode
from cathodeml.data.coatings import coating_class
from cathodeml.schema import DATASET_COLUMNS, TARGETS

NI_BANDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
NI_LABELS = ("<0.5", "0.5–0.6", "0.6–0.7", "0.7–0.8", "0.8–0.9", "≥0.9")


@dataclass(frozen=True)
class Coverage:
    rows: int
    sources: int
    per_target: dict[str, int]
    per_coating_class: dict[str, int]
    per_ni_band: dict[str, int]
    per_regen_method: dict[str, int]
    per_electrolyte: dict[str, int]
    column_coverage: dict[str, float]


def ni_fraction(frame: pd.DataFrame) -> pd.Series:
    """Ni fraction per row: the stated ``ni_frac``, else the one implied by ``cathode``."""
    cache = {c: parse_cathode(c).ni for c in frame["cathode"].dropna().unique()}
    implied = frame["cathode"].map(cache).astype(float)
    return frame["ni_frac"].astype(float).fillna(implied)


def coverage(frame: pd.DataFrame) -> Coverage:
    """Count what a typed canonical frame covers."""
    classes = frame["coating"].map(lambda c: coating_class(c) if isinstance(c, str) else "uncoated")
    bands = pd.cut(ni_fraction(frame), NI_BANDS, labels=NI_LABELS, right=False)
    regen = frame["regen_method"].fillna("unknown")
    return Coverage(
        rows=len(frame),
        sources=int(frame["source"].nunique()),
        per_target={t: int(frame[t].notna().sum()) for t in TARGETS},
        per_coating_class=classes.value_counts().sort_index().to_dict(),
        per_ni_band={str(k): int(v) for k, v in bands.value_counts(sort=False).items()} | {"unknown": int(bands.isna().sum())},
        per_regen_method=regen.value_counts().sort_index().to_dict(),
        per_electrolyte=frame["electrolyte"].fillna("unknown").value_counts().sort_index().to_dict(),
        column_coverage={c: float(np.mean(frame[c].notna())) if len(frame) else 0.0 for c in DATASET_COLUMNS},
    )
