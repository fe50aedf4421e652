"""Parity plots: predicted vs measured under grouped CV, with the conformal intervals.

Axes are in the target's units (Rct in Ω on log axes, as it is modelled); the MAE in the title is in
the units it was computed in (log10 Ω for Rct). A target with too few rows to calibrate an interval
(Rct: 8 rows) gets no interval claim at all: no coverage, no "outside the interval" points, one
neutral colour.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from cathodeml.plotting import new_figure, plain_log_ticks, save_figure
from cathodeml.schema import LOG10_TARGETS, TARGET_NAMES, axis_label, model_unit
from cathodeml.training.cv import OutOfFold

INSIDE, OUTSIDE, NEUTRAL = "tab:blue", "tab:orange", "0.3"


def parity_plot(oof: OutOfFold, target: str, metrics: dict[str, float], path: Path, split: str = "grouped") -> Path:
    """Save a parity plot (PNG) of out-of-fold predictions with interval bars."""
    return save_figure(parity_figure(oof, target, metrics, split), path)


def parity_figure(oof: OutOfFold, target: str, metrics: dict[str, float], split: str = "grouped") -> Any:
    """The parity plot as a matplotlib ``Figure``."""
    ok = ~np.isnan(oof.pred)
    y, p, lo, hi = oof.y[ok], oof.pred[ok], oof.lower[ok], oof.upper[ok]
    has_interval = bool(np.isfinite(lo).any() and np.isfinite(hi).any())
    fig = new_figure((5.4, 5.2))
    ax = fig.subplots()
    if has_interval:
        inside = (y >= lo) & (y <= hi)
        ax.errorbar(y, p, yerr=[p - lo, hi - p], fmt="none", ecolor="0.8", elinewidth=0.8, zorder=1)
        ax.scatter(y[inside], p[inside], s=18, c=INSIDE, label=f"measured inside the interval ({inside.sum()})", zorder=2)
        ax.scatter(y[~inside], p[~inside], s=22, c=OUTSIDE, marker="x",
                   label=f"measured outside the interval ({(~inside).sum()})", zorder=3)
        claim = f"interval coverage {metrics['coverage']:.0%}"
        values = np.concatenate([y, lo[np.isfinite(lo)], hi[np.isfinite(hi)]])
    else:
        ax.scatter(y, p, s=20, c=NEUTRAL, label="out-of-fold prediction", zorder=2)
        claim = "no interval (too few rows)"
        values = np.concatenate([y, p])
    log = target in LOG10_TARGETS
    lims = [float(values.min()), float(values.max())]
    if log:
        lims = [lims[0] / 1.25, lims[1] * 1.25]
        ax.set_xscale("log")
        ax.set_yscale("log")
        plain_log_ticks(ax.xaxis)
        plain_log_ticks(ax.yaxis)
    else:
        pad = 0.05 * (lims[1] - lims[0] or 1)
        lims = [lims[0] - pad, lims[1] + pad]
    ax.plot(lims, lims, "k--", lw=0.8, label="predicted = measured")
    ax.set_xlim(lims)
    ax.set_ylim(lims)
    ax.set_xlabel(f"measured {axis_label(target)}")
    ax.set_ylabel(f"predicted {axis_label(target)} ({split} CV, out of fold)")
    ax.set_title(f"{TARGET_NAMES[target]}: MAE {metrics['mae']:.3g} {model_unit(target)}, R² {metrics['r2']:.2f}, "
                 f"{claim} (n={metrics['n']})", fontsize=9)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig
