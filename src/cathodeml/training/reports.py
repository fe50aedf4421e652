"""The files a training run writes: model, metrics, CV table, treatment effects, parity plots."""

from __future__ import annotations

import json
from pathlib import Path

from cathodeml.models.persistence import save_model
from cathodeml.training.plots import parity_plot
from cathodeml.training.train import TrainResult, cv_table


def write_outputs(result: TrainResult, out: Path) -> dict[str, Path]:
    """Model, metrics.json, treatment_effects.json, diagnostics.json (coverage per kind of recipe,
    domain in/out under grouped CV, control anchors), cv_table.csv and parity plots under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"model": save_model(result.model, out / "model")}
    paths["metrics"] = out / "metrics.json"
    paths["metrics"].write_text(json.dumps(result.metrics, indent=2) + "\n", encoding="utf-8")
    paths["treatment_effects"] = out / "treatment_effects.json"
    paths["treatment_effects"].write_text(json.dumps(result.treatment_effects, indent=2) + "\n", encoding="utf-8")
    paths["diagnostics"] = out / "diagnostics.json"
    paths["diagnostics"].write_text(json.dumps({"subgroups_and_domain": result.diagnostics,
                                                "anchors": {t: a.to_dict() for t, a in result.model.anchors.items()}},
                                               indent=2, default=float) + "\n", encoding="utf-8")
    paths["cv_table"] = out / "cv_table.csv"
    cv_table(result.metrics).to_csv(paths["cv_table"], index=False)
    for t, splits in result.oof.items():
        split = "grouped" if "grouped" in splits else "random" if "random" in splits else None
        if split is not None:
            paths[f"parity_{t}"] = parity_plot(splits[split]["xgboost"], t, result.metrics[t][split]["xgboost"],
                                               out / "plots" / f"parity_{t}.png", split=split)
    return paths
