"""Pareto-front picture of a recommendation (the first two objectives)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cathodeml.plotting import new_figure, save_figure
from cathodeml.schema import axis_label


def plot_pareto(table: pd.DataFrame, objectives: list[tuple[str, bool]], path: Path) -> Path:
    fig = new_figure((6.4, 4.8))
    ax = fig.subplots()
    (a, _), (b, _) = objectives[0], objectives[1] if len(objectives) > 1 else objectives[0]
    x, y = table[f"{a}_pred"], table[f"{b}_pred"]
    ax.errorbar(x, y, xerr=[x - table[f"{a}_lower"], table[f"{a}_upper"] - x],
                yerr=[y - table[f"{b}_lower"], table[f"{b}_upper"] - y], fmt="none", ecolor="0.8", lw=0.8)
    labels = table.get("coating", pd.Series(["—"] * len(table))).fillna("uncoated").astype(str)
    for lab in sorted(labels.unique()):
        m = labels == lab
        ax.scatter(x[m], y[m], s=28, label=lab, zorder=3)
    ax.set_xlabel(f"predicted {axis_label(a)} (bars: interval)")
    ax.set_ylabel(f"predicted {axis_label(b)}")
    ax.set_title("Recommended recipes (Pareto set under the chosen risk)", fontsize=10)
    ax.legend(fontsize=8, title="coating", title_fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path)
