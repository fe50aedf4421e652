"""Mondrian, normalised cross-conformal quantiles: coverage per stratum, wider when fields are unknown."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from sklearn.model_selection import GroupKFold, KFold, LeaveOneGroupOut

from cathodeml.models.conformal import (
    Calibration,
    conformal_quantile,
    difficulty,
    fit_weight,
    fit_weights,
    group_cv,
    min_calibration_rows,
)


def test_finite_sample_quantile():
    scores = np.arange(1, 20, dtype=float)  # 19 scores: ceil(20 × 0.9) = 18th smallest
    assert conformal_quantile(scores, 0.9) == 18.0
    assert np.isnan(conformal_quantile(scores[:9], 0.9))  # 9 < 11 rows: no 90 % interval
    assert min_calibration_rows(0.9) == 11


def test_each_stratum_is_covered_at_the_level_on_fresh_data():
    rng = np.random.default_rng(0)
    n = 4000
    strata = rng.integers(0, 2, n)
    noise = np.where(strata == 1, 3.0, 1.0)  # stratum 1 is three times as hard
    res = rng.normal(0, noise)
    cal = Calibration.fit(res[:2000], np.zeros(2000), strata[:2000], 0.9)
    half = cal.halfwidth(np.zeros(2000), strata[2000:])
    covered = np.abs(res[2000:]) <= half
    for s in (0, 1):
        assert 0.87 <= covered[strata[2000:] == s].mean() <= 0.93, s
    assert half[strata[2000:] == 1].mean() > 2.5 * half[strata[2000:] == 0].mean()


def test_unknown_fields_widen_the_interval():
    rng = np.random.default_rng(1)
    share = rng.choice([0.0, 0.5, 1.0], 3000)
    res = rng.normal(0, 1 + 2 * share)
    w = fit_weight(np.abs(res), share)
    assert 1.3 < w < 3.0
    cal = Calibration.fit(res, share, np.zeros(3000, int), 0.9)
    assert cal.halfwidth(np.array([1.0]), np.array([0]))[0] > 2 * cal.halfwidth(np.array([0.0]), np.array([0]))[0]
    assert difficulty(np.array([0.5]), 2.0)[0] == pytest.approx(2.0)


def test_a_harder_protocol_widens_the_interval_and_keeps_coverage_there():
    # |residual| grows with how far a feature lies beyond its usual value (a high C-rate, say):
    # the fitted weight recovers the slope, and both the easy and the hard rows are covered at
    # the level on fresh data, where one global width over-covers the easy and misses the hard.
    rng = np.random.default_rng(2)
    n = 6000
    spread = rng.choice([0.0, 1.0, 2.0], n)[:, None]
    share = rng.choice([0.0, 0.5], n)
    res = rng.normal(0, 1 + 1.5 * spread[:, 0] + 1.0 * share)
    weight, (w_spread,) = fit_weights(np.abs(res), share, spread)
    assert 1.0 < w_spread < 2.2 and 0.5 < weight < 1.6, (weight, w_spread)
    cal = Calibration.fit(res[:3000], share[:3000], np.zeros(3000, int), 0.9, spread[:3000])
    half = cal.halfwidth(share[3000:], np.zeros(3000, int), spread[3000:])
    covered = np.abs(res[3000:]) <= half
    for level in (0.0, 2.0):
        assert 0.86 <= covered[spread[3000:, 0] == level].mean() <= 0.94, level
    flat = Calibration.fit(res[:3000], share[:3000], np.zeros(3000, int), 0.9)
    flat_cov = np.abs(res[3000:]) <= flat.halfwidth(share[3000:], np.zeros(3000, int))
    assert flat_cov[spread[3000:, 0] == 2.0].mean() < 0.85 < 0.95 < flat_cov[spread[3000:, 0] == 0.0].mean()


def test_near_perfect_easy_rows_keep_the_widening_and_caps_follow_each_columns_unit():
    # Easy rows predicted almost exactly must not switch the widening off (the intercept is
    # floored at a tenth of the mean |residual|), and a weight is capped by its column's own
    # range (σ at most ×6 over the calibration rows), not by one number for °C and decades alike.
    rng = np.random.default_rng(4)
    spread = rng.choice([0.0, 1.0, 2.0], (600, 1))
    for intercept in (0.0, 1e-6, 0.05):
        _, (w,) = fit_weights(intercept + rng.uniform(0.5, 1.5, 600) * spread[:, 0], np.zeros(600), spread)
        assert w == pytest.approx(2.5), (intercept, w)  # capped at 5 / max spread (2), not 0 and not 5
    hot = rng.uniform(0, 40, (600, 1))  # a spread in °C: a tenth of a point per degree
    _, (w_hot,) = fit_weights(1.0 + 0.1 * hot[:, 0] * rng.uniform(0.5, 1.5, 600), np.zeros(600), hot)
    assert 0.05 < w_hot < 0.125


def test_a_spread_unrelated_to_the_error_gets_no_weight():
    rng = np.random.default_rng(3)
    spread = rng.uniform(0, 2, (2000, 1))
    res = rng.normal(0, 1, 2000)
    _, (w,) = fit_weights(np.abs(res), np.zeros(2000), spread)
    assert w < 0.1
    # without spread columns the weight is the unknown-share fit alone
    assert fit_weights(np.abs(res), np.zeros(2000)) == (0.0, ())


def test_a_small_stratum_falls_back_to_the_pooled_quantile():
    res = np.r_[np.ones(50), 10 * np.ones(5)]
    strata = np.r_[np.zeros(50, int), np.ones(5, int)]
    cal = Calibration.fit(res, np.zeros(55), strata, 0.9)
    assert 1 not in cal.quantiles  # 5 rows cannot calibrate 90 %
    assert cal.halfwidth(np.zeros(1), np.array([1]))[0] == cal.quantiles[-1]


def test_out_of_fold_keeps_sources_apart():
    from cathodeml.models.conformal import out_of_fold
    from cathodeml.models.target import TargetRegressor

    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 2))
    y = X[:, 0] + rng.normal(0, 0.1, 60)
    groups = np.repeat(np.arange(6), 10)
    pred = out_of_fold(TargetRegressor(learner="ridge", confidence=None), X, y, groups, seed=0)
    assert np.isfinite(pred).all()
    full = LinearRegression().fit(X, y).predict(X)
    assert not np.allclose(pred, full)  # each row was predicted by a model that did not see its source


@pytest.mark.parametrize(("confidence", "rows"), [(0.9, 11), (0.95, 21), (0.8, 6), (0.5, 3)])
def test_calibration_needs_one_over_alpha_rows_plus_one(confidence, rows):
    assert min_calibration_rows(confidence) == rows


def test_folds_keep_sources_whole_and_fall_back_when_there_are_few():
    assert isinstance(group_cv(None, 30, 0), KFold)
    assert isinstance(group_cv(np.array(["a"] * 30), 30, 0), KFold)  # one source: nothing to keep apart
    assert isinstance(group_cv(np.repeat(list("abcd"), 5), 20, 0), LeaveOneGroupOut)  # < 5 sources
    cv = group_cv(np.repeat(list("abcdefg"), 3), 21, 0, n_splits=5)
    assert isinstance(cv, GroupKFold) and cv.n_splits == 5
    assert group_cv(np.repeat(list("abcdef"), 3), 18, 0, n_splits=10).n_splits == 6  # no more folds than sources
    assert group_cv(None, 3, 0).n_splits == 3  # no more folds than rows
