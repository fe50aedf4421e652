"""Conformal prediction intervals (MAPIE), calibrated on grouped out-of-fold residuals.

We use MAPIE's ``CrossConformalRegressor`` with ``method="base"``: the interval is the full-data
model's prediction ± the conformal quantile of the *out-of-fold* absolute residuals, where the
folds keep every source (paper) whole. Grouping matters: residuals of rows whose paper was in
the training fold are optimistic, and intervals calibrated on them under-cover new papers.
``"base"`` (rather than CV+) needs one model evaluation per prediction, which keeps screening
millions of candidates cheap; its coverage is measured, not assumed (see ``training.cv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from mapie.regression import CrossConformalRegressor
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, KFold, LeaveOneGroupOut

#: Below this many sources, folds are leave-one-source-out.
MIN_GROUPS_FOR_KFOLD = 5


def group_cv(groups: np.ndarray | None, n_rows: int, seed: int, n_splits: int = 5):
    """Folds that keep sources whole; plain shuffled KFold when there is only one source."""
    if groups is None or len(np.unique(groups)) < 2:
        return KFold(n_splits=min(n_splits, n_rows), shuffle=True, random_state=seed)
    n_groups = len(np.unique(groups))
    if n_groups < MIN_GROUPS_FOR_KFOLD:
        return LeaveOneGroupOut()
    return GroupKFold(n_splits=min(n_splits, n_groups))


@dataclass
class PointOnly:
    """A fitted estimator with no interval: too few rows to calibrate the requested level.

    A 90 % conformal interval needs at least 1/(1 − 0.9) = 10 calibration rows; with fewer,
    cathodeml reports the point prediction and NaN bounds rather than a made-up interval.
    """

    estimator: Any

    def predict_interval(self, X: np.ndarray, aggregate_point_predictions=None):
        point = self.estimator.predict(X)
        nan = np.full((len(point), 2, 1), np.nan)
        return point, nan


def min_calibration_rows(confidence: float) -> int:
    return int(np.ceil(max(1 / confidence, 1 / (1 - confidence)) + 1e-9)) + 1


def fit_conformal(
    estimator: Any, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None, confidence: float, seed: int
) -> CrossConformalRegressor | PointOnly:
    """Fit ``estimator`` on all rows and calibrate a ``confidence`` interval on grouped OOF residuals."""
    if len(y) < min_calibration_rows(confidence):
        return PointOnly(clone(estimator).fit(X, y))
    cv = group_cv(groups, len(y), seed)
    reg = CrossConformalRegressor(estimator, confidence_level=confidence, method="base", cv=cv, random_state=seed)
    use_groups = groups if not isinstance(cv, KFold) else None
    reg.fit_conformalize(X, y, groups=use_groups)
    return reg


def predict_interval(reg: CrossConformalRegressor | PointOnly, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(point, lower, upper) from the full-data model and the calibrated residual quantile."""
    point, bounds = reg.predict_interval(X, aggregate_point_predictions=None)
    return point, bounds[:, 0, 0], bounds[:, 1, 0]
