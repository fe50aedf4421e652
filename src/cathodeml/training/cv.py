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
    n_jobs: int = 1,
) -> dict[str, OutOfFold]:
    """``{name: OutOfFold}`` of each estimator on the folds of ``split`` (empty if impossible).

    Each training fold brings its rows' augmented copies and its own groups, so grouped
    calibration (and nested tuning) never sees the test fold's papers; test folds hold measured
    rows only.
    """
    return cross_validate_many({split: (estimators, rows, split)}, seed=seed, n_splits=n_splits, on_fold=on_fold,
                               n_jobs=n_jobs).get(split, {})


def cross_validate_many(
    jobs: dict[Any, tuple[dict[str, Any], TargetRows, str]],
    *,
    seed: int,
    n_splits: int,
    on_fold: Callable[[], None] = lambda: None,
    n_jobs: int = 1,
) -> dict[Any, dict[str, OutOfFold]]:
    """:func:`cross_validate` of several ``{key: (estimators, rows, split)}`` at once, their folds
    spread over ``n_jobs`` processes (joblib; -1 = every core). Every fit is seeded and runs on one
    thread, so the numbers are the same bits for any ``n_jobs``; only the wall time changes (the
    CV of the default training is 25 independent folds, ~90 % of its time). Keys whose split is
    impossible are left out."""
    from joblib import Parallel, delayed

    tasks = [(key, k, train, test) for key, (_, rows, split) in jobs.items()
             for k, (train, test) in enumerate(outer_folds(split, rows.groups, rows.n, seed, n_splits))]
    store = {key: {name: OutOfFold.empty(jobs[key][1].y) for name in jobs[key][0]}
             for key in dict.fromkeys(t[0] for t in tasks)}
    calls = (delayed(_fit_fold)(jobs[key][0], jobs[key][1], jobs[key][2], train, test) for key, _, train, test in tasks)
    # (n_jobs 1, or a single fold: joblib runs the calls in this process, one after the other)
    results = Parallel(n_jobs=1 if len(tasks) < 2 else n_jobs, return_as="generator")(calls)
    for (key, k, _, test), preds in zip(tasks, results):
        for name, (p, lo, hi) in preds.items():
            o = store[key][name]
            o.pred[test], o.lower[test], o.upper[test], o.fold[test] = p, lo, hi, k
        on_fold()
    return store


def _fit_fold(estimators: dict[str, Any], rows: TargetRows, split: str, train: np.ndarray,
              test: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Fit each estimator on one training fold and predict its test fold (one BLAS/OpenMP thread,
    as in the parent process: the same bits wherever it runs)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        X, y, groups, weight, calibrate = rows.fit_set(train)
        out = {}
        for name, est in estimators.items():
            fitted = clone(est).fit(X, y, groups=groups if split == "grouped" else None, sample_weight=weight,
                                    calibrate=calibrate)
            out[name] = fitted.predict_interval(rows.X.iloc[test])
        return out


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
