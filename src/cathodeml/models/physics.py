"""What chemistry fixes about each target, declared once: its inputs, its space, its directions.

**Inputs.** A target sees the recipe (cathode, coating, regeneration, doping) and only the test
protocol of *its own* measurement (:data:`cathodeml.schema.TARGET_PROTOCOL`): initial capacity
never sees ``cycles``, ``cycle_c_rate`` or ``rct_after_cycles`` (it is measured before them);
retention never sees the C-rate of the capacity test; Rct sees its own timing.

**Enforced directions** (XGBoost monotone constraints, at fixed everything else; in target units):

========================  =====================================  ===============================
target                    non-increasing in                      non-decreasing in
========================  =====================================  ===============================
``capacity_mah_g``        C-rate of the measurement; the         Ni fraction; upper cut-off
                          lower cut-off (at a fixed upper one);  voltage and window width; test
                          the inactive share of the TM site      temperature (kinetics)
                          (Mn⁴⁺, Al, …); inactive dopant
                          amount; coating beyond the blocking
                          amount; a degraded (spent /
                          delithiated) starting material; Li
                          loss
``retention_pct``         cycles (smoothly: see below); upper    the lower cut-off (a shallower
                          cut-off voltage and window width;      discharge); the inactive share
                          Ni fraction; test temperature (side    of the TM site (Mn⁴⁺, Al, …
                          reactions speed up when hot); coating  hold the layered structure
                          beyond the blocking amount; a          together)
                          degraded starting material; Li loss
``rct_ohm``               —                                      —
========================  =====================================  ===============================

For capacity and retention the cathode's composition enters *only* through the Ni fraction and
the inactive share (no free Co/Mn/Al fractions, no Magpie statistics of the cathode), and capacity
sees no dopant identity: otherwise the trees could move a target through a feature that moves
with Ni in a sweep, or reward a dopant for the papers it came from. (With free composition,
NCM90 retained better than NCM811; without it grouped CV improves too: 8.81 vs 9.14,
docs/training.md.) Degradation enters as flags against the pristine default, so a spent or
delithiated cathode is never predicted better than the same pristine one; a regeneration's
effect is learnt separately (its features are free). The coating amount enters only through its
protective part (up to a 40 nm shell or 2 wt %, whichever comes first; free: where the optimum
lies depends on the coating) and its blocking excess (held: more is never better; smooth), so a
wt % and the thickness it implies are read alike; before, 8 wt % Al2O3 retained 91 % against 83 %
at 3 wt %.

**Cycles and C-rate.** Retention's dependence on cycles is additive (one curve for every recipe:
104 papers cannot support recipe-specific fade curves), smooth and monotone (see
:mod:`cathodeml.models.smoothing`), with a minimum slope: the capacity lost grows at least as
``n^0.1`` — fade never stops. Its dependence on the upper cut-off is smoothed the same way.
(Capacity keeps the trees' steps: smoothing its C-rate, cut-off or Ni dependence did not change
its grouped-CV MAE beyond the noise of the folds.)

**Blank and stated.** Retention is trained with one extra copy of every row that states its
electrolyte or cell type, with both blanked (grouped CV: MAE 9.33 vs 9.40 without, and the
prediction moves 1.1 instead of 3.0 points between stating them and leaving them blank).
Capacity is not: there the blank carries information (full and solid-state cells really give
less initial capacity, and the rows that leave the cell unsaid differ), and blanking copies
costs 2.7 mAh/g of MAE; instead its interval widens when those fields are unknown.

**Intervals that know which tests are hard.** Besides the Mondrian strata and the unknown
share, an interval widens with how far a test lies from the usual protocol (``difficulty``): a
capacity measured at 5–10 C depends on the electrode's loading and thickness, which no recipe
states (grouped-CV errors 40 mAh/g against 14 at 0.1 C), and a test away from room temperature on
each lab's electrolyte and electrode. Where a direction is enforced, the bound on the side it
rules out never moves the wrong way along a sweep (``TargetRegressor.predict_interval``): a
1 C capacity's interval may reach lower than a 0.1 C one's, never higher. Under grouped CV,
solid-state capacity rows (mostly 10 C tests) went from 0.82 to 0.88 coverage, and retention's
intervals narrowed to 11 % below the old ones (docs/training.md).

**Checked, not enforced** (``tests/models/test_physics.py``): the optimum coating amount below
the blocking amount, the higher-cut-off capacity/fade trade-off in sweeps, and that stating a default equals the blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cathodeml.models.target import TargetRegressor
from cathodeml.schema import PHYSICAL_BOUNDS, TARGET_PROTOCOL

#: Protocol columns: a target may depend only on its own (TARGET_PROTOCOL).
_PROTOCOL_COLUMNS = frozenset(c for cols in TARGET_PROTOCOL.values() for c in cols) | {
    "capacity_c_rate", "cycle_c_rate", "cycles", "rct_after_cycles"}
_DEGRADED = {"cathode_history_spent": -1, "cathode_history_delithiated": -1, "cathode_li_loss_pct": -1}
#: The cathode's composition beyond its Ni fraction and inactive share: left out where a direction in
#: Ni is enforced, or the trees would undo it through a feature that moves with Ni in a sweep.
_FREE_COMPOSITION = ("cathode_co_frac", "cathode_mn_frac", "cathode_al_frac", "cathode_other_tm_frac",
                     "cathode_tm_complete", "cathode_magpie_*")
#: The coating amount as stated or estimated: capacity and retention read it only through its
#: protective part and its blocking excess (CoatingAmountFeaturizer), so a thick coating can be held
#: to get no better, and a wt % and the thickness it implies are read alike.
_FREE_COATING_AMOUNT = ("coating_wt_pct", "coating_thickness_nm", "coating_wt_pct_est", "coating_thickness_nm_est")
#: Which of wt % and thickness a paper stated: retention leaves it out (grouped CV 9.25 vs 9.30 over 6
#: splits), capacity keeps it (21.0 vs 20.6 without it: papers that state a thickness coat by ALD).
_AMOUNT_NOTATION = ("coating_wt_measured", "coating_thickness_measured")
#: The blocking excess acts additively and smoothly (one ramp shared by every coating, not a step at
#: the one thick coating in the data): grouped CV 20.61 vs 20.73 (capacity), 9.25 vs 9.26 (retention).
_BLOCKING = {"coating_amount_blocking": 0.0}
#: Tests whose results vary more between labs than the recipe explains: the interval widens with the
#: distance from the usual value (TargetRegressor.difficulty). Away from room temperature (the
#: training median, 25 °C) on either side: hot cells fade and lose capacity by side reactions that
#: depend on each lab's electrolyte and cell, cold ones by kinetics that depend on its electrode.
_HARDER_TESTS = {"protocol_test_temp_c": 0}
#: Minimum fade exponent: capacity loss grows at least as n^0.1 (in log-loss per decade of cycles).
MIN_FADE_EXPONENT = 0.1


@dataclass(frozen=True)
class TargetPhysics:
    target: str
    transform: str
    monotone: dict[str, int] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()  # feature names, or prefixes ending in "*"
    smooth: dict[str, float] = field(default_factory=dict)
    key_features: tuple[str, ...] = ()
    augment: tuple[str, ...] = ()  # recipe columns blanked together in one extra training copy per row
    impute: tuple[str, ...] = ()  # monotone features that may be unknown (see TargetRegressor.impute)
    difficulty: dict[str, int] = field(default_factory=dict)  # features that widen the interval (TargetRegressor.difficulty)
    interval_space: str = "model"  # where conformal scores live (TargetRegressor.interval_space)
    params: dict[str, Any] = field(default_factory=dict)  # XGBoost defaults of this target (over the global ones)

    def excludes(self, feature: str) -> bool:
        return any(feature.startswith(e[:-1]) if e.endswith("*") else feature == e for e in self.exclude)


PHYSICS: dict[str, TargetPhysics] = {
    "capacity_mah_g": TargetPhysics(
        "capacity_mah_g", "identity",
        monotone={"protocol_log10_capacity_c_rate": -1, "protocol_v_max": 1, "protocol_v_min": -1, "protocol_window_v": 1,
                  "protocol_test_temp_c": 1, "cathode_ni_frac": 1, "coating_amount_blocking": -1, "cathode_inactive_tm_frac": -1, "dopant_inactive_mol_pct": -1, **_DEGRADED},
        exclude=(*_FREE_COMPOSITION, *_FREE_COATING_AMOUNT, "dopant_present", "dopant_n_elements", "dopant_mol_pct", "dopant_magpie_*"),
        key_features=("protocol_v_max", "protocol_log10_capacity_c_rate", "protocol_electrolyte_liquid",
                      "protocol_half_cell"),
        impute=("cathode_inactive_tm_frac", "dopant_inactive_mol_pct", "cathode_li_loss_pct"),
        # The protective part smooth as well: all thick coatings share protective = 1, and trees split
        # there (a 5 mAh/g cliff between 1.75 and 2 wt % LiNbO3); grouped CV 20.60 vs 20.61.
        smooth=_BLOCKING | {"coating_amount_protective": 0.0},
        difficulty=_HARDER_TESTS | {"protocol_log10_capacity_c_rate": 1},
        # Shallow trees: 116 rows from 60 papers support few interactions (docs/training.md: tuning).
        params={"n_estimators": 350, "learning_rate": 0.025, "max_depth": 2, "min_child_weight": 3.0,
                "subsample": 0.75, "colsample_bytree": 0.75, "reg_lambda": 0.01, "reg_alpha": 0.25},
    ),
    "retention_pct": TargetPhysics(
        "retention_pct", "fade",
        monotone={"protocol_log10_cycles": -1, "protocol_v_max": -1, "protocol_v_min": 1, "protocol_window_v": -1,
                  "cathode_ni_frac": -1, "protocol_test_temp_c": -1, "cathode_inactive_tm_frac": 1,
                  "coating_amount_blocking": -1, **_DEGRADED},
        exclude=(*_FREE_COMPOSITION, *_FREE_COATING_AMOUNT, *_AMOUNT_NOTATION),
        smooth={"protocol_log10_cycles": MIN_FADE_EXPONENT * float(np.log(10)), "protocol_v_max": 0.0, **_BLOCKING},
        key_features=("protocol_v_max", "protocol_log10_cycle_c_rate", "protocol_log10_cycles",
                      "protocol_electrolyte_liquid", "protocol_half_cell"),
        augment=("electrolyte", "cell_type"),
        impute=("cathode_inactive_tm_frac", "cathode_li_loss_pct"),
        difficulty=_HARDER_TESTS,
        interval_space="units",
    ),
    "rct_ohm": TargetPhysics("rct_ohm", "log10", key_features=("protocol_v_max", "protocol_rct_after_cycles")),
}
#: Mondrian strata of the intervals, first match wins (untreated liquid-cell recipes are the rest):
#: each kind of recipe is covered at the level, not only their mixture.
STRATA: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("solid_state", ("protocol_electrolyte_solid_sulfide", "protocol_electrolyte_solid_halide",
                     "protocol_electrolyte_solid_oxide", "protocol_electrolyte_solid_polymer")),
    ("regenerated", ("regen_applied",)),
    ("coated", ("coating_present",)),
    ("doped", ("dopant_present",)),
)


def domain_features(features: Sequence[str]) -> tuple[str, ...]:
    """The features of a model its applicability domain measures distances in: all it reads except
    how the recipe was written (which of wt % and thickness a paper stated). 2 wt % LiNbO3 and the
    33.8 nm it implies get one prediction, so they must get one verdict."""
    return tuple(f for f in features if f not in _AMOUNT_NOTATION)


def target_features(target: str, feature_sources: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The features ``target``'s model reads: its own protocol, minus what its physics excludes."""
    allowed = set(TARGET_PROTOCOL[target])
    physics = PHYSICS[target]
    out = []
    for name, sources in feature_sources.items():
        foreign = [c for c in sources if c in _PROTOCOL_COLUMNS and c not in allowed]
        if not foreign and not physics.excludes(name):
            out.append(name)
    return tuple(out)


def regressor_for(target: str, feature_sources: dict[str, tuple[str, ...]], *, learner: str = "xgboost",
                  params: dict[str, Any] | None = None, confidence: float | None = 0.9, n_splits: int = 5,
                  seed: int = 42) -> TargetRegressor:
    """The :class:`TargetRegressor` for ``target`` with its physics (inputs, space, directions, bounds)."""
    phys = PHYSICS[target]
    return TargetRegressor(learner=learner, params=dict(phys.params) | dict(params or {}),
                           features=target_features(target, feature_sources),
                           monotone=dict(phys.monotone), smooth=dict(phys.smooth), target_transform=phys.transform,
                           bounds=PHYSICAL_BOUNDS[target], key_features=phys.key_features,
                           strata=STRATA, interval_space=phys.interval_space, impute=phys.impute,
                           difficulty=dict(phys.difficulty) or None,
                           confidence=confidence,
                           n_splits=n_splits, seed=seed)
