"""``cathodeml explain``'s files: attributions, counterfactuals and plots in one folder.

Each file is written atomically; none may be one of the inputs (checked before any is written).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import cathodeml.atomic as atomic
from cathodeml.explain.attribution import Explainer, Explanation
from cathodeml.explain.counterfactuals import counterfactuals
from cathodeml.explain.plots import plot_beeswarm, plot_global_importance, plot_waterfall
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.progress import Progress

TABLES = ("treatments.csv", "features.csv", "counterfactuals.csv")


def report_paths(out_dir: Path, targets, n_waterfalls: int) -> list[Path]:
    """Every file :func:`write_explanation` writes for these targets and waterfall count."""
    paths = [out_dir / n for n in TABLES] + [out_dir / "global_treatment_importance.png"]
    paths += [out_dir / f"beeswarm_{t}.png" for t in targets]
    paths += [out_dir / "waterfalls" / f"{i + 1:04d}_{t}.png" for t in targets for i in range(n_waterfalls)]
    return paths


def write_explanation(model: CathodeModel, typed: pd.DataFrame, out_dir: Path, *, waterfalls: int = 10,
                      inputs: tuple[Path, ...] = (), progress: Progress | None = None) -> Explanation:
    """treatments.csv, features.csv, counterfactuals.csv, the global bar chart, a beeswarm per
    target and waterfalls for the first ``waterfalls`` recipes; returns the explanation.
    ``inputs`` (the recipe file) are refused as outputs before anything is computed; ``progress``
    advances once per step (attributions, counterfactuals, tables, each plot). Every file is
    written atomically."""
    progress = progress or Progress()
    n_waterfalls = min(waterfalls, len(typed))
    for p in report_paths(out_dir, model.targets, n_waterfalls):
        atomic.check_not_input(p, *inputs)
    progress.start(4 + len(model.targets) * (1 + n_waterfalls), f"explaining {len(typed)} recipes")
    try:
        exp = Explainer(model).explain(typed, validate=False)
        progress.advance()
        cf = counterfactuals(model, typed, validate=False)
        progress.advance()
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, table in zip(TABLES, (exp.treatments(), exp.features(), cf)):
            atomic.write_csv(table, out_dir / name, index=False, float_format="%.6g")
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
