"""Conformal prediction intervals calibrated on grouped out-of-fold residuals — per stratum,
and scaled by how much of a recipe is unknown.

Cross-conformal, "base" variant (Vovk 2015; MAPIE's ``CrossConformalRegressor(method="base")``):
the interval is the full-data model's prediction ± a quantile of *out-of-fold* scores, where the
folds keep every source (paper) whole — residuals of rows whose paper was in the training fold
are optimistic, and intervals calibrated on them under-cover new papers.

Two refinements make the interval conditionally honest, which one global quantile is not (under
grouped CV it covered untreated controls 80 % of the time and doped samples 98 %):

* **Mondrian strata** (Vovk et al. 2005): the quantile is taken separately for untreated and
  treated recipes (each needs ≥ 1/(1 − level) + 1 calibration rows, else the pooled quantile is
  used), so each stratum is covered at the level, not only their mixture;
* **normalised scores** (Lei et al. 2018, "locally weighted" conformal): the score is
  ``|residual| / σ(x)`` with ``σ(x) = 1 + w · (share of the target's key protocol fields that
  are unknown)``, ``w`` fitted on the out-of-fold residuals; a recipe that leaves its voltage
  window or cycle count blank gets a proportionally wider interval.

Everything is in the model's space (log10 Ω for Rct, log capacity loss for retention), so the
back-transformed interval also widens where the target is steep (a 60 % retention is less
certain than a 97 % one). MAPIE computes neither grouped Mondrian nor normalised cross-conformal
quantiles from precomputed out-of-fold predictions, hence this module; its quantile is the
standard finite-sample one, ``ceil((n + 1)·level)/n``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
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


def out_of_fold(estimator, X, y: np.ndarray, groups: np.ndarray | None, seed: int, n_splits: int = 5,
                sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Model-space predictions (``predict_model_space``) of every row by a clone of ``estimator``
    fitted on folds that did not contain its source (or, with one source, its row)."""
    from sklearn.base import clone

    cv = group_cv(groups, len(y), seed, n_splits)
    split_groups = groups if groups is not None and len(np.unique(groups)) >= 2 else None
    pred = np.full(len(y), np.nan)
    take = (lambda idx: X.iloc[idx]) if hasattr(X, "iloc") else (lambda idx: X[idx])
    for train, test in cv.split(np.zeros(len(y)), y, groups=split_groups):
        fold_groups = None if split_groups is None else groups[train]
        w = None if sample_weight is None else sample_weight[train]
        pred[test] = clone(estimator).fit(take(train), y[train], groups=fold_groups,
                                          sample_weight=w).predict_model_space(take(test))
    return pred


def min_calibration_rows(confidence: float) -> int:
    """Rows needed to calibrate a ``confidence`` interval: 1/(1 − confidence), plus one."""
    # minus a round-off: 1 / (1 - 0.9) is 10.000000000000002 in floating point, and needs 10 rows, not 11.
    return int(np.ceil(max(1 / confidence, 1 / (1 - confidence)) - 1e-9)) + 1


def conformal_quantile(scores: np.ndarray, confidence: float) -> float:
    """The finite-sample conformal quantile; +inf when there are too few scores for the level."""
    scores = np.sort(np.asarray(scores, dtype=float))
    n = len(scores)
    if n < min_calibration_rows(confidence):
        return float("nan")
    k = int(np.ceil((n + 1) * confidence))
    return float(scores[min(k, n) - 1])


def difficulty(unknown_share: np.ndarray, weight: float, spread: np.ndarray | None = None,
               spread_weights: tuple[float, ...] = ()) -> np.ndarray:
    """σ(x) = 1 + weight · (share of key fields unknown) + Σ_k w_k · spread_k (how far feature k
    lies from its usual value; ``spread`` is n × k)."""
    sigma = 1.0 + weight * np.asarray(unknown_share, dtype=float)
    for k, w in enumerate(spread_weights):
        if w:
            sigma = sigma + w * np.asarray(spread, dtype=float)[:, k]
    return sigma


