"""Pictures of an :class:`~cathodeml.explain.attribution.Explanation` (matplotlib, PNG).

* global bar chart: mean |SHAP group sum| per treatment group, one panel per target;
* beeswarm: SHAP value of the most important features per recipe, coloured by feature value;
* waterfall per recipe: from the average training recipe to the prediction, one bar per
  treatment group, **in the target's units** (mAh/g, %, Ω on a log axis) and coloured by whether
  the step is better or worse for the cell (more capacity and retention, less Rct).

SHAP values add up in the model's space (log10 Ω for Rct, ln(1 − R/100) for retention), so the
waterfall walks that space and converts every step's two ends back to the target's units: the
steps still add up to the prediction, and each says what it does in the units a lab measures.
The treatment groups of a treatment a recipe does not have (coating groups of an uncoated
recipe) are one bar, "no coating": that is what they measure — the absence, against the average.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from cathodeml.data.treatments import is_coated, is_doped, is_regenerated
from cathodeml.explain.attribution import Explanation, TargetExplanation
from cathodeml.features.base import GROUPS
from cathodeml.features.labels import feature_label
from cathodeml.plotting import new_figure, plain_log_ticks, save_figure, text_width_in
from cathodeml.schema import HIGHER_IS_BETTER, LOG10_TARGETS, TARGET_NAMES, TARGET_UNITS, axis_label

_COLORS = dict(zip(GROUPS, ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#8c8c8c")))
GROUP_LABELS = {"cathode": "cathode", "coating_chemistry": "coating chemistry", "coating_amount": "coating amount",
                "coating_process": "coating process", "regeneration": "regeneration", "doping": "doping",
                "protocol": "test protocol"}
#: Characters of a recipe id shown in a waterfall's title (the full id is in the CSV tables).
MAX_ID_CHARS = 48
#: Good and bad for the cell (not the sign of a number): a lower Rct is green.
GOOD, BAD = "#2a9d5c", "#c44e52"
#: Treatment groups that describe one treatment, merged into one bar when the recipe lacks it.
ABSENT = (("no coating", is_coated, ("coating_chemistry", "coating_amount", "coating_process")),
          ("no regeneration", is_regenerated, ("regeneration",)),
          ("no dopant", is_doped, ("doping",)))


def shap_axis_label(te: TargetExplanation) -> str:
    """``SHAP value [ln(1 − R/100)] (→ lower retention)``: the unit and which way the axis points."""
    more = "higher" if te.transform != "fade" else "lower"
    return f"SHAP value [{te.unit}]  (→ {more} {TARGET_NAMES[te.target]})"


def plot_global_importance(exp: Explanation, path: Path) -> Path:
    imp = exp.global_importance()
    fig = new_figure((4.4 * len(imp.columns), 3.6))
    axes = fig.subplots(1, len(imp.columns), squeeze=False)
    for ax, t in zip(axes[0], imp.columns):
        vals = imp[t].fillna(0.0)
        order = list(vals.sort_values().index)
        ax.barh([GROUP_LABELS[g] for g in order], vals[order], color=[_COLORS[g] for g in order])
        ax.set_title(TARGET_NAMES[t], fontsize=10)
        ax.set_xlabel(f"mean |SHAP| of the group [{exp.targets[t].unit}]", fontsize=9)
    fig.suptitle("Which treatment moves the prediction (model attributions, not causation)", fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_beeswarm(exp: Explanation, target: str, path: Path, top: int = 15) -> Path:
    te = exp.targets[target]
    order = np.argsort(np.abs(te.values).mean(axis=0))[::-1][:top][::-1]
    X = exp_features(exp)
    names = [exp.feature_names[j] for j in order]
    labels = [f"{feature_label(n)}  ({GROUP_LABELS[exp.feature_groups[n]]})" for n in names]
    width, height = 9.5, 0.38 * len(order) + 1.8
    fig = new_figure((width, height))
    ax = fig.subplots()
    left = 1.06 * max((text_width_in(label, 7) for label in labels), default=0.5) + 0.25  # as in the waterfall
    fig.subplots_adjust(left=left / width, right=1 - 0.1 / width, top=1 - 0.35 / height, bottom=0.6 / height)
    rng = np.random.default_rng(0)
    sc = None
    for row, j in enumerate(order):
        v = te.values[:, j]
        x = X[:, j]
        y = row + rng.uniform(-0.28, 0.28, len(v))
        finite = np.isfinite(x)
        ax.scatter(v[~finite], y[~finite], c="0.55", marker="x", s=10, linewidths=0.8,
                   label="unknown (empty cell)" if row == 0 else None)
        color = np.full(len(x), 0.5)
        if finite.any() and np.ptp(x[finite]) > 0:
            color[finite] = (x[finite] - x[finite].min()) / np.ptp(x[finite])
        sc = ax.scatter(v[finite], y[finite], c=color[finite], cmap="coolwarm", s=9, vmin=0, vmax=1)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(labels, fontsize=7)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_xlabel(shap_axis_label(te))
    if sc is not None:
        cb = fig.colorbar(sc, ax=ax, pad=0.01, ticks=[0, 1])
        cb.ax.set_yticklabels(["low", "high"], fontsize=8)
        cb.set_label("feature value", fontsize=8)
    if (~np.isfinite(X[:, order])).any():
        ax.legend(loc="lower left", fontsize=7, frameon=False)
    ax.set_title(f"{TARGET_NAMES[target]}: the {len(order)} features that move it most (mean |SHAP|)", fontsize=9)
    return save_figure(fig, path)


def waterfall_steps(exp: Explanation, target: str, index: int) -> list[tuple[str, float]]:
    """(label, model-space value) per bar, largest first: the treatment groups, those of an absent
    treatment summed into one "no …" bar, groups that move nothing left out."""
    te = exp.targets[target]
    gv = te.group_values(exp.feature_groups, exp.feature_names).iloc[index]
    recipe = exp.recipes.iloc[[index]].reset_index(drop=True)
    steps: dict[str, float] = {}
    merged: set[str] = set()
    for label, present, groups in ABSENT:
        if not bool(present(recipe)[0]):
            steps[label] = float(gv[list(groups)].sum())
            merged |= set(groups)
    steps |= {GROUP_LABELS[g]: float(gv[g]) for g in GROUPS if g not in merged}
    scale = max(abs(v) for v in steps.values()) if steps else 0.0
    kept = [(k, v) for k, v in steps.items() if abs(v) > 1e-9 * max(scale, 1e-12)]
    return sorted(kept, key=lambda kv: -abs(kv[1]))


def plot_waterfall(exp: Explanation, target: str, index: int, path: Path) -> Path:
    return save_figure(waterfall_figure(exp, target, index), path)


def waterfall_figure(exp: Explanation, target: str, index: int) -> Any:
    """The waterfall of one recipe and target (a matplotlib ``Figure``; see the module doc)."""
    from matplotlib.patches import Patch

    te = exp.targets[target]
    steps = waterfall_steps(exp, target, index)
    unit, name, up_good = TARGET_UNITS[target], TARGET_NAMES[target], HIGHER_IS_BETTER[target]
    z = te.base_value
    base = float(te.in_target_units(z))
    width, height = 7.2, 0.42 * max(len(steps), 1) + 2.2
    fig = new_figure((width, height))
    ax = fig.subplots()
    # Margins in inches, set directly (no tight_layout): bar labels on the left, the three-line title
    # on top, tick labels + axis label + legend below.
    left = 1.06 * max((text_width_in(label, 8) for label, _ in steps), default=0.5) + 0.25  # glyph widths ±4 % of drawn
    fig.subplots_adjust(left=left / width, right=1 - 0.15 / width, top=1 - 0.78 / height, bottom=0.9 / height)
    ends = [base]
    for k, (label, v) in enumerate(steps):
        a, b = float(te.in_target_units(z)), float(te.in_target_units(z + v))
        good = (b > a) == up_good
        ax.barh(k, b - a, left=a, color=GOOD if good else BAD, height=0.6)
        ax.annotate(f"{b - a:+.3g} {unit}", xy=(max(a, b), k), xytext=(4, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=8, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})
        z += v
        ends.append(b)
    pred = ends[-1]
    ax.set_yticks(range(len(steps)))
    ax.set_yticklabels([label for label, _ in steps], fontsize=8)
    ax.invert_yaxis()
    lo, hi = min(ends), max(ends)
    if target in LOG10_TARGETS:
        ax.set_xscale("log")
        plain_log_ticks(ax.xaxis)
        ax.set_xlim(lo / (hi / lo) ** 0.1 if hi > lo else lo / 1.5, hi * (hi / lo) ** 0.45 if hi > lo else hi * 2)
    else:
        span = hi - lo or max(abs(hi), 1.0) * 0.1
        ax.set_xlim(lo - 0.08 * span, hi + 0.45 * span)  # room on the right for the step labels
    ax.axvline(base, color="0.45", ls="--", lw=0.9)
    ax.axvline(pred, color="k", lw=0.9)
    ax.set_xlabel(f"{axis_label(target)}: dashed = average training recipe, solid = this recipe's prediction")
    better, worse = ("raises", "lowers") if up_good else ("lowers", "raises")
    fig.legend(handles=[Patch(color=GOOD, label=f"{better} {name} (better)"), Patch(color=BAD, label=f"{worse} {name} (worse)")],
               fontsize=7, loc="lower center", ncol=2, frameon=False)
    rid = str(exp.recipe_ids()[index])
    if len(rid) > MAX_ID_CHARS:  # a long lab id would push the title off the figure
        rid = rid[: MAX_ID_CHARS - 1] + "…"
    ax.set_title(f"recipe {rid}\npredicted {name} {pred:.4g} {unit} (average training recipe {base:.4g} {unit})\n"
                 "treatment-group SHAP sums — model attributions, not causation", fontsize=9)
    return fig


def exp_features(exp: Explanation) -> np.ndarray:
    """The feature matrix the explanation was computed on (kept on it as ``X``); all NaN for an
    explanation built without one, so a beeswarm then colours every point as unknown."""
    return exp.X if getattr(exp, "X", None) is not None else np.full((len(exp.recipes), len(exp.feature_names)), np.nan)
