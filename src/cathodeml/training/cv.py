"""Cross-validated evaluation that does not lie: sources kept whole, baselines beside the model.

Rows from one paper share a lab, a precursor batch and a test protocol; a random split puts
near-copies of a test row in the training set and flatters the model. The headline is therefore
*grouped* CV by ``source`` (GroupKFold; leave-one-source-out when there are fewer than five
sources), with random KFold reported beside it so the gap is visible. Every model — XGBoost, the
mean (dummy) and ridge — gets the same folds and the same conformal wrapper, so intervals are
compared like for like. Intervals are calibrated inside each training fold (on its own grouped
out-of-fold residuals) and their coverage is measured on the outer test fold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold

from cathodeml.data.columns import TARGET_PROTOCOL
from cathodeml.models.conformal import fit_conformal, group_cv, predict_interval
from cathodeml.models.estimators import MODEL_NAMES, make_model
from cathodeml.training.metrics import regression_metrics

SPLITS = ("grouped", "random")


@dataclass
class OutOfFold:
    """Out-of-fold predictions of one model under one split (positions index the target's rows)."""

    y: np.ndarray
    pred: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    fold: np.ndarray

    def metrics(self) -> dict[str, float]:
        ok = ~np.isnan(self.pred)
        return regression_metrics(self.y[ok], self.pred[ok], self.lower[ok], self.upper[ok])


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


def cross_validate_target(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    target: str,
    feature_names: list[str],
    *,
    seed: int,
    confidence: float,
    n_splits: int,
    params_for: Callable[[str, np.ndarray], dict[str, Any]] = lambda split, train: {},
    on_fold: Callable[[], None] = lambda: None,
) -> dict[str, dict[str, OutOfFold]]:
    """{split: {model: OutOfFold}} for one target. ``params_for`` may tune XGBoost per fold."""
    results: dict[str, dict[str, OutOfFold]] = {}
    for split in SPLITS:
        folds = outer_folds(split, groups, len(y), seed, n_splits)
        if not folds:
            continue
        store = {m: OutOfFold(y, *(np.full(len(y), np.nan) for _ in range(3)), np.full(len(y), -1)) for m in MODEL_NAMES}
        for k, (train, test) in enumerate(folds):
            inner_groups = groups[train] if split == "grouped" else None
            xgb_params = params_for(split, train)
            for name in MODEL_NAMES:
                est = make_model(name, target, feature_names, xgb_params, seed)
                reg = fit_conformal(est, X[train], y[train], inner_groups, confidence, seed)
                p, lo, hi = predict_interval(reg, X[test])
                o = store[name]
                o.pred[test], o.lower[test], o.upper[test], o.fold[test] = p, lo, hi, k
            on_fold()
        results[split] = store
    return results


def n_outer_folds(groups: np.ndarray, n: int, seed: int, n_splits: int) -> int:
    return sum(len(outer_folds(s, groups, n, seed, n_splits)) for s in SPLITS)


# ---- treatment effect relative to the paper's own control ------------------------------------

PROTOCOL_KEYS = TARGET_PROTOCOL


def is_treated(frame: pd.DataFrame) -> np.ndarray:
    """A row is treated if it has a coating, a dopant or a regeneration other than none."""
    regen = frame["regen_method"].fillna("none") != "none"
    return (frame["coating"].notna() | frame["dopant"].notna() | regen).to_numpy()


def treatment_pairs(frame: pd.DataFrame, target: str) -> list[tuple[int, int]]:
    """(treated, control) positions: same source, same protocol, control untreated."""
    keys = list(PROTOCOL_KEYS[target])
    key = frame[["source", *keys]].astype(str).agg("|".join, axis=1).to_numpy()
    treated = is_treated(frame)
    pairs = []
    for i in np.flatnonzero(treated):
        for j in np.flatnonzero(~treated & (key == key[i])):
            pairs.append((int(i), int(j)))
    return pairs


def treatment_effect_metrics(oof: OutOfFold, pairs: list[tuple[int, int]]) -> dict[str, float]:
    """MAE of predicted vs measured treated-minus-control differences, and sign agreement."""
    pairs = [(i, j) for i, j in pairs if not (np.isnan(oof.pred[i]) or np.isnan(oof.pred[j]))]
    if not pairs:
        return {"mae": float("nan"), "sign_agreement": float("nan"), "n_pairs": 0}
    ti, cj = np.array(pairs).T
    measured = oof.y[ti] - oof.y[cj]
    predicted = oof.pred[ti] - oof.pred[cj]
    return {
        "mae": float(np.mean(np.abs(predicted - measured))),
        "sign_agreement": float(np.mean(np.sign(predicted) == np.sign(measured))),
        "n_pairs": len(pairs),
    }
