"""What counts as a treatment: the one rule behind treated/control pairs, counterfactuals and
control-anchored predictions.

A sample is *treated* when it has a coating, a dopant or a regeneration route other than
``none``; its *control* is the untreated sample of the same starting material measured under
the same protocol (in the literature: the same paper).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Columns that describe each treatment (emptied when the treatment is removed).
COATING_COLUMNS = ("coating", "coating_wt_pct", "coating_thickness_nm", "coating_method", "anneal_temp_c", "anneal_time_h")
REGENERATION_COLUMNS = ("regen_li_source", "regen_temp_c", "regen_time_h", "sinter_temp_c", "sinter_time_h")
DOPING_COLUMNS = ("dopant", "dopant_mol_pct")


def is_coated(frame: pd.DataFrame) -> np.ndarray:
    return frame["coating"].notna().to_numpy()


def is_doped(frame: pd.DataFrame) -> np.ndarray:
    return frame["dopant"].notna().to_numpy()


def is_regenerated(frame: pd.DataFrame) -> np.ndarray:
    """A regeneration route other than ``none`` (unknown counts as not regenerated)."""
    return (frame["regen_method"].fillna("none") != "none").to_numpy()


def is_treated(frame: pd.DataFrame) -> np.ndarray:
    """Coated, doped or regenerated."""
    return is_coated(frame) | is_doped(frame) | is_regenerated(frame)


def without_coating(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{c: np.nan for c in COATING_COLUMNS})


def without_regeneration(frame: pd.DataFrame) -> pd.DataFrame:
    regen = frame["regen_method"].where(frame["regen_method"].isna(), "none")
    return frame.assign(regen_method=regen, **{c: np.nan for c in REGENERATION_COLUMNS})


def without_dopant(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{c: np.nan for c in DOPING_COLUMNS})


def untreated(frame: pd.DataFrame) -> pd.DataFrame:
    """The same recipes with every treatment removed: what a user's control sample is."""
    return without_dopant(without_regeneration(without_coating(frame)))
