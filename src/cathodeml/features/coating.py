"""Featurizers of the coating: what it is made of, how much of it there is, how it was made.

A coating protects the surface but a thick one blocks electrons and ions, so the *amount* must
reach the model in a comparable form. Papers report either wt % or a thickness; the physics of a
uniform shell on a sphere links the two, and :class:`CoatingAmountFeaturizer` fills the one not
reported, flagging which was measured.

Shell model (uniform shell of density ρ_coat and thickness t on a sphere of radius r and density
ρ_core, mass fraction w of coating relative to the cathode)::

    w = (ρ_coat / ρ_core) · ((1 + t/r)³ − 1)     ⇔     t = r · ((1 + w·ρ_core/ρ_coat)^(1/3) − 1)

which for small w is t ≈ r·ρ_core·w / (3·ρ_coat). Defaults: ρ_core = 4.75 g/cm³ (X-ray density
of layered LiNi_xCo_yMn_zO2, 4.7–4.8 across NCM523…LiNiO2); r = 5 µm for polycrystalline
secondary particles (D50 ≈ 10 µm, the usual commercial grade) and 1.5 µm for single crystals
(D50 ≈ 3 µm); unknown morphology → polycrystalline. ρ_coat from :data:`DENSITY_G_CM3` (handbook
densities of the bulk crystalline phase; amorphous films are less dense, so thicknesses are
lower bounds), else the class default in :data:`CLASS_DENSITY_G_CM3`. Several coatings joined with
``+``: the mean of their densities.

Mixtures (``Al2O3+LiF``): element statistics are over the equal-weight average of the
components' element fractions; class one-hots are the share of components in each class; the
Li flag is set if any component contains Li.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from cathodeml.data.coatings import COATING_CLASSES, parse_coating
from cathodeml.schema import CoatingMethod
from cathodeml.features.base import BaseFeaturizer, VectorizedFeaturizer, num, one_hot
from cathodeml.features.elements import CITATION, element_stats, stat_labels

#: Bulk densities (g/cm³) of common coating phases (CRC Handbook of Chemistry and Physics values).
DENSITY_G_CM3: dict[str, float] = {
    "Al2O3": 3.95, "ZrO2": 5.68, "TiO2": 4.23, "SiO2": 2.65, "Nb2O5": 4.60, "WO3": 7.16,
    "MoO3": 4.69, "MgO": 3.58, "CeO2": 7.22, "La2O3": 6.51, "Y2O3": 5.01, "SnO2": 6.95,
    "ZnO": 5.61, "V2O5": 3.36, "Ta2O5": 8.20, "B2O3": 2.46, "Co3O4": 6.11, "Li2O": 2.01,
    "LiAlO2": 2.62, "LiNbO3": 4.65, "LiTaO3": 7.46, "Li2ZrO3": 4.15, "Li3PO4": 2.48,
    "Li2TiO3": 3.43, "Li4Ti5O12": 3.50, "AlPO4": 2.56, "AlF3": 3.10, "LiF": 2.64, "MgF2": 3.15,
    "C": 2.0,
}
#: Fallback density by coating class (g/cm³).
CLASS_DENSITY_G_CM3: dict[str, float] = {
    "oxide": 4.5, "li_ion_conductor": 3.0, "phosphate": 2.8, "borate": 2.4, "fluoride": 3.0,
    "halide": 2.7, "sulfide": 2.0, "polymer": 1.3, "carbon": 2.0,
}
CORE_DENSITY_G_CM3 = 4.75
PARTICLE_RADIUS_NM = {"polycrystalline": 5000.0, "single_crystal": 1500.0}
#: Where more coating stops protecting and starts blocking, whichever comes first: a 40 nm shell
#: (the shell model's thickness of 2 wt % Al2O3 on a 10 µm secondary particle) or 2 wt % (the upper
#: end of the optimum amounts coating papers report, 0.5–2 wt %; a dense oxide or a single crystal
#: reaches 40 nm only at 3–10 wt %). Set where the optimum is not in doubt, not where it is
#: likeliest: below it the amount is free (the one amount series in the shipped data, LiAlO2
#: 1 / 2 / 3 wt %, peaks at 2 wt %).
BLOCKING_THICKNESS_NM = 40.0
BLOCKING_WT_PCT = 2.0


class CoatingChemistryFeaturizer(BaseFeaturizer):
    """Whether there is a coating, its class, Li content and Magpie statistics of its elements.

    An empty ``coating`` cell means *uncoated* (``coating_present`` = 0, chemistry NaN). An
    unknown material name is an error listing the names cathodeml knows.
    """

    columns = ("coating",)
    group = "coating_chemistry"

    def feature_labels(self) -> list[str]:
        return (
            ["coating_present", "coating_n_components", "coating_contains_li", "coating_named_material"]
            + [f"coating_class_{c}" for c in COATING_CLASSES]
            + stat_labels("coating_magpie")
        )

    def citations(self) -> list[str]:
        return [CITATION]

    def featurize(self, coating: Any) -> list[float]:
        n_stats = len(self.feature_labels()) - 4 - len(COATING_CLASSES)
        if not coating:
            return [0.0, 0.0, np.nan, np.nan] + [np.nan] * len(COATING_CLASSES) + [np.nan] * n_stats
        parts = parse_coating(coating)
        n = len(parts)
        classes = [sum(p.cls == c for p in parts) / n for c in COATING_CLASSES]
        mix: dict[str, float] = defaultdict(float)
        for p in parts:
            total = sum(a for _, a in p.elements)
            for el, a in p.elements:
                mix[el] += a / total / n
        return [
            1.0,
            float(n),
            float(any(p.contains_li for p in parts)),
            float(sum(p.named for p in parts) / n),
            *classes,
            *element_stats(mix),
        ]


@lru_cache(maxsize=4096)
def coating_density(coating: str) -> float:
    """Mean bulk density (g/cm³) of a coating's components (table, else class default)."""
    parts = parse_coating(coating)
    return float(np.mean([DENSITY_G_CM3.get(p.formula, CLASS_DENSITY_G_CM3[p.cls]) for p in parts]))


