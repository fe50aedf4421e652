"""Conformal intervals: nominal coverage on fresh data, folds that keep papers whole, and no
interval rather than a made-up one when there are too few rows."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GroupKFold, KFold, LeaveOneGroupOut
from sklearn.neighbors import KNeighborsRegressor

from cathodeml.models.conformal import conformal_halfwidth, group_cv, min_calibration_rows


def test_coverage_is_close_to_nominal_on_fresh_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=2000)
    groups = np.repeat(np.arange(40), 50)
    q = conformal_halfwidth(LinearRegression(), X[:1000], y[:1000], groups[:1000], 0.9, 0)
    point = LinearRegression().fit(X[:1000], y[:1000]).predict(X[1000:])
    cov = np.mean(np.abs(y[1000:] - point) <= q)
    assert 0.86 <= cov <= 0.94, f"90 % interval covers {cov:.0%} of fresh rows"
    # width ≈ 2 × 1.645 σ for Gaussian noise of σ = 1
    assert 2.9 < 2 * q < 3.8


def test_grouped_calibration_covers_new_papers_where_random_folds_do_not():
    # Each paper shifts its values; a neighbour model recognises the paper from a feature. Random
    # folds leave a row's own paper in training (optimistic residuals); grouped folds do not.
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(40), 10)
    X = np.column_stack([groups + rng.normal(0, 0.05, len(groups)), rng.normal(size=len(groups))])
    y = X[:, 1] + rng.normal(0, 3, 40)[groups] + rng.normal(0, 0.5, len(groups))
    train, new = groups % 4 != 0, groups % 4 == 0
    q_grouped = conformal_halfwidth(KNeighborsRegressor(3), X[train], y[train], groups[train], 0.9, 0)
    q_random = conformal_halfwidth(KNeighborsRegressor(3), X[train], y[train], None, 0.9, 0)
    residual = np.abs(y[new] - KNeighborsRegressor(3).fit(X[train], y[train]).predict(X[new]))
    assert q_grouped > 2 * q_random, "grouped residuals include the paper-to-paper spread"
    cov_grouped, cov_random = np.mean(residual <= q_grouped), np.mean(residual <= q_random)
    assert cov_grouped > cov_random + 0.25, f"new papers covered {cov_grouped:.0%} (grouped) vs {cov_random:.0%}"


def test_too_few_rows_give_no_interval():
    X = np.arange(8, dtype=float).reshape(-1, 1)
    assert np.isnan(conformal_halfwidth(LinearRegression(), X, 2 * X[:, 0], None, 0.9, 0))


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
