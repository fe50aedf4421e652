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