def thickness_from_wt(wt_pct: np.ndarray, radius_nm: np.ndarray, rho_coat: np.ndarray) -> np.ndarray:
    """Shell thickness (nm) of ``wt_pct`` coating on a sphere (see module docstring)."""
    w = wt_pct / 100.0
    return radius_nm * (np.cbrt(1.0 + w * CORE_DENSITY_G_CM3 / rho_coat) - 1.0)


def wt_from_thickness(t_nm: np.ndarray, radius_nm: np.ndarray, rho_coat: np.ndarray) -> np.ndarray:
    """Coating wt % of a shell of thickness ``t_nm`` (inverse of :func:`thickness_from_wt`)."""
    return 100.0 * rho_coat / CORE_DENSITY_G_CM3 * ((1.0 + t_nm / radius_nm) ** 3 - 1.0)


def estimated_amounts(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's coating wt % and shell thickness (nm): as stated, else estimated from the other by
    the shell model (NaN when neither is stated). The features and the applicability domain's
    ranges both read the amount this way, so a wt % and the thickness it implies are alike."""
    wt, th = num(frame, "coating_wt_pct"), num(frame, "coating_thickness_nm")
    codes, uniques = pd.factorize(frame["coating"])
    rho = np.array([coating_density(c) for c in uniques] + [np.nan])[codes]  # code -1 (uncoated) picks NaN
    morph = frame["morphology"].map(PARTICLE_RADIUS_NM).to_numpy(dtype=float)
    radius = np.where(np.isnan(morph), PARTICLE_RADIUS_NM["polycrystalline"], morph)
    with np.errstate(invalid="ignore"):
        return (np.where(np.isnan(wt), wt_from_thickness(th, radius, rho), wt),
                np.where(np.isnan(th), thickness_from_wt(wt, radius, rho), th))


class CoatingAmountFeaturizer(VectorizedFeaturizer):
    """Coating wt % and thickness, each measured or estimated from the other, with flags.

    Uncoated rows get 0 for both (a true zero, "known"); a coating of unreported amount gets NaN
    and ``coating_amount_known`` = 0.

    The amount is also read as a share ``a`` of the blocking amount (:data:`BLOCKING_THICKNESS_NM`
    or :data:`BLOCKING_WT_PCT`, whichever the coating reaches first) and split into a *protective*
    part ``min(a, 1)`` and a *blocking* excess ``max(a − 1, 0)``: a model that reads the amount only
    through these two can be held to get no better with the excess (a thick coating blocks) while
    staying free below it, and it reads a wt % and the thickness it implies alike.
    """

    columns = ("coating", "coating_wt_pct", "coating_thickness_nm", "morphology")
    group = "coating_amount"

    def feature_labels(self) -> list[str]:
        return [
            "coating_wt_pct",
            "coating_thickness_nm",
            "coating_wt_pct_est",
            "coating_thickness_nm_est",
            "coating_wt_measured",
            "coating_thickness_measured",
            "coating_amount_known",
            "coating_amount_protective",
            "coating_amount_blocking",
        ]

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        coated = frame["coating"].notna().to_numpy()
        wt, th = num(frame, "coating_wt_pct"), num(frame, "coating_thickness_nm")
        wt_meas, th_meas = ~np.isnan(wt), ~np.isnan(th)
        wt_est, th_est = estimated_amounts(frame)
        share = np.maximum(th_est / BLOCKING_THICKNESS_NM, wt_est / BLOCKING_WT_PCT)  # NaN when unknown
        out = np.column_stack([wt, th, wt_est, th_est, wt_meas.astype(float), th_meas.astype(float),
                               (wt_meas | th_meas).astype(float), np.minimum(share, 1.0), np.maximum(share - 1.0, 0.0)])
        out[~coated] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        return out


class CoatingProcessFeaturizer(VectorizedFeaturizer):
    """Coating method and the heat treatment after coating."""

    columns = ("coating_method", "anneal_temp_c", "anneal_time_h")
    group = "coating_process"
    _methods = tuple(m.value for m in CoatingMethod)

    def feature_labels(self) -> list[str]:
        return [f"coating_method_{m}" for m in self._methods] + ["anneal_temp_c", "anneal_time_h"]

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        return np.column_stack([one_hot(frame["coating_method"], self._methods),
                                num(frame, "anneal_temp_c"), num(frame, "anneal_time_h")])
