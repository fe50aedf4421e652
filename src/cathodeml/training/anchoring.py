"""Fitting a target's :class:`~cathodeml.models.anchoring.Anchor` on the literature's
treated/control pairs, under grouped CV (folds keep each paper whole, so a pair's treated and
control rows are always in the same test fold).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.base import clone

from cathodeml.data.treatments import untreated
from cathodeml.models.anchoring import Anchor
from cathodeml.models.conformal import conformal_quantile, group_cv, min_calibration_rows
from cathodeml.models.transforms import get_transform
from cathodeml.training.rows import TargetRows


def pair_effects(rows: TargetRows, pairs: list[tuple[int, int]], estimator, featurize: Callable[[pd.DataFrame], pd.DataFrame],
                 seed: int, n_splits: int) -> pd.DataFrame:
    """Per pair (treated i, control j): measured values, and out-of-fold model-space predictions of
    the treated recipe and of its untreated counterfactual, with the fold of the pair."""
    tf = get_transform(estimator.target_transform)
    X0 = featurize(untreated(rows.frame))
    z, z0 = np.full(rows.n, np.nan), np.full(rows.n, np.nan)
    fold = np.full(rows.n, -1)
    cv = group_cv(rows.groups, rows.n, seed, n_splits)
    split_groups = rows.groups if len(np.unique(rows.groups)) >= 2 else None
    need = np.zeros(rows.n, bool)
    need[[i for i, _ in pairs]] = True
    point = clone(estimator).set_params(confidence=None)
    for k, (train, test) in enumerate(cv.split(np.zeros(rows.n), rows.y, groups=split_groups)):
        test = test[need[test]]
        if not len(test):
            continue
        X, y, g, w, _ = rows.fit_set(train)
        m = clone(point).fit(X, y, groups=g, sample_weight=w)
        z[test] = m.predict_model_space(rows.X.iloc[test])
        z0[test] = m.predict_model_space(X0.iloc[test])
        fold[test] = k
    ti = np.array([i for i, _ in pairs], dtype=np.int64)
    cj = np.array([j for _, j in pairs], dtype=np.int64)
    return pd.DataFrame({"treated": ti, "control": cj, "fold": fold[ti], "y_treated": rows.y[ti], "y_control": rows.y[cj],
                         "z_treated": tf.forward(rows.y[ti]), "z_control": tf.forward(rows.y[cj]),
                         "z_pred": z[ti], "z_pred_untreated": z0[ti]})


def fit_anchor(rows: TargetRows, pairs: list[tuple[int, int]], estimator, featurize, *, seed: int, n_splits: int,
               confidence: float) -> tuple[Anchor | None, pd.DataFrame]:
    """The anchor of ``rows.target`` and the per-pair table behind it; None when the literature has
    too few treated/control pairs to calibrate an anchored interval at ``confidence``."""
    if len(pairs) < min_calibration_rows(confidence):
        return None, pd.DataFrame()
    tf = get_transform(estimator.target_transform)
    p = pair_effects(rows, pairs, estimator, featurize, seed, n_splits)
    measured = p["z_treated"] - p["z_control"]
    # The constant baseline of each pair is learnt from the *other* folds' pairs (no peeking).
    const = np.array([np.median(measured[p["fold"] != f]) if (p["fold"] != f).any() else np.median(measured)
                      for f in p["fold"]])
    p["z_anchor_model"] = p["z_control"] + (p["z_pred"] - p["z_pred_untreated"])
    p["z_anchor_constant"] = p["z_control"] + const
    units = {k: tf.inverse(p[f"z_{k}"]) for k in ("anchor_model", "anchor_constant", "pred")}
    mae = {k: float(np.mean(np.abs(v - p["y_treated"]))) for k, v in units.items()}
    mode = "model" if mae["anchor_model"] < mae["anchor_constant"] else "constant"
    residual = p["z_treated"] - p[f"z_anchor_{mode}"]
    anchor = Anchor(rows.target, mode, float(np.median(measured)), conformal_quantile(np.abs(residual), confidence),
                    len(p), mae["anchor_model"], mae["anchor_constant"], mae["pred"])
    return anchor, p
