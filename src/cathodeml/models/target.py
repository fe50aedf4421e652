"""``TargetRegressor``: one target's model as a scikit-learn estimator.

A measured property is learnt in the space where it behaves (``target_transform``: Rct in log10 Ω,
because it spans decades), by a base learner whose monotone constraints are given by feature
*name* (``monotone``), and wrapped in a conformal interval calibrated on grouped out-of-fold
residuals (``confidence``; see :mod:`cathodeml.models.conformal`). Predictions are mapped back
to the target's units and clipped to its physical bounds.

Because it is an ordinary estimator (``__init__`` stores parameters, ``fit`` validates and sets
attributes ending in ``_``), scikit-learn's ``clone``, cross-validation and tuning work on it,
and ``tests/models/test_target.py`` runs ``parametrize_with_checks`` over it.

``estimator_`` is the full-data base learner, in model space: it is what SHAP explains.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from cathodeml.models.conformal import conformal_halfwidth
from cathodeml.models.estimators import MONOTONE, make_learner
from cathodeml.schema import LOG10_TARGETS, PHYSICAL_BOUNDS

#: Invertible maps from a target's units to its model space.
TRANSFORMS: dict[str, tuple[Any, Any]] = {
    "identity": (lambda y: y, lambda z: z),
    "log10": (np.log10, lambda z: 10.0**z),
}


class TargetRegressor(RegressorMixin, BaseEstimator):
    """One target: transform → base learner with named monotone constraints → conformal interval.

    Parameters
    ----------
    learner : {"xgboost", "ridge", "dummy"}
        The base learner (the baselines are evaluated through the same wrapper).
    params : dict or None
        XGBoost parameters over :data:`~cathodeml.models.estimators.DEFAULT_XGB_PARAMS`.
    monotone : dict or None
        ``{feature name: +1 | -1}``; names absent from the fitted features are an error.
    target_transform : {"identity", "log10"}
        Space the learner works in; predictions are mapped back. (Not called ``transform``:
        scikit-learn takes any estimator with a ``transform`` attribute for a transformer.)
    bounds : tuple or None
        ``(low, high)`` physical limits applied to predictions and interval bounds.
    confidence : float or None
        Interval level; ``None`` fits the point model only (no calibration folds).
    n_splits : int
        Calibration folds (grouped by ``groups`` when given to :meth:`fit`).
    seed : int
        Seeds the learner and the folds.
    """

    def __init__(self, learner: str = "xgboost", params: Mapping[str, Any] | None = None,
                 monotone: Mapping[str, int] | None = None, target_transform: str = "identity",
                 bounds: tuple[float, float] | None = None, confidence: float | None = 0.9,
                 n_splits: int = 5, seed: int = 42):
        self.learner = learner
        self.params = params
        self.monotone = monotone
        self.target_transform = target_transform
        self.bounds = bounds
        self.confidence = confidence
        self.n_splits = n_splits
        self.seed = seed

    def fit(self, X: Any, y: Any, groups: np.ndarray | None = None) -> TargetRegressor:
        """Fit on a feature matrix (a DataFrame gives the constraint names) and targets in units."""
        if self.target_transform not in TRANSFORMS:
            raise ValueError(f"target_transform {self.target_transform!r} is not one of {', '.join(TRANSFORMS)}")
        if self.confidence is not None and not 0.5 <= self.confidence < 1:
            raise ValueError(f"confidence {self.confidence} must be in [0.5, 1) or None")
        X, y = validate_data(self, X, y, dtype=np.float32, ensure_all_finite="allow-nan", y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        names = list(getattr(self, "feature_names_in_", [f"x{i}" for i in range(X.shape[1])]))
        forward, _ = TRANSFORMS[self.target_transform]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = forward(y)
        if not np.isfinite(z).all():
            raise ValueError(f"targets must be finite after the {self.target_transform} transform (log10 needs values > 0)")
        base = make_learner(self.learner, names, self.monotone if self.learner == "xgboost" else None,
                            self.params, self.seed)
        self.estimator_ = clone(base).fit(X, z)
        if hasattr(self.estimator_, "set_params") and "n_jobs" in self.estimator_.get_params():
            # Trained on one thread (deterministic); predictions do not depend on the thread count.
            self.estimator_.set_params(n_jobs=-1)
        self.halfwidth_ = (float("nan") if self.confidence is None else
                           conformal_halfwidth(base, X, z, groups, self.confidence, self.seed, self.n_splits))
        self.n_train_ = int(len(y))
        self.n_sources_ = int(len(np.unique(groups))) if groups is not None else 1
        return self

    def _matrix(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        if hasattr(X, "columns"):
            return validate_data(self, X, reset=False, dtype=np.float32, ensure_all_finite="allow-nan")
        X = check_array(X, dtype=np.float32, ensure_all_finite="allow-nan")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input")
        return X

    def predict_model_space(self, X: Any) -> np.ndarray:
        """The learner's prediction in model space (log10 Ω for Rct): what SHAP values add up to."""
        X = self._matrix(X)  # first: an unfitted model raises NotFittedError, not AttributeError
        return np.asarray(self.estimator_.predict(X), dtype=np.float64)

    def predict_interval(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, lower, upper) in the target's units, clipped to ``bounds``; NaN bounds = no interval."""
        z = self.predict_model_space(X)
        _, inverse = TRANSFORMS[self.target_transform]
        point, lo, hi = inverse(z), inverse(z - self.halfwidth_), inverse(z + self.halfwidth_)
        if self.bounds is not None:
            point, lo, hi = (np.clip(a, *self.bounds) for a in (point, lo, hi))
        return point, lo, hi

    def predict(self, X: Any) -> np.ndarray:
        return self.predict_interval(X)[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def target_regressor(target: str, *, learner: str = "xgboost", params: Mapping[str, Any] | None = None,
                     confidence: float | None = 0.9, n_splits: int = 5, seed: int = 42) -> TargetRegressor:
    """The regressor for one of :data:`~cathodeml.schema.TARGETS`, with that target's physics:
    its monotone constraints, its model space (log10 for Rct) and its physical bounds."""
    return TargetRegressor(learner=learner, params=dict(params or {}), monotone=dict(MONOTONE.get(target, {})),
                           target_transform="log10" if target in LOG10_TARGETS else "identity",
                           bounds=PHYSICAL_BOUNDS.get(target), confidence=confidence, n_splits=n_splits, seed=seed)
