"""Parity plots: predicted vs measured under grouped CV, with the conformal intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cathodeml.plotting import new_figure, save_figure
from cathodeml.schema import model_unit
from cathodeml.training.cv import OutOfFold


def parity_plot(oof: OutOfFold, target: str, metrics: dict[str, float], path: Path, split: str = "grouped") -> Path:
    """Save a parity plot (PNG) of out-of-fold predictions with interval bars."""
    ok = ~np.isnan(oof.pred)
    y, p, lo, hi = oof.y[ok], oof.pred[ok], oof.lower[ok], oof.upper[ok]
    fig = new_figure((5.2, 5.0))
    ax = fig.subplots()
    inside = (y >= lo) & (y <= hi)
    ax.errorbar(y, p, yerr=[p - lo, hi - p], fmt="none", ecolor="0.75", elinewidth=0.8, zorder=1)
    ax.scatter(y[inside], p[inside], s=18, c="tab:blue", label="measured inside interval", zorder=2)
    ax.scatter(y[~inside], p[~inside], s=22, c="tab:red", marker="x", label="outside interval", zorder=3)
    lims = [min(y.min(), lo.min()), max(y.max(), hi.max())]
    pad = 0.05 * (lims[1] - lims[0] or 1)
    lims = [lims[0] - pad, lims[1] + pad]
    ax.plot(lims, lims, "k--", lw=0.8)
    ax.set_xlim(lims)
    ax.set_ylim(lims)
    unit = model_unit(target)
    ax.set_xlabel(f"measured {target} [{unit}]")
    ax.set_ylabel(f"predicted {target} [{unit}] ({split} CV, out-of-fold)")
    ax.set_title(
        f"{target}: MAE {metrics['mae']:.3g}, R² {metrics['r2']:.2f}, "
        f"coverage {metrics['coverage']:.0%} (n={metrics['n']})",
        fontsize=9,
    )
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return save_figure(fig, path)
