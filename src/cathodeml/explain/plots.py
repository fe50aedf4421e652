"""Pictures of an :class:`~cathodeml.explain.attribution.Explanation` (matplotlib, PNG).

* global bar chart: mean |SHAP group sum| per treatment group, one panel per target;
* beeswarm: SHAP value of the most important features per recipe, coloured by feature value;
* waterfall per recipe: from the base value to the prediction, one bar per treatment group.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cathodeml.explain.attribution import Explanation
from cathodeml.features.base import GROUPS
from cathodeml.plotting import new_figure, save_figure
from cathodeml.schema import axis_label

_COLORS = dict(zip(GROUPS, ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#8c8c8c")))


def _label(target: str) -> str:
    return axis_label(target, model_space=True)


def plot_global_importance(exp: Explanation, path: Path) -> Path:
    imp = exp.global_importance()
    fig = new_figure((4.2 * len(imp.columns), 3.6))
    axes = fig.subplots(1, len(imp.columns), squeeze=False)
    for ax, t in zip(axes[0], imp.columns):
        vals = imp[t].fillna(0.0)
        order = list(vals.sort_values().index)
        ax.barh(order, vals[order], color=[_COLORS[g] for g in order])
        ax.set_title(_label(t), fontsize=10)
        ax.set_xlabel("mean |SHAP| of the group")
    fig.suptitle("Which treatment moves the prediction (model attributions, not causation)", fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_beeswarm(exp: Explanation, target: str, path: Path, top: int = 15) -> Path:
    te = exp.targets[target]
    order = np.argsort(np.abs(te.values).mean(axis=0))[::-1][:top][::-1]
    X = exp_features(exp)
    fig = new_figure((9.5, 0.38 * len(order) + 1.6))
    ax = fig.subplots()
    rng = np.random.default_rng(0)
    sc = None
    for row, j in enumerate(order):
        v = te.values[:, j]
        x = X[:, j]
        y = row + rng.uniform(-0.28, 0.28, len(v))
        finite = np.isfinite(x)
        ax.scatter(v[~finite], y[~finite], c="#c8c8c8", s=9, label="unknown (NaN)" if row == 0 else None)
        color = np.full(len(x), 0.5)
        if finite.any() and np.ptp(x[finite]) > 0:
            color[finite] = (x[finite] - x[finite].min()) / np.ptp(x[finite])
        sc = ax.scatter(v[finite], y[finite], c=color[finite], cmap="coolwarm", s=9, vmin=0, vmax=1)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([f"{exp.feature_names[j]}  ({exp.feature_groups[exp.feature_names[j]]})" for j in order], fontsize=7)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_xlabel(f"SHAP value → {_label(target)}")
    if sc is not None:
        cb = fig.colorbar(sc, ax=ax, pad=0.01, ticks=[0, 1])
        cb.ax.set_yticklabels(["low", "high"], fontsize=8)
        cb.set_label("feature value", fontsize=8)
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    ax.set_title(f"{_label(target)}: top {len(order)} features by mean |SHAP|", fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_waterfall(exp: Explanation, target: str, index: int, path: Path) -> Path:
    te = exp.targets[target]
    gv = te.group_values(exp.feature_groups, exp.feature_names).iloc[index]
    order = list(gv.abs().sort_values(ascending=False).index)
    fig = new_figure((6.5, 3.8))
    ax = fig.subplots()
    start = te.base_value
    for k, g in enumerate(order):
        v = gv[g]
        ax.barh(k, v, left=start, color="#55a868" if v >= 0 else "#c44e52")
        ax.text(start + v, k, f" {v:+.3g}", va="center", ha="left" if v >= 0 else "right", fontsize=8)
        start += v
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=8)
    ax.invert_yaxis()
    ends = te.base_value + np.concatenate([[0.0], np.cumsum(gv[order].to_numpy())])
    lo, hi = float(ends.min()), float(ends.max())
    pad = 0.22 * (hi - lo or 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    ax.axvline(te.base_value, color="0.5", ls="--", lw=0.8)
    ax.axvline(start, color="k", lw=0.8)
    rid = exp.recipe_ids()[index]
    ax.set_title(f"recipe {rid}: {_label(target)} from base {te.base_value:.3g} to {start:.3g}", fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


def exp_features(exp: Explanation) -> np.ndarray:
    """The feature matrix the explanation was computed on (kept on it as ``X``); all NaN for an
    explanation built without one, so a beeswarm then colours every point as unknown."""
    return exp.X if getattr(exp, "X", None) is not None else np.full((len(exp.recipes), len(exp.feature_names)), np.nan)
