"""Counterfactuals: what does the model predict if one treatment is removed or moved one step?

They complement SHAP with a direct question a scientist asks: remove the coating (or the
regeneration, or the dopant), or move the coating amount or the anneal temperature one grid
step, and compare predictions (with their intervals and domain verdicts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cathodeml.data.treatments import (
    is_coated,
    is_doped,
    is_regenerated,
    without_coating,
    without_dopant,
    without_regeneration,
)
from cathodeml.explain.attribution import recipe_ids
from cathodeml.models.cathode_model import CathodeModel

#: One grid step of the counterfactual moves.
WT_STEP_PCT = 0.5
ANNEAL_STEP_C = 50.0

CHANGES = (
    "remove coating",
    "remove regeneration",
    "remove dopant",
    f"coating wt% +{WT_STEP_PCT:g}",
    f"coating wt% -{WT_STEP_PCT:g}",
    f"anneal +{ANNEAL_STEP_C:g} C",
    f"anneal -{ANNEAL_STEP_C:g} C",
)
COLUMNS = ["record_id", "change", "target", "pred", "counterfactual_pred", "counterfactual_lower",
           "counterfactual_upper", "delta", "counterfactual_in_domain"]


def counterfactual_frame(typed: pd.DataFrame, change: str) -> pd.DataFrame:
    """The recipes with one treatment removed or moved one grid step (see :data:`CHANGES`)."""
    if change == "remove coating":
        return without_coating(typed)
    if change == "remove regeneration":
        return without_regeneration(typed)
    if change == "remove dopant":
        return without_dopant(typed)
    if change.startswith("coating wt%"):
        step = WT_STEP_PCT if "+" in change else -WT_STEP_PCT
        return typed.assign(coating_wt_pct=(typed["coating_wt_pct"] + step).where(lambda s: s >= 0))
    if change.startswith("anneal"):
        step = ANNEAL_STEP_C if "+" in change else -ANNEAL_STEP_C
        return typed.assign(anneal_temp_c=typed["anneal_temp_c"] + step)
    raise ValueError(f"unknown change {change!r}; known: {', '.join(CHANGES)}")


def applies(typed: pd.DataFrame, change: str) -> np.ndarray:
    """Rows where ``change`` means something (no coating to remove on an uncoated recipe)."""
    masks = {
        "remove coating": is_coated(typed),
        "remove regeneration": is_regenerated(typed),
        "remove dopant": is_doped(typed),
        f"coating wt% +{WT_STEP_PCT:g}": typed["coating_wt_pct"].notna().to_numpy(),
        f"coating wt% -{WT_STEP_PCT:g}": (typed["coating_wt_pct"] >= WT_STEP_PCT).to_numpy(),
        f"anneal +{ANNEAL_STEP_C:g} C": typed["anneal_temp_c"].notna().to_numpy(),
        f"anneal -{ANNEAL_STEP_C:g} C": typed["anneal_temp_c"].notna().to_numpy(),
    }
    return np.asarray(masks[change], dtype=bool)


def counterfactuals(model: CathodeModel, frame: pd.DataFrame, *, validate: bool = True) -> pd.DataFrame:
    """Predicted change of every target when one treatment is removed or moved one step."""
    typed = model.validate(frame) if validate else frame.reset_index(drop=True)
    base = model.predict(typed, validate=False)
    ids = recipe_ids(typed)
    rows = []
    for name in CHANGES:
        ok = applies(typed, name)
        if not ok.any():
            continue
        variant = counterfactual_frame(typed, name)[ok].reset_index(drop=True)
        pred = model.predict(variant, validate=False)
        for k, i in enumerate(np.flatnonzero(ok)):
            for t in model.targets:
                rows.append({
                    "record_id": ids[i], "change": name, "target": t,
                    "pred": float(base.loc[i, f"{t}_pred"]),
                    "counterfactual_pred": float(pred.loc[k, f"{t}_pred"]),
                    "counterfactual_lower": float(pred.loc[k, f"{t}_lower"]),
                    "counterfactual_upper": float(pred.loc[k, f"{t}_upper"]),
                    "delta": float(pred.loc[k, f"{t}_pred"] - base.loc[i, f"{t}_pred"]),
                    "counterfactual_in_domain": bool(pred.loc[k, "in_domain"]) if "in_domain" in pred else True,
                })
    return pd.DataFrame(rows, columns=COLUMNS)
