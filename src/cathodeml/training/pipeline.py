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

from cathodeml import __version__
from cathodeml.explain.attribution import Explainer
from cathodeml.explain.plots import plot_global_importance
from cathodeml.schema import TARGETS, model_unit
from cathodeml.training.config import TrainConfig
from cathodeml.training.reports import IMPORTANCE_PLOT, write_outputs
from cathodeml.training.train import Progress, TrainingData, TrainResult, train


@dataclass
class RunResult:
    result: TrainResult
    data: TrainingData
    paths: dict[str, Path]
    run_id: str | None = None
    tracking_uri: str | None = None
    model_uri: str | None = None
    experiment_id: str | None = None
    run_name: str | None = None


def _metric_items(metrics: dict) -> dict[str, float]:
    return {f"{t}.{split}.{m}.{k}": v for t, splits in metrics.items() for split, models in splits.items()
            for m, ms in models.items() for k, v in ms.items()}


def run(cfg: TrainConfig, *, progress: Progress | None = None, data: TrainingData | None = None) -> RunResult:
    """Train as ``cathodeml train`` does. With ``cfg.out`` None the files are written to a
    temporary folder, logged, and removed (they are kept only in MLflow; ``paths`` is empty)."""
    with tempfile.TemporaryDirectory(prefix="cathodeml-") as tmp:
        result = _run(cfg.with_default_storage(), Path(cfg.out) if cfg.out else Path(tmp), progress, data)
    if not cfg.out:
        result.paths = {}
    return result


def _run(cfg: TrainConfig, out: Path, progress: Progress | None, data: TrainingData | None) -> RunResult:
    from cathodeml.training.by_dataset import annotate, dataset_metric_items, write_report
    from cathodeml.training.datasets import load_data, with_lineage

    data = with_lineage(data or load_data(cfg.data, lab_weight=cfg.lab_weight))
    if not cfg.tracking.enabled:
        result = train(cfg, data.frame, data_sha256=data.sha256, progress=progress, weight=data.weight)
        annotate(result, data, cfg)
        return RunResult(result, data, write_outputs(result, out) | write_report(result, out))

    from cathodeml.tracking.lineage import lineage_tags, log_datasets, tag_model_version
    from cathodeml.tracking.runs import start_run

    description = (f"`cathodeml train` on **{data.label}**: {len(data.frame)} rows, {data.frame['source'].nunique()} "
                   f"sources; targets {', '.join(cfg.targets)}; "
                   + (f"{cfg.tuning.n_trials} Optuna trials per target" if cfg.tuning.n_trials else "default XGBoost parameters"))
    name = run_name(data, cfg)
    with start_run(cfg.tracking.experiment, name, tracking_uri=cfg.tracking.uri,
                   runs_dir=cfg.runs_dir, description=description, experiment_description=EXPERIMENT_NOTE,
                   tags={"cathodeml.command": "train", "data_sha256": data.sha256, "cathodeml.data": data.label,
                         "cathodeml.targets": ",".join(cfg.targets), "cathodeml.n_trials": cfg.tuning.n_trials,
                         "cathodeml.version": __version__}) as mlrun:
        result = train(cfg, data.frame, data_sha256=data.sha256, progress=progress,
                       trial_callback=mlrun.trial_callback, weight=data.weight)
        annotate(result, data, cfg)
        paths = write_outputs(result, out) | write_report(result, out)
        exp = Explainer(result.model).explain(data.frame, validate=False)
        paths["importance"] = plot_global_importance(exp, out / IMPORTANCE_PLOT)
        mlrun.log_params(cfg.to_dict() | {"data_label": data.label, "feature_set_version":
                                          result.model.meta["feature_set_version"]})
        mlrun.log_text(cfg.to_yaml(), "config.yaml")
        log_datasets(mlrun, data.parts, [data.frame[data.origin == p.name] for p in data.parts])
        mlrun.log_metrics(_metric_items(result.metrics) | dataset_metric_items(result))
        mlrun.log_dict(result.treatment_effects, "treatment_effects.json")
        mlrun.log_artifact(paths["diagnostics"])
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
        mlrun.set_tags({"cathodeml.model_uri": uri})
        tag_model_version(mlrun.client, uri, lineage_tags(data.parts))
        mlrun.describe(description + "\n\n" + summary(result.metrics) + f"\n\nModel: `{uri}`")
    return RunResult(result, data, paths, mlrun.run_id, mlrun.tracking_uri, uri, mlrun.experiment_id, name)


#: The description of the training experiment in the MLflow UI.
EXPERIMENT_NOTE = ("`cathodeml train` runs: one parent run per training (parameters, grouped- and random-CV "
                   "metrics, parity and treatment-importance plots, the packaged model), a child run per Optuna trial.")


def run_name(data: TrainingData, cfg: TrainConfig) -> str:
    """``train cathodeml-literature v1.3.0, 233 rows, defaults``: what a row of the runs table says."""
    n = cfg.tuning.n_trials
    how = f"{n} Optuna trial{'s' if n != 1 else ''} per target" if n else "defaults"
    return f"train {Path(data.label).name}, {len(data.frame)} rows, {how}"


def summary(metrics: dict) -> str:
    """Grouped-CV MAE per target (random CV where no grouped estimate exists), for the run's note."""
    parts = []
    for t, splits in metrics.items():
        split = "grouped" if "grouped" in splits else "random"
        m = splits.get(split, {}).get("xgboost", {})
        if m:
            parts.append(f"{t} {m['mae']:.3g} {model_unit(t)} ({split} CV, n={m['n']})")
    return "MAE: " + "; ".join(parts) if parts else ""
