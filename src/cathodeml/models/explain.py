"""Which treatment matters: SHAP attributions per feature, per treatment group and per recipe.

This is the only module that imports shap. TreeSHAP on each target's XGBoost model gives one
value per feature and recipe, in the target's model space (mAh/g, %, and **log10 Ω for Rct**),
such that ``values.sum(1) + base_value == prediction``. Summing the signed values of the features
of one treatment group (cathode, coating_chemistry, coating_amount, coating_process,
regeneration, doping, protocol) answers "how much did the coating move this prediction, relative
to the average training recipe?"; the global importance of a group is the mean of the absolute
group sums. Attributions explain the model, not the chemistry: they are as causal as the data.

Counterfactuals complement them with a direct question: what does the model predict if the
coating (or the regeneration, or the dopant) is removed, or the coating amount or the anneal
temperature moves one grid step?
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cathodeml.data.columns import TARGETS
from cathodeml.features.base import GROUPS
from cathodeml.models.cathode_model import CathodeModel

#: One grid step of the counterfactual moves.
WT_STEP_PCT = 0.5
ANNEAL_STEP_C = 50.0

_COATING_COLUMNS = ("coating", "coating_wt_pct", "coating_thickness_nm", "coating_method", "anneal_temp_c", "anneal_time_h")
_REGEN_COLUMNS = ("regen_li_source", "regen_temp_c", "regen_time_h", "sinter_temp_c", "sinter_time_h")


@dataclass
class TargetExplanation:
    """SHAP attributions of one target for a set of recipes (model space: log10 Ω for Rct)."""

    target: str
    values: np.ndarray  # (n_recipes, n_features)
    base_value: float
    prediction: np.ndarray  # model-space prediction of the explained model
    log10: bool

    def group_values(self, groups: dict[str, str], names: list[str]) -> pd.DataFrame:
        """Signed SHAP sums per treatment group: (n_recipes × groups)."""
        cols = {}
        for g in GROUPS:
            idx = [i for i, n in enumerate(names) if groups[n] == g]
            cols[g] = self.values[:, idx].sum(axis=1)
        return pd.DataFrame(cols)


@dataclass
class Explanation:
    """Attributions of every target, with the names, groups and recipes they belong to."""

    feature_names: list[str]
    feature_groups: dict[str, str]
    recipes: pd.DataFrame
    targets: dict[str, TargetExplanation] = field(default_factory=dict)
    X: np.ndarray | None = None

    def treatments(self) -> pd.DataFrame:
        """Long table: one row per recipe × target × group with the signed group sum."""
        rows = []
        ids = _recipe_ids(self.recipes)
        for t, te in self.targets.items():
            gv = te.group_values(self.feature_groups, self.feature_names)
            for i, rid in enumerate(ids):
                for g in GROUPS:
                    rows.append({"record_id": rid, "target": t, "group": g, "value": float(gv.iloc[i][g]),
                                 "units": "log10(ohm)" if te.log10 else _UNITS[t]})
        return pd.DataFrame(rows)

    def features(self) -> pd.DataFrame:
        """Long table: one row per recipe × target × feature (non-zero values only)."""
        rows = []
        ids = _recipe_ids(self.recipes)
        for t, te in self.targets.items():
            nz = np.argwhere(te.values != 0)
            for i, j in nz:
                rows.append({"record_id": ids[i], "target": t, "feature": self.feature_names[j],
                             "group": self.feature_groups[self.feature_names[j]], "value": float(te.values[i, j])})
        return pd.DataFrame(rows, columns=["record_id", "target", "feature", "group", "value"])

    def global_importance(self) -> pd.DataFrame:
        """Mean |group sum| per target and group (rows: groups, columns: targets)."""
        out = {}
        for t, te in self.targets.items():
            out[t] = te.group_values(self.feature_groups, self.feature_names).abs().mean()
        return pd.DataFrame(out).reindex(list(GROUPS))


_UNITS = {"capacity_mah_g": "mAh/g", "retention_pct": "%", "rct_ohm": "ohm"}


def _recipe_ids(frame: pd.DataFrame) -> list[str]:
    if "record_id" in frame and frame["record_id"].notna().all():
        return [str(v) for v in frame["record_id"]]
    return [str(i + 1) for i in range(len(frame))]


CHANGES = (
    "remove coating",
    "remove regeneration",
    "remove dopant",
    f"coating wt% +{WT_STEP_PCT:g}",
    f"coating wt% -{WT_STEP_PCT:g}",
    f"anneal +{ANNEAL_STEP_C:g} C",
    f"anneal -{ANNEAL_STEP_C:g} C",
)


def counterfactual_frame(typed: pd.DataFrame, change: str) -> pd.DataFrame:
    """The recipes with one treatment removed or moved one grid step (see :data:`CHANGES`)."""
    if change == "remove coating":
        return typed.assign(**{c: np.nan for c in _COATING_COLUMNS})
    if change == "remove regeneration":
        regen = typed["regen_method"].where(typed["regen_method"].isna(), "none")
        return typed.assign(regen_method=regen, **{c: np.nan for c in _REGEN_COLUMNS})
    if change == "remove dopant":
        return typed.assign(dopant=np.nan, dopant_mol_pct=np.nan)
    if change.startswith("coating wt%"):
        step = WT_STEP_PCT if "+" in change else -WT_STEP_PCT
        return typed.assign(coating_wt_pct=(typed["coating_wt_pct"] + step).where(lambda s: s >= 0))
    if change.startswith("anneal"):
        step = ANNEAL_STEP_C if "+" in change else -ANNEAL_STEP_C
        return typed.assign(anneal_temp_c=typed["anneal_temp_c"] + step)
    raise ValueError(f"unknown change {change!r}; known: {', '.join(CHANGES)}")


class Explainer:
    """TreeSHAP over a trained :class:`CathodeModel` (shap's ``TreeExplainer`` per target)."""

    def __init__(self, model: CathodeModel):
        self.model = model

    def explain(self, frame: pd.DataFrame, *, validate: bool = True) -> Explanation:
        import shap

        typed = self.model.validate(frame) if validate else frame.reset_index(drop=True)
        X = self.model.featurize(typed)
        names = self.model.feature_names
        groups = dict(self.model.featurizer.feature_groups_)
        exp = Explanation(names, groups, typed, X=X)
        for t in TARGETS:
            if t not in self.model.targets:
                continue
            est = self.model.targets[t].point_estimator
            sv = shap.TreeExplainer(est)(X)
            base = float(np.atleast_1d(sv.base_values)[0])
            exp.targets[t] = TargetExplanation(t, np.asarray(sv.values, dtype=np.float64), base,
                                               np.asarray(est.predict(X), dtype=np.float64), self.model.targets[t].log10)
        return exp

    def counterfactuals(self, frame: pd.DataFrame, *, validate: bool = True) -> pd.DataFrame:
        """Predicted change of every target when one treatment is removed or moved one step."""
        typed = self.model.validate(frame) if validate else frame.reset_index(drop=True)
        base = self.model.predict(typed, validate=False)
        ids = _recipe_ids(typed)
        variants = {name: counterfactual_frame(typed, name) for name in CHANGES}
        applicable = {
            "remove coating": typed["coating"].notna(),
            "remove regeneration": typed["regen_method"].fillna("none") != "none",
            "remove dopant": typed["dopant"].notna(),
            f"coating wt% +{WT_STEP_PCT:g}": typed["coating_wt_pct"].notna(),
            f"coating wt% -{WT_STEP_PCT:g}": typed["coating_wt_pct"] >= WT_STEP_PCT,
            f"anneal +{ANNEAL_STEP_C:g} C": typed["anneal_temp_c"].notna(),
            f"anneal -{ANNEAL_STEP_C:g} C": typed["anneal_temp_c"].notna(),
        }
        rows = []
        for name, variant in variants.items():
            ok = applicable[name].to_numpy(dtype=bool)
            if not ok.any():
                continue
            pred = self.model.predict(variant[ok].reset_index(drop=True), validate=False)
            for k, i in enumerate(np.flatnonzero(ok)):
                for t in self.model.targets:
                    rows.append({
                        "record_id": ids[i], "change": name, "target": t,
                        "pred": float(base.loc[i, f"{t}_pred"]),
                        "counterfactual_pred": float(pred.loc[k, f"{t}_pred"]),
                        "counterfactual_lower": float(pred.loc[k, f"{t}_lower"]),
                        "counterfactual_upper": float(pred.loc[k, f"{t}_upper"]),
                        "delta": float(pred.loc[k, f"{t}_pred"] - base.loc[i, f"{t}_pred"]),
                        "counterfactual_in_domain": bool(pred.loc[k, "in_domain"]) if "in_domain" in pred else True,
                    })
        return pd.DataFrame(rows, columns=["record_id", "change", "target", "pred", "counterfactual_pred",
                                           "counterfactual_lower", "counterfactual_upper", "delta",
                                           "counterfactual_in_domain"])
