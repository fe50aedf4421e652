"""What counts as a treatment: the one rule behind treated/control pairs and counterfactuals.

A sample is *treated* when it has a coating, a dopant or a regeneration route other than
``none``; its paper's *control* is an untreated sample measured under the same protocol.
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
