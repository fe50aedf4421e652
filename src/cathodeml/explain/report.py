"""``cathodeml explain``'s files: attributions, counterfactuals and plots in one folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cathodeml.explain.attribution import Explainer, Explanation
from cathodeml.explain.counterfactuals import counterfactuals
from cathodeml.explain.plots import plot_beeswarm, plot_global_importance, plot_waterfall
from cathodeml.models.cathode_model import CathodeModel


def write_explanation(model: CathodeModel, typed: pd.DataFrame, out_dir: Path, *, waterfalls: int = 10) -> Explanation:
    """treatments.csv, features.csv, counterfactuals.csv, the global bar chart, a beeswarm per
    target and waterfalls for the first ``waterfalls`` recipes; returns the explanation."""
    exp = Explainer(model).explain(typed, validate=False)
    cf = counterfactuals(model, typed, validate=False)
    out_dir.mkdir(parents=True, exist_ok=True)
    exp.treatments().to_csv(out_dir / "treatments.csv", index=False, float_format="%.6g")
    exp.features().to_csv(out_dir / "features.csv", index=False, float_format="%.6g")
    cf.to_csv(out_dir / "counterfactuals.csv", index=False, float_format="%.6g")
    plot_global_importance(exp, out_dir / "global_treatment_importance.png")
    for t in exp.targets:
        plot_beeswarm(exp, t, out_dir / f"beeswarm_{t}.png")
        for i in range(min(waterfalls, len(typed))):
            plot_waterfall(exp, t, i, out_dir / "waterfalls" / f"{i + 1:04d}_{t}.png")
    return exp
