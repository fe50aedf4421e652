"""``CathodeModel``: featurizer + one conformalised regressor per target, as one object.

This is what ``cathodeml train`` produces, what ``--out DIR`` writes, what the MLflow pyfunc
wraps and what ``predict`` and the service load. It takes raw recipe columns and returns, per
target T, ``T_pred``, ``T_lower`` and ``T_upper`` (the names of ``recipe-columns.md``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from cathodeml.data.columns import TARGETS
from cathodeml.data.io import RecipeValidationError
from cathodeml.data.rules import check_frame
from cathodeml.features.recipe import RecipeFeaturizer, as_recipe_frame
from cathodeml.models.conformal import predict_interval
from cathodeml.models.domain import ApplicabilityDomain

MODEL_FILE = "cathodeml_model.joblib"
#: Physical limits applied to predictions and interval bounds (retention is a share of the first
#: cycle's capacity; a capacity is positive).
PHYSICAL_BOUNDS = {"retention_pct": (0.0, 100.0), "capacity_mah_g": (0.0, np.inf)}
META_FILE = "model.json"


@dataclass
class TargetModel:
    """One target's fitted conformal regressor and what it was trained on."""

    target: str
    regressor: Any
    log10: bool
    n_train: int
    n_sources: int
    params: dict[str, Any]

    @property
    def point_estimator(self) -> Any:
        """The full-data XGBoost model behind the point prediction (what SHAP explains)."""
        est = getattr(self.regressor, "estimator", None)  # PointOnly
        return est if est is not None else self.regressor._mapie_regressor.estimator_.single_estimator_


@dataclass
class CathodeModel:
    """The trained predictor. Build it with :func:`cathodeml.training.train.train`."""

    featurizer: RecipeFeaturizer
    targets: dict[str, TargetModel]
    confidence: float
    meta: dict[str, Any] = field(default_factory=dict)
    domain: ApplicabilityDomain | None = None

    @property
    def feature_names(self) -> list[str]:
        return list(self.featurizer.get_feature_names_out())

    def prediction_columns(self) -> list[str]:
        cols = [f"{t}_{s}" for t in TARGETS if t in self.targets for s in ("pred", "lower", "upper")]
        return cols + (["in_domain", "domain_notes"] if self.domain is not None else [])

    def validate(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Check a recipe frame (typed or raw) against the schema; raise with every problem."""
        result = check_frame(frame.reset_index(drop=True))
        if result.problems:
            raise RecipeValidationError(None, result.problems, result.ignored_columns)
        return result.frame

    def featurize(self, frame: pd.DataFrame) -> np.ndarray:
        return self.featurizer.transform(frame)

    def predict_features(self, X: np.ndarray) -> pd.DataFrame:
        """Predictions with intervals from an already-featurized matrix."""
        if not getattr(self, "_threads_set", False):
            set_prediction_threads(self)
        out: dict[str, np.ndarray] = {}
        for t in TARGETS:
            if t not in self.targets:
                continue
            tm = self.targets[t]
            point, lo, hi = predict_interval(tm.regressor, X)
            if tm.log10:
                point, lo, hi = 10**point, 10**lo, 10**hi
            if t in PHYSICAL_BOUNDS:  # e.g. retention cannot exceed 100 %: clip point and interval
                low, high = PHYSICAL_BOUNDS[t]
                point, lo, hi = (np.clip(a, low, high) for a in (point, lo, hi))
            out[f"{t}_pred"], out[f"{t}_lower"], out[f"{t}_upper"] = point, lo, hi
        return pd.DataFrame(out)

    def predict(self, frame: pd.DataFrame, *, validate: bool = True) -> pd.DataFrame:
        """Validate, featurize and predict; returns only the prediction columns (row-aligned):
        ``T_pred``, ``T_lower``, ``T_upper`` per target, then ``in_domain`` and ``domain_notes``."""
        typed = self.validate(frame) if validate else as_recipe_frame(frame.reset_index(drop=True))
        X = self.featurize(typed)
        out = self.predict_features(X)
        if self.domain is not None:
            out = pd.concat([out, self.domain.assess(typed, X)], axis=1)
        return out

    # ---- persistence ------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, d / MODEL_FILE)
        (d / META_FILE).write_text(json.dumps(self.meta, indent=2, default=str) + "\n", encoding="utf-8")
        return d

    @classmethod
    def load(cls, directory: str | Path) -> CathodeModel:
        d = Path(directory)
        path = d / MODEL_FILE if d.is_dir() else d
        if not path.exists():
            raise FileNotFoundError(f"{d}: no cathodeml model here (expected {MODEL_FILE})")
        model = joblib.load(path)
        if not isinstance(model, cls):
            raise TypeError(f"{path} does not hold a CathodeModel")
        return model


def set_prediction_threads(model: CathodeModel, n_jobs: int = -1) -> None:
    """Predict with every core: training is single-threaded (for determinism), prediction need not be;
    XGBoost's predictions do not depend on the thread count."""
    for tm in model.targets.values():
        est = tm.point_estimator
        if hasattr(est, "set_params") and "n_jobs" in est.get_params():
            est.set_params(n_jobs=n_jobs)
    model._threads_set = True
