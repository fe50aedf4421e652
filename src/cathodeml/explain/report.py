"""``cathodeml explain``'s files: attributions, counterfactuals and plots in one folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cathodeml.explain.attribution import Explainer, Explanation
from cathodeml.explain.counterfactuals import counterfactuals
from cathodeml.explain.plots import plot_beeswarm, plot_global_importance, plot_waterfall
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.progress import Progress


def write_explanation(model: CathodeModel, typed: pd.DataFrame, out_dir: Path, *, waterfalls: int = 10,
                      progress: Progress | None = None) -> Explanation:
    """treatments.csv, features.csv, counterfactuals.csv, the global bar chart, a beeswarm per
    target and waterfalls for the first ``waterfalls`` recipes; returns the explanation.
    ``progress`` advances once per step (attributions, counterfactuals, tables, each plot)."""
    progress = progress or Progress()
    n_waterfalls = min(waterfalls, len(typed))
    progress.start(4 + len(model.targets) * (1 + n_waterfalls), f"explaining {len(typed)} recipes")
    try:
        exp = Explainer(model).explain(typed, validate=False)
        progress.advance()
        cf = counterfactuals(model, typed, validate=False)
        progress.advance()
        out_dir.mkdir(parents=True, exist_ok=True)
        exp.treatments().to_csv(out_dir / "treatments.csv", index=False, float_format="%.6g")
        exp.features().to_csv(out_dir / "features.csv", index=False, float_format="%.6g")
        cf.to_csv(out_dir / "counterfactuals.csv", index=False, float_format="%.6g")
        progress.advance()
        plot_global_importance(exp, out_dir / "global_treatment_importance.png")
        progress.advance()
        for t in exp.targets:
            plot_beeswarm(exp, t, out_dir / f"beeswarm_{t}.png")
            progress.advance()
            for i in range(n_waterfalls):
                plot_waterfall(exp, t, i, out_dir / "waterfalls" / f"{i + 1:04d}_{t}.png")
                progress.advance()
    finally:
        progress.stop()
    return exp
