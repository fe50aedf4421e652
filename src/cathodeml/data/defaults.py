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


def _implied(cathode: pd.Series) -> np.ndarray:
    """(rows × 4) TM-site fractions implied by each ``cathode`` name, parsed once per distinct name."""
    codes, uniques = pd.factorize(cathode, use_na_sentinel=True)
    table = np.full((len(uniques) + 1, len(FRACTIONS)), np.nan)  # the last row: unknown cathode (code −1)
    for k, name in enumerate(uniques):
        fractions = parse_cathode(name).fractions()
        table[k] = [fractions[c] for c in FRACTIONS]
    return table[codes]


def implied_fractions(cathode: pd.Series) -> pd.DataFrame:
    """TM-site fractions implied by each ``cathode`` name (NaN where the name does not say)."""
    return pd.DataFrame(_implied(cathode), columns=list(FRACTIONS), index=cathode.index)


def float_values(col: pd.Series, *, coerce: bool = False) -> np.ndarray:
    """A numeric recipe column as float64, NaN for unknown (nullable ints included), without
    ``to_numeric``'s fixed cost when it already is float64 (most columns, most calls: the
    featurizer, the defaults and the domain read every numeric column). A non-number raises
    unless ``coerce`` (then NaN)."""
    if col.dtype == np.float64:
        return col.to_numpy()
    return pd.to_numeric(col, errors="coerce" if coerce else "raise").to_numpy(dtype=float)


#: ``frame.attrs`` key marking a frame whose defaults are filled (so they are not filled twice).
APPLIED = "cathodeml_defaults_applied"


def with_defaults(frame: pd.DataFrame) -> pd.DataFrame:
    """The recipe frame with every blank that means a default filled in (see the module table).

    Columns whose blank means *unknown* are left as they are. The input frame is not modified; a
    frame this function returned is returned as it is (featurizer and domain both call it).
    The new columns are computed as arrays; the other columns are shared with ``frame`` (read
    only here: callers never write into the result).
    """
    if frame.attrs.get(APPLIED):
        return frame
    new: dict[str, np.ndarray] = {}
    if "cathode" in frame:
        implied = _implied(frame["cathode"])
        for j, col in enumerate(FRACTIONS):
            if col in frame:
                stated = float_values(frame[col], coerce=True)
                new[col] = np.where(np.isnan(stated), implied[:, j], stated)
    for col, value in CATEGORY_DEFAULTS.items():
        if col in frame:
            cells = frame[col].to_numpy(dtype=object)
            new[col] = np.where(pd.isna(cells), value, cells).astype(object)
    for col, value in NUMBER_DEFAULTS.items():
        if col in frame:
            x = float_values(frame[col])
            new[col] = np.where(np.isnan(x), value, x)
    if "li_loss_pct" in frame and "history" in frame:
        pristine = new.get("history", frame["history"].to_numpy(dtype=object)) == "pristine"
        loss = float_values(frame["li_loss_pct"])
        new["li_loss_pct"] = np.where(pristine & np.isnan(loss), 0.0, loss)
    # A new frame over the same column arrays (no copy, no consolidation): ``assign`` and ``copy``
    # first merge same-dtype columns into 2-D blocks, 4 s for the object columns of 1M recipes.
    # Built by position, so a table with two extra columns of one name (kept, unused) still works.
    out = pd.DataFrame({i: new[c] if c in new else frame.iloc[:, i].array for i, c in enumerate(frame.columns)},
                       index=frame.index, copy=False)
    out.columns = frame.columns
    out.attrs.update(frame.attrs)
    out.attrs[APPLIED] = True
    return out


def missing_key_fields(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """Boolean frame: which of ``target``'s key protocol fields each recipe leaves blank."""
    cols = KEY_PROTOCOL.get(target, ())
    return pd.DataFrame({c: frame[c].isna().to_numpy() if c in frame else np.ones(len(frame), bool) for c in cols},
                        index=frame.index)
