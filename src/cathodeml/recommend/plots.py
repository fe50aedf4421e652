"""Pareto-front picture of a recommendation (the first two objectives).

Points are numbered as the rows of the table ``recommend`` prints and writes, each axis says which
way is better for that objective, and Rct is on a log axis (it is modelled in log10 Ω).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from cathodeml.plotting import new_figure, plain_log_ticks, save_figure
from cathodeml.schema import LOG10_TARGETS, axis_label


def _axis(target: str, maximize: bool) -> str:
    return f"predicted {axis_label(target)} — better {'→' if maximize else '←'}"


def plot_pareto(table: pd.DataFrame, objectives: list[tuple[str, bool]], path: Path) -> Path:
    return save_figure(pareto_figure(table, objectives), path)


def pareto_figure(table: pd.DataFrame, objectives: list[tuple[str, bool]]) -> Any:
    """The recommended recipes on the first two objectives (a matplotlib ``Figure``)."""
    fig = new_figure((6.6, 5.0))
    ax = fig.subplots()
    (a, a_max), (b, b_max) = objectives[0], objectives[1] if len(objectives) > 1 else objectives[0]
    col = lambda c: table[c].to_numpy(dtype=float)  # noqa: E731 (plain arrays: matplotlib and one-row frames)
    x, y = col(f"{a}_pred"), col(f"{b}_pred")
    ax.errorbar(x, y, xerr=[x - col(f"{a}_lower"), col(f"{a}_upper") - x],
                yerr=[y - col(f"{b}_lower"), col(f"{b}_upper") - y], fmt="none", ecolor="0.8", lw=0.8)
    labels = table.get("coating", pd.Series(["—"] * len(table))).fillna("uncoated").astype(str).to_numpy()
    for lab in sorted(set(labels)):
        m = labels == lab
        ax.scatter(x[m], y[m], s=28, label=lab, zorder=3)
    spots: dict[tuple[str, str], list[int]] = {}  # rows that fall on one spot share one label
    for k in range(len(table)):
        spots.setdefault((f"{x[k]:.3g}", f"{y[k]:.3g}"), []).append(k)
    for rows in spots.values():
        ax.annotate(", ".join(f"#{k + 1}" for k in rows), (x[rows[0]], y[rows[0]]), xytext=(4, 3),
                    textcoords="offset points", fontsize=7)
    for target, axis, scale in ((a, ax.xaxis, ax.set_xscale), (b, ax.yaxis, ax.set_yscale)):
        if target in LOG10_TARGETS:
            scale("log")
            plain_log_ticks(axis)
    ax.set_xlabel(_axis(a, a_max) + " (bars: interval)")
    ax.set_ylabel(_axis(b, b_max))
    ax.set_title("Recommended recipes (Pareto set under the chosen risk; # = row of the table)", fontsize=10)
    ax.legend(fontsize=8, title="coating", title_fontsize=8)
    fig.tight_layout()
    return fig
