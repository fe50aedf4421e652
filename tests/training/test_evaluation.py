"""The honest metrics: a constant effect from other folds, rank correlation, subgroup coverage."""

import numpy as np
import pandas as pd
import pytest

from cathodeml.training.cv import OutOfFold
from cathodeml.training.evaluation import subgroup_coverage, subgroups, treatment_effect_metrics
from tests.conftest import synthetic_frame


def oof(y, pred, fold, lo=None, hi=None):
    y, pred = np.asarray(y, float), np.asarray(pred, float)
    return OutOfFold(y, pred, pred - 1 if lo is None else lo, pred + 1 if hi is None else hi, np.asarray(fold))


def test_constant_effect_baseline_comes_from_the_other_folds():
    # pairs (treated, control) in folds 0, 1, 2 with measured effects 2, 4, 6
    y = [12, 10, 24, 20, 36, 30]
    pred = [11, 10, 21, 20, 31, 30]  # predicted effects 1, 1, 1
    m = treatment_effect_metrics(oof(y, pred, [0, 0, 1, 1, 2, 2]), [(0, 1), (2, 3), (4, 5)])
    # constant for fold 0 = mean(4, 6) = 5 → |5-2| = 3; fold 1: mean(2, 6) = 4 → 0; fold 2: 3 → 3
    assert m["constant_mae"] == pytest.approx(2.0)
    assert m["mae"] == pytest.approx((1 + 3 + 5) / 3)
    assert m["sign_agreement"] == 1.0 and m["constant_sign_agreement"] == 1.0
    assert m["share_measured_positive"] == 1.0 and np.isnan(m["spearman"])  # constant prediction: no ranking


def test_rank_correlation_of_effects():
    y = [12, 10, 24, 20, 36, 30]
    pred = [12, 10, 24, 20, 36, 30]  # perfect effects
    m = treatment_effect_metrics(oof(y, pred, [0, 0, 1, 1, 2, 2]), [(0, 1), (2, 3), (4, 5)])
    assert m["spearman"] == pytest.approx(1.0) and m["mae"] == 0.0


def test_no_pairs_is_not_a_number():
    m = treatment_effect_metrics(oof([1, 2], [1, 2], [0, 1]), [])
    assert m["n_pairs"] == 0 and np.isnan(m["mae"])


def test_subgroups_and_their_coverage():
    frame = synthetic_frame(n_sources=2, per_source=4)
    masks = subgroups(frame)
    assert (masks["coated"] == frame["coating"].notna().to_numpy()).all()
    assert not (masks["coated"] & masks["uncoated"]).any()
    y = np.arange(len(frame), dtype=float)
    cov = subgroup_coverage(oof(y, y + 0.5, np.zeros(len(y), int)), frame)
    assert cov["coated"]["coverage"] == 1.0 and cov["coated"]["width"] == pytest.approx(2.0)
    cov = subgroup_coverage(oof(y, y + 5, np.zeros(len(y), int)), frame)
    assert cov["uncoated"]["coverage"] == 0.0


def test_capacity_intervals_cover_every_kind_of_recipe_on_papers_never_seen(shipped_frame):
    # Grouped CV on the shipped data (the goal: 0.85–0.95 in every subgroup). Before the
    # C-rate / temperature difficulty term, solid-state rows (mostly 10 C tests) were covered
    # 14/17 = 0.82, while the intervals of 0.1 C tests were wider than their errors.
    from cathodeml.features.recipe import RecipeFeaturizer
    from cathodeml.models.physics import regressor_for
    from cathodeml.training.config import TrainConfig
    from cathodeml.training.cv import cross_validate
    from cathodeml.training.train import rows_for

    cfg = TrainConfig()
    featurizer = RecipeFeaturizer().fit(shipped_frame)
    rows = rows_for(cfg, shipped_frame, featurizer, "capacity_mah_g")
    est = regressor_for("capacity_mah_g", featurizer.feature_sources_, seed=cfg.seed)
    o = cross_validate({"xgboost": est}, rows, split="grouped", seed=cfg.seed, n_splits=5)["xgboost"]
    for name, cov in subgroup_coverage(o, rows.frame).items():
        if cov["n"] >= 10:  # one row of slack either side: 19 rows can only be covered 16/19 = 0.84 or 17/19
            slack = 1 / cov["n"]
            assert 0.85 - slack <= cov["coverage"] <= 0.95 + slack, f"{name}: coverage {cov['coverage']:.2f} over {cov['n']} rows"
    rate = rows.frame["capacity_c_rate"].to_numpy(dtype=float)
    width = o.upper - o.lower
    fast, slow = rate >= 5, rate <= 0.1
    assert width[fast].mean() > 1.2 * width[slow].mean(), \
        f"a 5-10 C capacity is harder to predict: width {width[fast].mean():.0f} vs {width[slow].mean():.0f} at 0.1 C"
