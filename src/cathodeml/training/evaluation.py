"""The numbers that say whether a prediction can be trusted, each beside the baseline it must beat.

* :func:`subgroup_coverage` — interval coverage and width per kind of recipe (coated, uncoated,
  regenerated, doped, solid-state, Ni ≥ 0.8): a 90 % interval must cover ~90 % of *each*, not
  only of their mixture.
* :func:`domain_metrics` — under grouped CV, the applicability domain fitted on each training
  fold judges the test fold: the share of test rows it calls in domain, and the MAE in vs out.
  A flag that does not separate better from worse predictions means nothing.
* :func:`treatment_effect_metrics` — predicted vs measured treated-minus-control differences
  within a paper, beside the constant baseline "every treatment has the mean effect of the other
  folds' pairs": if a constant matches the model, the model has learnt no treatment-specific
  effect. Rank correlation (Spearman) says whether it orders treatments right.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from cathodeml.data.defaults import with_defaults
from cathodeml.data.treatments import is_coated, is_doped, is_regenerated
from cathodeml.models.domain import ApplicabilityDomain
from cathodeml.training.cv import OutOfFold
from cathodeml.training.metrics import interval_coverage
from cathodeml.training.rows import TargetRows


def subgroups(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Boolean masks of the recipe kinds whose coverage is reported."""
    eff = with_defaults(frame)
    electrolyte = frame["electrolyte"].fillna("")
    return {
        "coated": is_coated(frame),
        "uncoated": ~is_coated(frame),
        "regenerated": is_regenerated(frame),
        "doped": is_doped(frame),
        "untreated": ~(is_coated(frame) | is_doped(frame) | is_regenerated(frame)),
        "solid_state": electrolyte.str.startswith("solid").to_numpy(),
        "ni_ge_0.8": (eff["ni_frac"].to_numpy(dtype=float) >= 0.8 - 1e-9),
    }


def subgroup_coverage(oof: OutOfFold, frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    out = {}
    ok = ~np.isnan(oof.pred)
    for name, mask in subgroups(frame).items():
        m = mask & ok
        if not m.any() or not np.isfinite(oof.lower[m]).all():
            out[name] = {"n": int(m.sum()), "coverage": float("nan"), "width": float("nan")}
            continue
        out[name] = {"n": int(m.sum()), "coverage": interval_coverage(oof.y[m], oof.lower[m], oof.upper[m]),
                     "width": float(np.mean(oof.upper[m] - oof.lower[m]))}
    return out


def domain_metrics(oof: OutOfFold, rows: TargetRows, features: np.ndarray, settings=None) -> dict[str, float]:
    """In-domain share of test rows and MAE in vs out: the target's own domain (its rows, its
    ``features`` indices, its protocol) refitted on each training fold judges the test fold.
    ``settings`` is the config's domain section (quantile, range tolerance)."""
    inside = np.zeros(rows.n, bool)
    t = rows.target
    for k in np.unique(oof.fold[oof.fold >= 0]):
        test, train = np.flatnonzero(oof.fold == k), np.flatnonzero((oof.fold != k) & (oof.fold >= 0))
        dom = ApplicabilityDomain(**({} if settings is None else {"quantile": settings.quantile,
                                                                   "range_tolerance": settings.range_tolerance})).fit(rows.frame.iloc[train], rows.X.iloc[train].to_numpy(),
                                                         {t: np.ones(len(train), bool)}, {t: features})
        verdict = dom.assess(rows.frame.iloc[test].reset_index(drop=True), rows.X.iloc[test].to_numpy(), target=t)
        inside[test] = verdict["in_domain"].to_numpy()
    err = np.abs(oof.pred - oof.y)
    tested = oof.fold >= 0
    return {"in_domain_share": float(inside[tested].mean()) if tested.any() else float("nan"),
            "mae_in": float(err[tested & inside].mean()) if (tested & inside).any() else float("nan"),
            "mae_out": float(err[tested & ~inside].mean()) if (tested & ~inside).any() else float("nan"),
            "n_in": int((tested & inside).sum()), "n_out": int((tested & ~inside).sum())}


def treatment_effect_metrics(oof: OutOfFold, pairs: list[tuple[int, int]], log10: bool = False) -> dict[str, float]:
    """Predicted vs measured treated − control differences (of log10 values for a log10 target),
    beside the constant-effect baseline on the same pairs."""
    pairs = [(i, j) for i, j in pairs if not (np.isnan(oof.pred[i]) or np.isnan(oof.pred[j]))]
    nan = float("nan")
    if not pairs:
        return {"n_pairs": 0, "mae": nan, "sign_agreement": nan, "spearman": nan, "constant_mae": nan,
                "constant_sign_agreement": nan, "share_measured_positive": nan}
    ti, cj = np.array(pairs).T
    y, pred = (np.log10(oof.y), np.log10(oof.pred)) if log10 else (oof.y, oof.pred)
    measured = y[ti] - y[cj]
    predicted = pred[ti] - pred[cj]
    fold = oof.fold[ti]
    constant = np.array([measured[fold != f].mean() if (fold != f).any() else np.nan for f in fold])
    rho = spearmanr(predicted, measured).statistic if len(pairs) > 2 and np.ptp(predicted) > 0 else nan
    ok = ~np.isnan(constant)
    return {
        "n_pairs": len(pairs),
        "mae": float(np.mean(np.abs(predicted - measured))),
        "sign_agreement": float(np.mean(np.sign(predicted) == np.sign(measured))),
        "spearman": float(rho),
        "constant_mae": float(np.mean(np.abs(constant[ok] - measured[ok]))) if ok.any() else nan,
        "constant_sign_agreement": float(np.mean(np.sign(constant[ok]) == np.sign(measured[ok]))) if ok.any() else nan,
        "share_measured_positive": float(np.mean(measured > 0)),
    }
