"""The base learners of a target model and their baselines, built from feature *names*.

Monotone constraints (which directions physics fixes: :mod:`cathodeml.models.physics`) are given
as ``{feature name: +1 | -1}`` and resolved against the feature names the learner is fitted on,
so a learner is not tied to one feature list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.dummy import DummyRegressor
from sklearn.feature_selection import VarianceThreshold
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from xgboost import XGBRegressor

DEFAULT_XGB_PARAMS: dict[str, Any] = {
    "n_estimators": 300,
    "learning_rate": 0.05,
    "max_depth": 4,
    "min_child_weight": 2.0,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
    "reg_alpha": 0.0,
}

#: The learners every target is evaluated with: the model and the baselines it must beat.
LEARNERS = ("xgboost", "dummy", "ridge")


def monotone_vector(monotone: Mapping[str, int] | None, feature_names: Sequence[str]) -> tuple[int, ...]:
    """XGBoost's per-feature constraint tuple (0 = free) from ``{name: direction}``."""
    rules = dict(monotone or {})
    missing = set(rules) - set(feature_names)
    if missing:
        raise ValueError(f"monotone constraint features not produced by the featurizer: {sorted(missing)}")
    return tuple(int(rules.get(name, 0)) for name in feature_names)


class Float32XGBRegressor(XGBRegressor):
    """``XGBRegressor`` handed its labels as float32, the type XGBoost stores them in anyway (the
    trees are bit-identical). Given float64, XGBoost converts them in an OpenMP loop on every
    core, whatever ``n_jobs`` says: ~5 ms per fit on a busy 2-core machine — five times the fit of
    a small model, and cross-validation makes thousands of fits."""

    def fit(self, X: Any, y: Any, **kwargs: Any) -> Float32XGBRegressor:
        return super().fit(X, np.asarray(y, dtype=np.float32), **kwargs)


def make_xgb(feature_names: Sequence[str], monotone: Mapping[str, int] | None, params: Mapping[str, Any] | None,
             seed: int) -> XGBRegressor:
    """A seeded, single-threaded (hence deterministic) XGBoost regressor with its constraints."""
    p = dict(DEFAULT_XGB_PARAMS) | dict(params or {})
    return Float32XGBRegressor(**p, monotone_constraints=monotone_vector(monotone, feature_names),
                               tree_method="hist", random_state=seed, n_jobs=1)


def make_ridge() -> Any:
    """Ridge on median-imputed, missing-flagged, non-constant, standardised features."""
    return make_pipeline(
        # float64: a float32 least-squares solve reduced on several BLAS threads is not bit-reproducible
        FunctionTransformer(np.asarray, kw_args={"dtype": np.float64}),
        SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
        # Drop (near-)constant columns: standardising a column that varies only by round-off
        # divides by ~1e-15 and sends predictions to 1e14.
        VarianceThreshold(threshold=1e-10),
        StandardScaler(),
        Ridge(alpha=1.0),
    )


def make_learner(name: str, feature_names: Sequence[str], monotone: Mapping[str, int] | None,
                 params: Mapping[str, Any] | None, seed: int) -> Any:
    """The unfitted base learner called ``name`` (one of :data:`LEARNERS`)."""
    if name == "xgboost":
        return make_xgb(feature_names, monotone, params, seed)
    if name == "dummy":
        return DummyRegressor(strategy="mean")
    if name == "ridge":
        return make_ridge()
    raise ValueError(f"unknown learner {name!r}; known: {', '.join(LEARNERS)}")
