"""Featurizers of the bulk treatments: regeneration (relithiation + sintering) and doping."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from cathodeml.schema import RegenMethod
from cathodeml.features.base import BaseFeaturizer, num, per_unique
from cathodeml.features.elements import CITATION, element_stats, is_redox_active, stat_labels

#: Li-source classes, recognised from the written salt names (a mixture may hit several).
LI_SOURCE_CLASSES: dict[str, re.Pattern[str]] = {
    "hydroxide": re.compile(r"OH"),
    "nitrate": re.compile(r"NO3"),
    "carbonate": re.compile(r"CO3"),
    "halide": re.compile(r"Li(Cl|Br|I|F)(?![a-z])"),
    "sulfate": re.compile(r"SO4"),
    "organic": re.compile(r"C\d*H\d|acetate|citrate|benzoate|salicylate|DHBN|organic", re.IGNORECASE),
}
_SPLIT = re.compile(r"\s*[-+/]\s*")


class RegenerationFeaturizer(BaseFeaturizer):
    """Regeneration route, Li-source chemistry and the relithiation and sintering conditions.

    ``regen_applied`` is 1 for any route other than ``none`` (blank = none, see
    :mod:`cathodeml.data.defaults`). ``regen_li_source`` is read by salt name into the classes of :data:`LI_SOURCE_CLASSES`;
    ``regen_li_n_salts`` counts components joined by ``-``, ``+`` or ``/`` (a eutectic mixture
    melts lower than any of its salts, which is why such routes work at 300 °C).
    """

    columns = ("regen_method", "regen_li_source", "regen_temp_c", "regen_time_h", "sinter_temp_c", "sinter_time_h")
    group = "regeneration"
    _methods = tuple(m.value for m in RegenMethod)

    def feature_labels(self) -> list[str]:
        return (
            [f"regen_method_{m}" for m in self._methods] + ["regen_applied"]
            + [f"regen_li_{c}" for c in LI_SOURCE_CLASSES]
            + ["regen_li_n_salts", "regen_temp_c", "regen_time_h", "sinter_temp_c", "sinter_time_h"]
        )

    def featurize(self, method: Any, li_source: Any, *numbers: Any) -> list[float]:
        onehot = [np.nan] * len(self._methods) if method is None else [float(method == m) for m in self._methods]
        onehot.append(np.nan if method is None else float(method != RegenMethod.none.value))
        if li_source:
            classes = [float(bool(p.search(li_source))) for p in LI_SOURCE_CLASSES.values()]
            n_salts = float(len([s for s in _SPLIT.split(li_source) if s]))
        else:
            classes, n_salts = [np.nan] * len(LI_SOURCE_CLASSES), np.nan
        return [*onehot, *classes, n_salts, *(np.nan if v is None else float(v) for v in numbers)]

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        # Categorical part once per distinct value; the numbers vectorised (they vary over grids).
        n_num = len(self.columns) - 2
        cat = per_unique(frame, self.columns[:2], lambda m, s: self.featurize(m, s, *[None] * n_num)[:-n_num],
                         len(self.feature_labels()) - n_num)
        return np.column_stack([cat, *(num(frame, c) for c in self.columns[2:])])


class DopingFeaturizer(BaseFeaturizer):
    """Whether the cathode is doped, how much, and Magpie means of the dopant elements.

    An empty ``dopant`` cell means *not doped* (``dopant_mol_pct`` = 0); a dopant of unreported
    amount has NaN amount. Several dopants (``Al,Cu``) are weighted equally. The amount is also
    split into its redox-inactive and redox-active parts (``dopant_inactive_mol_pct``,
    ``dopant_active_mol_pct``): an inactive dopant dilutes capacity, which the capacity model
    enforces through a monotone constraint on the inactive part.
    """

    columns = ("dopant", "dopant_mol_pct")
    group = "doping"

    def feature_labels(self) -> list[str]:
        return (["dopant_present", "dopant_n_elements", "dopant_mol_pct", "dopant_inactive_mol_pct", "dopant_active_mol_pct"]
                + stat_labels("dopant_magpie", ("mean",)))

    def citations(self) -> list[str]:
        return [CITATION]

    def featurize(self, dopant: Any, mol_pct: Any) -> list[float]:
        n_stats = len(self.feature_labels()) - 5
        amount = np.nan if mol_pct is None else float(mol_pct)
        if not dopant:
            amount = 0.0 if mol_pct is None else amount
            return [0.0, 0.0, amount, 0.0, 0.0] + [np.nan] * n_stats
        symbols = [s.strip() for s in dopant.split(",") if s.strip()]
        active = sum(is_redox_active(s) for s in symbols) / len(symbols)
        stats = element_stats({s: 1.0 for s in symbols}, ("mean",))
        # A part that is surely absent is 0 even when the amount is unknown (Mg of unknown amount has
        # no active part): an unknown there would let a tree give an inactive dopant capacity.
        inactive_part = 0.0 if active == 1 else amount * (1 - active)
        active_part = 0.0 if active == 0 else amount * active
        return [1.0, float(len(symbols)), amount, inactive_part, active_part, *stats]

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        # Per distinct dopant with amount 1, then scaled by the (vectorised) amount.
        out = per_unique(frame, ("dopant",), lambda d: self.featurize(d, 1.0 if d else None), len(self.feature_labels()))
        amount = num(frame, "dopant_mol_pct")
        doped = frame["dopant"].notna().to_numpy()
        amount = np.where(doped | ~np.isnan(amount), amount, 0.0)
        with np.errstate(invalid="ignore"):  # 0 × unknown amount stays 0 (an absent part)
            out[:, 3] = np.where(doped, np.where(out[:, 3] == 0, 0.0, out[:, 3] * amount), 0.0)
            out[:, 4] = np.where(doped, np.where(out[:, 4] == 0, 0.0, out[:, 4] * amount), 0.0)
        out[:, 2] = amount
        return out
