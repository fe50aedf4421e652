"""What a blank cell means, column by column — applied once, before featurizing and before the
applicability domain looks at a recipe.

The data contract says: stating a default is the same as leaving it blank where the blank means
that default; elsewhere a blank means *unknown*. Most papers leave the usual case unsaid (a
polycrystalline, pristine, unregenerated cathode in a liquid-electrolyte cell at room
temperature), so for those columns the blank *is* the usual case, and a user who writes
``morphology polycrystalline`` or ``al_frac 0`` must get exactly what the blank gives — the same
features, the same prediction and the same domain verdict. :func:`with_defaults` is that rule.

==========================  =====================================================================
column                      a blank cell means
==========================  =====================================================================
``ni_frac`` … ``al_frac``   what the ``cathode`` formula or shorthand implies (``al_frac`` 0 for an
                            Al-free formula); unknown when the name does not say (``NCM90``: Co/Mn)
``morphology``              ``polycrystalline`` (the usual secondary particles)
``history``                 ``pristine``
``li_loss_pct``             0 for a pristine cathode; unknown for a spent or delithiated one
``regen_method``            ``none`` (not regenerated)
``dopant`` / ``coating``    none (no dopant / uncoated); their amounts are then 0
``electrolyte``             unknown — not ``liquid``: in the literature the rows that leave it
                            blank differ from those that state it (grouped CV: capacity MAE 24.2
                            with blank = liquid vs 21.7 as unknown), so the blank is kept as
                            information, and stating it moves a prediction less because the model
                            is trained with copies of rows whose electrolyte is blanked
``test_temp_c``             25 °C
``cell_type``               unknown (half and full cells both occur unsaid; the model was trained
                            with copies of rows whose cell type is blanked, see
                            :mod:`cathodeml.training.augment`)
voltages, C-rates, cycles,  unknown: the prediction averages over what the data hold, and the
``rct_after_cycles``        interval widens (``domain_notes`` names the missing key fields)
treatment conditions        unknown (temperatures, times, amounts, methods)
==========================  =====================================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cathodeml.data.cathode import parse_cathode
from cathodeml.schema import FRACTIONS

#: Categorical columns whose blank means a stated value.
CATEGORY_DEFAULTS: dict[str, str] = {
    "morphology": "polycrystalline",
    "history": "pristine",
    "regen_method": "none",
}
#: Numeric columns whose blank means a stated value.
NUMBER_DEFAULTS: dict[str, float] = {"test_temp_c": 25.0}
#: Protocol fields whose absence makes a prediction less certain (named in domain notes, and the
#: interval is calibrated on rows that lacked them).
KEY_PROTOCOL: dict[str, tuple[str, ...]] = {
    "capacity_mah_g": ("v_max", "capacity_c_rate"),
    "retention_pct": ("v_max", "cycle_c_rate", "cycles"),
    "rct_ohm": ("v_max", "rct_after_cycles"),
}


def implied_fractions(cathode: pd.Series) -> pd.DataFrame:
    """TM-site fractions implied by each ``cathode`` name (NaN where the name does not say)."""
    uniques = cathode.dropna().unique()
    table = {c: parse_cathode(c).fractions() for c in uniques}
    out = {}
    for col in FRACTIONS:
        mapping = {c: f[col] for c, f in table.items()}
        out[col] = cathode.map(mapping).astype(float)
    return pd.DataFrame(out, index=cathode.index)


#: ``frame.attrs`` key marking a frame whose defaults are filled (so they are not filled twice).
APPLIED = "cathodeml_defaults_applied"


def with_defaults(frame: pd.DataFrame) -> pd.DataFrame:
    """The recipe frame with every blank that means a default filled in (see the module table).

    Columns whose blank means *unknown* are left as they are. The input frame is not modified; a
    frame this function returned is returned as it is (featurizer and domain both call it).
    """
    if frame.attrs.get(APPLIED):
        return frame
    out = frame.copy()
    if "cathode" in out:
        implied = implied_fractions(out["cathode"])
        for col in FRACTIONS:
            if col in out:
                out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).fillna(implied[col])
    for col, value in CATEGORY_DEFAULTS.items():
        if col in out:
            out[col] = out[col].astype(object).where(out[col].notna(), value)
    for col, value in NUMBER_DEFAULTS.items():
        if col in out:
            out[col] = pd.to_numeric(out[col]).astype(float).fillna(value)
    if "li_loss_pct" in out and "history" in out:
        pristine = (out["history"] == "pristine").to_numpy()
        loss = pd.to_numeric(out["li_loss_pct"]).astype(float)
        out["li_loss_pct"] = np.where(pristine & loss.isna().to_numpy(), 0.0, loss)
    out.attrs[APPLIED] = True
    return out


def missing_key_fields(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """Boolean frame: which of ``target``'s key protocol fields each recipe leaves blank."""
    cols = KEY_PROTOCOL.get(target, ())
    return pd.DataFrame({c: frame[c].isna().to_numpy() if c in frame else np.ones(len(frame), bool) for c in cols},
                        index=frame.index)
