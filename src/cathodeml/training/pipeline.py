"""What ``cathodeml train`` does, as one library call: :func:`run`.

Read the data → cross-validate and fit (:func:`cathodeml.training.train.train`) → write the
model and reports → explain the training recipes (global treatment importance) → log
everything to MLflow (config as ``config.yaml``, the dataset as a dataset input, metrics,
plots, the packaged model) and register the model. A notebook calling ``run(cfg)`` gets the
same run, the same files and the same registered model as the CLI.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from cathodeml.explain.attribution import Explainer
from cathodeml.explain.plots import plot_global_importance
from cathodeml.schema import TARGETS
from cathodeml.training.config import TrainConfig
from cathodeml.training.reports import write_outputs
from cathodeml.training.train import Progress, TrainingData, TrainResult, train


@dataclass
class RunResult:
    result: TrainResult
    data: TrainingData
    paths: dict[str, Path]
    run_id: str | None = None
    tracking_uri: str | None = None
    model_uri: str | None = None


def _metric_items(metrics: dict) -> dict[str, float]:
    return {f"{t}.{split}.{m}.{k}": v for t, splits in metrics.items() for split, models in splits.items()
            for m, ms in models.items() for k, v in ms.items()}


def run(cfg: TrainConfig, *, progress: Progress | None = None, data: TrainingData | None = None) -> RunResult:
    """Train as ``cathodeml train`` does; ``cfg.out`` None writes the files to a temporary folder
    (kept only in MLflow)."""
    cfg = cfg.with_default_storage()
    from cathodeml.training.by_dataset import annotate, dataset_metric_items, write_report
    from cathodeml.training.datasets import load_data, with_lineage

    data = with_lineage(data or load_data(cfg.data, lab_weight=cfg.lab_weight))
    out = Path(cfg.out) if cfg.out else Path(tempfile.mkdtemp(prefix="cathodeml-"))
    if not cfg.tracking.enabled:
        result = train(cfg, data.frame, data_sha256=data.sha256, progress=progress, weight=data.weight)
        annotate(result, data, cfg)
        return RunResult(result, data, write_outputs(result, out) | write_report(result, out))

    from cathodeml.tracking.lineage import lineage_tags, log_datasets, tag_model_version
    from cathodeml.tracking.runs import start_run

    description = (f"cathodeml train on {data.label}: {len(data.frame)} rows, {data.frame['source'].nunique()} "
                   f"sources; targets {', '.join(cfg.targets)}; {cfg.tuning.n_trials} Optuna trials per target")
    with start_run(cfg.tracking.experiment, f"train-{len(data.frame)}rows", tracking_uri=cfg.tracking.uri,
                   runs_dir=cfg.runs_dir, description=description,
                   tags={"cathodeml.command": "train", "data_sha256": data.sha256}) as mlrun:
        result = train(cfg, data.frame, data_sha256=data.sha256, progress=progress,
                       trial_callback=mlrun.trial_callback, weight=data.weight)
        annotate(result, data, cfg)
        paths = write_outputs(result, out) | write_report(result, out)
        exp = Explainer(result.model).explain(data.frame, validate=False)
        paths["importance"] = plot_global_importance(exp, out / "plots" / "global_treatment_importance.png")
        mlrun.log_params(cfg.to_dict() | {"data_label": data.label, "feature_set_version":
                                          result.model.meta["feature_set_version"]})
        mlrun.log_text(cfg.to_yaml(), "config.yaml")
        log_datasets(mlrun, data.parts, [data.frame[data.origin == p.name] for p in data.parts])
        mlrun.log_metrics(_metric_items(result.metrics) | dataset_metric_items(result))
        mlrun.log_dict(result.treatment_effects, "treatment_effects.json")
        mlrun.log_dict(result.best_params, "best_params.json")
        mlrun.log_dict(exp.global_importance().to_dict(), "treatment_importance.json")
        for key, path in paths.items():
            if key.startswith("parity_") or key == "importance":
                mlrun.log_artifact(path, "plots")
        mlrun.log_artifact(paths["cv_table"])
        mlrun.log_artifact(paths["metrics"])
        if "metrics_by_dataset" in paths:
            mlrun.log_artifact(paths["metrics_by_dataset"])
        example = data.frame.drop(columns=list(TARGETS)).head(3)
        uri = mlrun.log_model(paths["model"], tuple(result.model.targets), example, cfg.tracking.registered_model)
        tag_model_version(mlrun.client, uri, lineage_tags(data.parts))
    return RunResult(result, data, paths, mlrun.run_id, mlrun.tracking_uri, uri)
