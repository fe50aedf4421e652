"""Which treatment matters: SHAP attributions per feature, per treatment group and per recipe.

This is the only module that imports shap. TreeSHAP on each target's base learner gives one value
per feature and recipe, in the target's model space (mAh/g for capacity, **ln(1 − R/100)** for
retention learnt as fade — negative = more retention — and **log10 Ω for Rct**; see
:attr:`TargetExplanation.unit`), such that ``values.sum(1) + base_value == prediction``.
Each target's attributions are kept as a ``shap.Explanation`` (so every shap plot and tool works
on them), and summing the signed values of the features of one treatment group (cathode,
coating_chemistry, coating_amount, coating_process, regeneration, doping, protocol) answers
"how much did the coating move this prediction, relative to the average training recipe?"; the
global importance of a group is the mean of the absolute group sums. Attributions explain the
model, not the chemistry: they are as causal as the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cathodeml.features.base import GROUPS
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.models.transforms import get_transform, space_unit
from cathodeml.schema import TARGET_UNITS, TARGETS


@dataclass
class TargetExplanation:
    """SHAP attributions of one target for a set of recipes (model space: log10 Ω for Rct)."""

    target: str
    values: np.ndarray  # (n_recipes, n_features), model space
    base_values: np.ndarray  # (n_recipes,): the average training recipe's prediction
    data: np.ndarray  # the feature matrix explained
    feature_names: list[str]
    prediction: np.ndarray  # the model's own prediction in model space (values add up to it)
    transform: str = "identity"  # the target's model space (models.transforms): fade for retention, log10 for Rct

    @property
    def shap_values(self) -> Any:
        """The attributions as a ``shap.Explanation`` (for shap's own plots and tools); built on
        first access, so predicting, recommending and serving never import shap (~1 s)."""
        if getattr(self, "_shap", None) is None:
            import shap

            self._shap = shap.Explanation(values=self.values, base_values=self.base_values, data=self.data,
                                          feature_names=self.feature_names)
        return self._shap

    @property
    def base_value(self) -> float:
        return float(np.atleast_1d(self.base_values)[0])

    @property
    def unit(self) -> str:
        """The unit of the SHAP values: the model space's (``ln(1 − R/100)`` for retention learnt as fade)."""
        return space_unit(self.transform, TARGET_UNITS[self.target])

    def in_target_units(self, z: np.ndarray | float) -> np.ndarray:
        """Model-space values (a base value plus SHAP sums) back in the target's units."""
        return get_transform(self.transform).inverse(np.asarray(z, dtype=float))

    def group_values(self, groups: dict[str, str], names: list[str]) -> pd.DataFrame:
        """Signed SHAP sums per treatment group: (n_recipes × groups)."""
        values = self.values
        cols = {}
        for g in GROUPS:
            idx = [i for i, n in enumerate(names) if groups[n] == g]
            cols[g] = values[:, idx].sum(axis=1)
        return pd.DataFrame(cols)


@dataclass
class Explanation:
    """Attributions of every target, with the names, groups and recipes they belong to."""

    feature_names: list[str]
    feature_groups: dict[str, str]
    recipes: pd.DataFrame
    targets: dict[str, TargetExplanation] = field(default_factory=dict)
    X: np.ndarray | None = None

    def shap(self, target: str):
        """The ``shap.Explanation`` of one target (for shap's own plots)."""
        return self.targets[target].shap_values

    def group_values(self, target: str) -> pd.DataFrame:
        return self.targets[target].group_values(self.feature_groups, self.feature_names)

    def recipe_ids(self) -> list[str]:
        return recipe_ids(self.recipes)

    def treatments(self) -> pd.DataFrame:
        """Long table: one row per recipe × target × group with the signed group sum."""
        rows = []
        ids = self.recipe_ids()
        for t, te in self.targets.items():
            gv = self.group_values(t)
            for i, rid in enumerate(ids):
                for g in GROUPS:
                    rows.append({"record_id": rid, "target": t, "group": g, "value": float(gv.iloc[i][g]),
                                 "units": te.unit})
        return pd.DataFrame(rows, columns=["record_id", "target", "group", "value", "units"])

    def features(self) -> pd.DataFrame:
        """Long table: one row per recipe × target × feature (non-zero values only)."""
        rows = []
        ids = self.recipe_ids()
        for t, te in self.targets.items():
            values = te.values
            for i, j in np.argwhere(values != 0):
                rows.append({"record_id": ids[i], "target": t, "feature": self.feature_names[j],
                             "group": self.feature_groups[self.feature_names[j]], "value": float(values[i, j])})
        return pd.DataFrame(rows, columns=["record_id", "target", "feature", "group", "value"])

    def global_importance(self) -> pd.DataFrame:
        """Mean |group sum| per target and group (rows: groups, columns: targets)."""
        return pd.DataFrame({t: self.group_values(t).abs().mean() for t in self.targets}).reindex(list(GROUPS))

    def top_treatments(self, k: int = 3) -> list[dict[str, list[tuple[str, float]]]]:
        """Per recipe, per target, the ``k`` groups that move the prediction most (signed sums)."""
        out: list[dict[str, list[tuple[str, float]]]] = [{} for _ in range(len(self.recipes))]
        for t in self.targets:
            gv = self.group_values(t)
            for i in range(len(gv)):
                row = gv.iloc[i]
                top = row.reindex(row.abs().sort_values(ascending=False).index).head(k)
                out[i][t] = [(str(g), float(v)) for g, v in top.items()]
        return out

    def top_treatments_text(self, k: int = 3) -> list[str]:
        """:meth:`top_treatments` as one line per recipe (``retention_pct: coating_chemistry +4.2, …``)."""
        return ["; ".join(f"{t}: " + ", ".join(f"{g} {v:+.3g}" for g, v in top) for t, top in per.items())
                for per in self.top_treatments(k)]


def recipe_ids(frame: pd.DataFrame) -> list[str]:
    """``record_id`` when every row has one, else the 1-based row number."""
    if "record_id" in frame and frame["record_id"].notna().all():
        return [str(v) for v in frame["record_id"]]
    return [str(i + 1) for i in range(len(frame))]


class Explainer:
    """Exact TreeSHAP over a trained :class:`CathodeModel`, per target.

    The values come from XGBoost's own TreeSHAP (``pred_contribs``), the algorithm shap's
    ``TreeExplainer`` runs, with the same values (tested): shap's explainer first parses every
    tree in Python (0.2 s for the retention model, 100× its TreeSHAP on a few recipes) and shap's
    import costs ~1 s, which a recommendation or a REST request would pay each time. The result
    is still a ``shap.Explanation`` per target (:attr:`TargetExplanation.shap_values`)."""

    def __init__(self, model: CathodeModel):
        self.model = model

    def explain(self, frame: pd.DataFrame, *, validate: bool = True) -> Explanation:
        typed = self.model.validate(frame) if validate else frame.reset_index(drop=True)
        X = self.model.featurize(typed)
        names = self.model.feature_names
        exp = Explanation(names, self.model.feature_groups, typed, X=X)
        for t in TARGETS:
            if t not in self.model.targets:
                continue
            reg = self.model.targets[t]
            Xu = reg.model_matrix(X)
            contribs = tree_shap(reg.estimator_, Xu)
            # Over every feature of the model (0 for those this target does not read); a smooth
            # feature's value also carries what it adds outside the trees, so values still add up.
            values = np.zeros((len(X), len(names)))
            values[:, reg.columns_] = contribs[:, :-1]
            for f, extra in reg.extra_by_feature(Xu).items():
                values[:, names.index(f)] += extra
            exp.targets[t] = TargetExplanation(t, values, contribs[:, -1], X, names, reg.predict_model_space(X),
                                               reg.target_transform)
        return exp


def tree_shap(estimator: Any, X: np.ndarray) -> np.ndarray:
    """Exact TreeSHAP of an XGBoost model: (n, n_features + 1), the last column the base value."""
    import xgboost

    booster = estimator.get_booster()
    dm = xgboost.DMatrix(np.asarray(X, dtype=np.float32), missing=np.nan, feature_names=booster.feature_names)
    return np.asarray(booster.predict(dm, pred_contribs=True), dtype=np.float64)
