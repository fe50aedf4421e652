"""Conformal prediction intervals (MAPIE), calibrated on grouped out-of-fold residuals.

We use MAPIE's ``CrossConformalRegressor`` with ``method="base"``: the interval is the full-data
model's prediction ± the conformal quantile of the *out-of-fold* absolute residuals, where the
folds keep every source (paper) whole. Grouping matters: residuals of rows whose paper was in
the training fold are optimistic, and intervals calibrated on them under-cover new papers.
With the absolute score that quantile is one number per model; it is all a fitted target model
keeps of MAPIE (see :func:`conformal_halfwidth`), so prediction costs one model evaluation.
Its coverage is measured on held-out papers, not assumed (see :mod:`cathodeml.training.cv`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mapie.regression import CrossConformalRegressor
from sklearn.model_selection import GroupKFold, KFold, LeaveOneGroupOut

#: Below this many sources, folds are leave-one-source-out.
MIN_GROUPS_FOR_KFOLD = 5


def group_cv(groups: np.ndarray | None, n_rows: int, seed: int, n_splits: int = 5):
    """Folds that keep sources whole; plain shuffled KFold when there is only one source."""
    if groups is None or len(np.unique(groups)) < 2:
        return KFold(n_splits=max(2, min(n_splits, n_rows)), shuffle=True, random_state=seed)
    n_groups = len(np.unique(groups))
    if n_groups < MIN_GROUPS_FOR_KFOLD:
        return LeaveOneGroupOut()
    return GroupKFold(n_splits=min(n_splits, n_groups))


def min_calibration_rows(confidence: float) -> int:
    """Rows needed to calibrate a ``confidence`` interval: 1/(1 − confidence), plus one."""
    # minus a round-off: 1 / (1 - 0.9) is 10.000000000000002 in floating point, and needs 10 rows, not 11.
    return int(np.ceil(max(1 / confidence, 1 / (1 - confidence)) - 1e-9)) + 1


def conformal_halfwidth(estimator: Any, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None,
                        confidence: float, seed: int, n_splits: int = 5) -> float:
    """Half-width of the ``confidence`` interval around ``estimator``'s full-data prediction.

    NaN when there are too few rows to calibrate that level: a 90 % interval needs at least
    1/(1 − 0.9) = 10 calibration rows, and cathodeml reports no interval rather than a made-up one.
    """
    if len(y) < min_calibration_rows(confidence):
        return float("nan")
    cv = group_cv(groups, len(y), seed, n_splits)
    reg = CrossConformalRegressor(estimator, confidence_level=confidence, method="base", cv=cv, random_state=seed)
    reg.fit_conformalize(X, y, groups=None if isinstance(cv, KFold) else groups)
    _, bounds = reg.predict_interval(X[:1], aggregate_point_predictions=None)
    return float((bounds[0, 1, 0] - bounds[0, 0, 0]) / 2)
