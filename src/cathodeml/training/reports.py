"""The files a training run writes: model, metrics, CV table, treatment effects, parity plots.

Each is written atomically (:mod:`cathodeml.atomic`), the model directory as one unit, so an
interrupted ``train --out`` leaves every file either as it was or complete — and the previous
model loadable. Other files in the folder are left alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import cathodeml.atomic as atomic
from cathodeml.models.persistence import MANIFEST_FILE, META_FILE, MODEL_FILE, check_replaceable, save_model
from cathodeml.schema import TARGETS
from cathodeml.training.plots import parity_plot
from cathodeml.training.train import TrainResult, cv_table

#: Plots written beside the reports (the global importance one by :func:`cathodeml.training.pipeline.run`).
IMPORTANCE_PLOT = "plots/global_treatment_importance.png"


def written_paths(out: Path) -> list[Path]:
    """Every path ``train --out OUT`` may write (checked against the inputs before training)."""
    names = ["metrics.json", "treatment_effects.json", "cv_table.csv", IMPORTANCE_PLOT]
    names += [f"model/{n}" for n in (MODEL_FILE, META_FILE, MANIFEST_FILE)]
    names += [f"plots/parity_{t}.png" for t in TARGETS]
    return [out / n for n in names]


def check_out_dir(out: Path, *inputs: Path | str | None) -> None:
    """Before a long training: refuse an ``--out`` that would overwrite an input or a user's folder."""
    for p in written_paths(out):
        atomic.check_not_input(p, *inputs)
    check_replaceable(out / "model")


def write_outputs(result: TrainResult, out: Path) -> dict[str, Path]:
    """Model, metrics.json, treatment_effects.json, diagnostics.json (coverage per kind of recipe,
    domain in/out under grouped CV, control anchors), cv_table.csv and parity plots under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"model": save_model(result.model, out / "model")}
    paths["metrics"] = atomic.write_text(out / "metrics.json", json.dumps(result.metrics, indent=2) + "\n")
    paths["treatment_effects"] = atomic.write_text(out / "treatment_effects.json",
                                                   json.dumps(result.treatment_effects, indent=2) + "\n")
    paths["cv_table"] = atomic.write_csv(cv_table(result.metrics), out / "cv_table.csv", index=False)
    paths["diagnostics"] = atomic.write_text(out / "diagnostics.json", json.dumps(
        {"subgroups_and_domain": result.diagnostics, "anchors": {t: a.to_dict() for t, a in result.model.anchors.items()}},
        indent=2, default=float) + "\n")
    for t, splits in result.oof.items():
        split = "grouped" if "grouped" in splits else "random" if "random" in splits else None
        if split is not None:
            paths[f"parity_{t}"] = parity_plot(splits[split]["xgboost"], t, result.metrics[t][split]["xgboost"],
                                               out / "plots" / f"parity_{t}.png", split=split)
    return paths
