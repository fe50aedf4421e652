"""``CathodeModel``: featurizer + one :class:`TargetRegressor` per target + applicability domain.

This is what ``cathodeml train`` produces, what ``--out DIR`` writes, what the MLflow pyfunc
wraps and what ``predict`` and the service load. It takes raw recipe columns and returns, per
target T, ``T_pred``, ``T_lower`` and ``T_upper`` and the domain verdict (the prediction columns
of :mod:`cathodeml.schema`). Prediction never changes the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cathodeml.data.defaults import with_defaults
from cathodeml.data.rules import check_frame
from cathodeml.data.treatments import is_treated, untreated
from cathodeml.errors import RecipeValidationError
from cathodeml.features.recipe import RecipeFeaturizer, as_recipe_frame
from cathodeml.models.anchoring import Anchor
from cathodeml.models.domain import ApplicabilityDomain
from cathodeml.models.target import TargetRegressor
from cathodeml.models.transforms import get_transform
from cathodeml.schema import CONTROLS, TARGETS, prediction_columns


#: Rows per pass of a large prediction (:meth:`CathodeModel.predict`): the same results as one
#: pass (tested), ~25 MB of features per pass.
PREDICT_CHUNK = 50_000


@dataclass
class CathodeModel:
    """The trained predictor. Build it with :func:`cathodeml.training.train.train`."""

    featurizer: RecipeFeaturizer
    targets: dict[str, TargetRegressor]
    confidence: float
    meta: dict[str, Any] = field(default_factory=dict)
    domain: ApplicabilityDomain | None = None
    anchors: dict[str, Anchor] = field(default_factory=dict)

    @property
    def feature_names(self) -> list[str]:
        return list(self.featurizer.get_feature_names_out())

    @property
    def feature_groups(self) -> dict[str, str]:
        """{feature: treatment group} of *this* model's featurizer."""
        return dict(self.featurizer.feature_groups_)

    def prediction_columns(self) -> list[str]:
        return prediction_columns(list(self.targets), domain=self.domain is not None)

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
        out: dict[str, np.ndarray] = {}
        for t in TARGETS:
            if t in self.targets:
                out[f"{t}_pred"], out[f"{t}_lower"], out[f"{t}_upper"] = self.targets[t].predict_interval(X)
        return pd.DataFrame(out)

    def predict(self, frame: pd.DataFrame, *, validate: bool = True) -> pd.DataFrame:
        """Validate, featurize and predict; returns only the prediction columns (row-aligned):
        ``T_pred``, ``T_lower``, ``T_upper`` per target, then ``in_domain`` and ``domain_notes``.

        ``validate=False`` is for frames already typed by the reader (``read_recipes``,
        ``check_frame``): the schema check is then not run a second time.
        """
        typed = self.validate(frame) if validate else as_recipe_frame(frame.reset_index(drop=True))
        effective = with_defaults(typed)  # once, for the featurizer and the domain
        if len(typed) <= PREDICT_CHUNK:
            return self._predict_typed(typed, effective)
        # Rows are independent once the frame is checked (the only cross-row rules, e.g. unique
        # record_id, ran above), so a large frame goes through in chunks whose arrays are reused
        # by the allocator: memory stays bounded, and fresh pages (the 0.5 GB feature matrix of a
        # million recipes) cost seconds on a virtual machine (docs/benchmarks.md).
        parts = [self._predict_typed(typed.iloc[a : a + PREDICT_CHUNK].reset_index(drop=True),
                                     effective.iloc[a : a + PREDICT_CHUNK].reset_index(drop=True))
                 for a in range(0, len(typed), PREDICT_CHUNK)]
        return pd.concat(parts, ignore_index=True)

    def _predict_typed(self, typed: pd.DataFrame, effective: pd.DataFrame) -> pd.DataFrame:
        X = self.featurize(effective)
        out = self.predict_features(X)
        if self.domain is not None:
            out = pd.concat([out, self.domain.assess(effective, X)], axis=1)
        self._anchor(typed, X, out)
        return out

    def _anchor(self, typed: pd.DataFrame, X: np.ndarray, out: pd.DataFrame) -> None:
        """Replace predictions of rows that give the user's own control by anchored ones (in place)."""
        notes: list[tuple[np.ndarray, str]] = []
        for t, anchor in self.anchors.items():
            col = CONTROLS[t]
            if t not in self.targets or col not in typed or typed[col].isna().all():
                continue
            rows = np.flatnonzero(typed[col].notna().to_numpy())
            reg = self.targets[t]
            tf = get_transform(reg.target_transform)
            z = reg.predict_model_space(X[rows])
            z0 = reg.predict_model_space(self.featurize(untreated(typed.iloc[rows])))
            with np.errstate(divide="ignore", invalid="ignore"):
                zc = tf.forward(typed[col].to_numpy(dtype=float)[rows])
            za = anchor.anchored(zc, z - z0, is_treated(typed.iloc[rows]))
            a, b = tf.inverse(za - anchor.halfwidth), tf.inverse(za + anchor.halfwidth)
            lo, hi = (a, b) if tf.increasing else (b, a)
            vals = [tf.inverse(za), lo, hi]
            if reg.bounds is not None:
                vals = [np.clip(v, *reg.bounds) for v in vals]
            for suffix, v in zip(("_pred", "_lower", "_upper"), vals):
                out.loc[rows, f"{t}{suffix}"] = v
            notes.append((rows, anchor.note()))
        if notes and "domain_notes" in out:
            text = out["domain_notes"].to_numpy(dtype=object)
            for rows, note in notes:
                text[rows] = [f"{n}; {note}" if n else note for n in text[rows]]
            out["domain_notes"] = text