def fit_weight(abs_residuals: np.ndarray, unknown_share: np.ndarray) -> float:
    """Least-squares slope of |residual| on the unknown share, relative to the intercept (≥ 0)."""
    u = np.asarray(unknown_share, dtype=float)
    r = np.asarray(abs_residuals, dtype=float)
    if np.ptp(u) == 0 or len(r) < 5:
        return 0.0
    slope, intercept = np.polyfit(u, r, 1)
    if intercept <= 0:
        return 0.0
    return float(np.clip(slope / intercept, 0.0, 5.0))


def fit_weights(abs_residuals: np.ndarray, unknown_share: np.ndarray,
                spread: np.ndarray | None = None) -> tuple[float, tuple[float, ...]]:
    """Non-negative least-squares fit of |residual| ≈ a + b · unknown share + Σ c_k · spread_k;
    the weights are the slopes relative to the intercept, ``(b/a, (c_k/a, …))``.

    The intercept is floored at a tenth of the mean |residual| (near-perfect easy rows must not
    turn a strong widening into none, nor into the cap). Each weight is capped so that its column
    at most multiplies σ by 6 over the calibration rows (5 per unit of the unknown share, as
    :func:`fit_weight`; ``5 / max spread_k``), whatever the column's unit. A column without
    variation gets weight 0. Without spread columns this is :func:`fit_weight`."""
    from scipy.optimize import nnls

    if spread is None or np.shape(spread)[1] == 0:
        return fit_weight(abs_residuals, unknown_share), ()
    r = np.asarray(abs_residuals, dtype=float)
    cols = [np.asarray(unknown_share, dtype=float)]
    cols += [np.asarray(spread, dtype=float)[:, k] for k in range(np.shape(spread)[1])]
    live = np.array([len(c) > 0 and np.ptp(c) > 0 for c in cols])
    if len(r) < 5 or not live.any() or not np.mean(r) > 0:
        return 0.0, tuple(0.0 for _ in cols[1:])
    B = np.column_stack([c for c, ok in zip(cols, live) if ok])
    coef, _ = nnls(np.column_stack([np.ones(len(r)), B]), r)
    intercept, slopes = coef[0], coef[1:]
    floor = 0.1 * float(np.mean(r))
    if intercept < floor:
        intercept = floor
        slopes, _ = nnls(B, r - floor)
    out = np.zeros(len(cols))
    out[np.flatnonzero(live)] = slopes / intercept
    caps = np.array([5.0] + [5.0 / np.max(c) if np.max(c) > 0 else 0.0 for c in cols[1:]])
    w = np.clip(out, 0.0, caps)
    return float(w[0]), tuple(float(v) for v in w[1:])


@dataclass
class Calibration:
    """Per-stratum score quantiles and the difficulty weights: all an interval needs at predict time."""

    confidence: float
    weight: float = 0.0
    quantiles: dict[int, float] = field(default_factory=dict)  # stratum → quantile; -1 = pooled
    spread_weights: tuple[float, ...] = ()  # one per difficulty feature (TargetRegressor.difficulty)

    @classmethod
    def fit(cls, residuals: np.ndarray, unknown_share: np.ndarray, strata: np.ndarray, confidence: float,
            spread: np.ndarray | None = None) -> Calibration:
        abs_res = np.abs(np.asarray(residuals, dtype=float))
        weight, spread_weights = fit_weights(abs_res, unknown_share, spread)
        scores = abs_res / difficulty(unknown_share, weight, spread, spread_weights)
        quantiles = {-1: conformal_quantile(scores, confidence)}
        for s in np.unique(strata):
            q = conformal_quantile(scores[strata == s], confidence)
            if np.isfinite(q):
                quantiles[int(s)] = q
        return cls(confidence, weight, quantiles, spread_weights)

    def halfwidth(self, unknown_share: np.ndarray, strata: np.ndarray, spread: np.ndarray | None = None) -> np.ndarray:
        """Half-width of each row's interval in model space (NaN: too few rows to calibrate)."""
        strata = np.asarray(strata)
        q = np.full(len(strata), self.quantiles.get(-1, float("nan")))
        for s, value in self.quantiles.items():
            if s >= 0:
                q[strata == s] = value
        return q * difficulty(unknown_share, self.weight, spread, self.spread_weights)
