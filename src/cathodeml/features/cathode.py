"""Featurizers of the starting cathode: composition (Ni drives capacity and instability) and
state (morphology, degradation history, Li loss)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cathodeml.data.cathode import parse_cathode
from cathodeml.schema import History
from cathodeml.features.base import BaseFeaturizer, VectorizedFeaturizer, num, one_hot
from cathodeml.features.elements import CITATION, element_stats, is_redox_active, stat_labels

_CATHODE_STATS = ("mean", "avg_dev")


class CathodeCompositionFeaturizer(BaseFeaturizer):
    """Ni/Co/Mn/Al site fractions, Li excess, other TM-site elements and Magpie statistics.

    Fractions come from ``ni_frac``… when stated, else from ``cathode`` (formula or shorthand).
    Magpie statistics are over the formula ``Li_x M O2``; when the name leaves fractions unknown
    (``NCM90``: Ni only), the known TM fractions are renormalised and ``cathode_tm_complete`` is 0,
    so the model can tell an exact composition from an approximate one.

    ``cathode_inactive_tm_frac`` is the share of the TM site that carries no capacity (Mn⁴⁺, Al
    and every other redox-inactive element, see :data:`~cathodeml.features.elements.REDOX_ACTIVE`):
    together with ``cathode_ni_frac`` it is what the capacity model reads of the composition, both
    with a monotone constraint. When the name leaves part of the site unknown (``NCM90``), half of
    the unknown remainder is counted inactive (Co:Mn 1:1, as in the usual Ni0.9Co0.05Mn0.05).
    """

    columns = ("cathode", "ni_frac", "co_frac", "mn_frac", "al_frac")
    group = "cathode"

    def feature_labels(self) -> list[str]:
        return [
            "cathode_ni_frac",
            "cathode_co_frac",
            "cathode_mn_frac",
            "cathode_al_frac",
            "cathode_other_tm_frac",
            "cathode_li_excess",
            "cathode_tm_complete",
            "cathode_inactive_tm_frac",
        ] + stat_labels("cathode_magpie", _CATHODE_STATS)

    def citations(self) -> list[str]:
        return [CITATION]

    def featurize(self, cathode: Any, ni: Any, co: Any, mn: Any, al: Any) -> list[float]:
        comp = parse_cathode(cathode) if cathode else None
        stated = [ni, co, mn, al]
        parsed = [comp.ni, comp.co, comp.mn, comp.al] if comp else [np.nan] * 4
        fr = [float(s) if s is not None else float(p) for s, p in zip(stated, parsed)]
        others = dict(comp.others) if comp else {}
        other = float(sum(others.values()))
        li = comp.li if comp else np.nan
        li_excess = li - 1.0 if np.isfinite(li) else np.nan
        known = {el: f for el, f in zip(("Ni", "Co", "Mn", "Al"), fr) if np.isfinite(f)} | others
        complete = float(np.isclose(sum(known.values()), 1.0, atol=0.02))
        total = sum(known.values())
        tm = {el: f / total for el, f in known.items()} if total > 0 else {}
        li_amt = li if np.isfinite(li) else 1.0
        stats = element_stats({"Li": li_amt, **tm, "O": 2.0}, _CATHODE_STATS)
        inactive = sum(f for el, f in known.items() if not is_redox_active(el))
        inactive += max(0.0, 1.0 - sum(known.values())) / 2 if not complete and known else 0.0
        inactive = inactive if known else np.nan
        return [*fr, other, li_excess, complete, inactive, *stats]


class CathodeStateFeaturizer(VectorizedFeaturizer):
    """Morphology, degradation history and Li loss of the starting material.

    Read after :func:`~cathodeml.data.defaults.with_defaults` (blank = polycrystalline, pristine,
    and no Li loss for a pristine cathode), so the degraded states are flags against the pristine
    default: a model can be constrained never to favour them.
    """

    columns = ("morphology", "history", "li_loss_pct")
    group = "cathode"
    _histories = tuple(h.value for h in History if h.value != "pristine")

    def feature_labels(self) -> list[str]:
        return ["cathode_single_crystal"] + [f"cathode_history_{h}" for h in self._histories] + ["cathode_li_loss_pct"]

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        sc = one_hot(frame["morphology"], ("single_crystal",))
        hist = one_hot(frame["history"], self._histories)
        return np.column_stack([sc, hist, num(frame, "li_loss_pct")])
