"""Cross-validated evaluation that does not lie: sources kept whole, baselines beside the model.

Rows from one paper share a lab, a precursor batch and a test protocol; a random split puts
near-copies of a test row in the training set and flatters the model. The headline is therefore
*grouped* CV by ``source`` (GroupKFold; leave-one-source-out when there are fewer than five
sources), with random KFold reported beside it so the gap is visible. Every learner — XGBoost,
the mean (dummy) and ridge — is the same :class:`~cathodeml.models.target.TargetRegressor`
wrapper on the same folds, so intervals are compared like for like. Intervals are calibrated
inside each training fold (on its own grouped out-of-fold residuals) and their coverage is
measured on the outer test fold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold

from cathodeml.data.treatments import is_treated
from cathodeml.models.conformal import group_cv
from cathodeml.schema import LOG10_TARGETS, TARGET_PROTOCOL
from cathodeml.training.metrics import regression_metrics
from cathodeml.training.rows import TargetRows

SPLITS = ("grouped", "random")


@dataclass
class OutOfFold:
    """Out-of-fold predictions of one model under one split (target units; positions index the
    target's rows)."""

    y: np.ndarray
    pred: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    fold: np.ndarray

    @classmethod
    def empty(cls, y: np.ndarray) -> OutOfFold:
        n = len(y)
        return cls(y, np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan), np.full(n, -1))

    def metrics(self, log10: bool = False) -> dict[str, float]:
        """Metrics in the target's units, or in log10 space (how Rct is modelled and reported)."""
        ok = ~np.isnan(self.pred)
        y, p, lo, hi = self.y[ok], self.pred[ok], self.lower[ok], self.upper[ok]
        if log10:
            with np.errstate(divide="ignore", invalid="ignore"):
                y, p, lo, hi = (np.log10(a) for a in (y, p, lo, hi))
        return regression_metrics(y, p, lo, hi)


def outer_folds(split: str, groups: np.ndarray, n: int, seed: int, n_splits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The outer folds of a split; empty when the split is impossible (one source, < 2 rows)."""
    idx = np.arange(n)
    if split == "grouped":
        if len(np.unique(groups)) < 2:
            return []
        return list(group_cv(groups, n, seed, n_splits).split(idx, groups=groups))
    if n < 2:
        return []
    return list(KFold(n_splits=min(n_splits, n), shuffle=True, random_state=seed).split(idx))


def cross_validate(
    estimators: dict[str, Any],
    rows: TargetRows,
    *,
    split: str,
    seed: int,
    n_splits: int,
    on_fold: Callable[[], None] = lambda: None,
) -> dict[str, OutOfFold]:
    """``{name: OutOfFold}`` of each estimator on the folds of ``split`` (empty if impossible).

    Each training fold brings its rows' augmented copies and its own groups, so grouped
    calibration (and nested tuning) never sees the test fold's papers; test folds hold measured
    rows only.
    """
    folds = outer_folds(split, rows.groups, rows.n, seed, n_splits)
    if not folds:
        return {}
    store = {name: OutOfFold.empty(rows.y) for name in estimators}
    for k, (train, test) in enumerate(folds):
        X, y, groups, weight, calibrate = rows.fit_set(train)
        for name, est in estimators.items():
            fitted = clone(est).fit(X, y, groups=groups if split == "grouped" else None, sample_weight=weight,
                                    calibrate=calibrate)
            p, lo, hi = fitted.predict_interval(rows.X.iloc[test])
            o = store[name]
            o.pred[test], o.lower[test], o.upper[test], o.fold[test] = p, lo, hi, k
        on_fold()
    return store


def n_outer_folds(groups: np.ndarray, n: int, seed: int, n_splits: int) -> int:
    return sum(len(outer_folds(s, groups, n, seed, n_splits)) for s in SPLITS)


def metrics_of(target: str, oof: dict[str, dict[str, OutOfFold]]) -> dict[str, dict[str, dict[str, float]]]:
    """``{split: {model: metrics}}``; Rct in log10 Ω (its model space)."""
    log10 = target in LOG10_TARGETS
    return {split: {m: o.metrics(log10) for m, o in models.items()} for split, models in oof.items()}


# ---- treatment effect relative to the paper's own control ------------------------------------


def treatment_pairs(frame: pd.DataFrame, target: str) -> list[tuple[int, int]]:
    """(treated, control) positions: same source, same protocol, control untreated."""
    keys = list(TARGET_PROTOCOL[target])
    key = frame[["source", *keys]].astype(str).agg("|".join, axis=1).to_numpy()
    treated = is_treated(frame)
    pairs = []
    for i in np.flatnonzero(treated):
        for j in np.flatnonzero(~treated & (key == key[i])):
            pairs.append((int(i), int(j)))
    return pairs
