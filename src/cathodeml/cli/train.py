"""``cathodeml train`` and ``cathodeml tune``: thin front ends over :mod:`cathodeml.training`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cathodeml.cli.common import RichProgress, TrackingOption, USAGE, command, fail, out, print_run
from cathodeml.tracking.store import masked

app = typer.Typer()

SHORT = {"capacity_mah_g": "capacity mAh/g", "retention_pct": "retention %", "rct_ohm": "Rct log10 Ω"}


def results_table(metrics: dict) -> Table:
    t = Table(title="cross-validated performance (grouped by source = headline; random beside it)", title_justify="left")
    for col in ("target", "model", "grp MAE", "grp R²", "grp cov", "rnd MAE", "rnd R²", "n"):
        t.add_column(col, justify="right" if col not in ("target", "model") else "left")
    fmt = lambda v: "—" if v != v else f"{v:.3g}"  # noqa: E731
    nan = float("nan")
    for target in [t for t in SHORT if t in metrics]:
        splits = metrics[target]
        for model in ("xgboost", "dummy", "ridge"):
            g = splits.get("grouped", {}).get(model, {})
            r = splits.get("random", {}).get(model, {})
            t.add_row(SHORT[target], model, fmt(g.get("mae", nan)), fmt(g.get("r2", nan)), fmt(g.get("coverage", nan)),
                      fmt(r.get("mae", nan)), fmt(r.get("r2", nan)), str((g or r).get("n", 0)))
    return t


def build_config(config: Path | None, **options: Any):
    """The config file's settings (or the defaults), with every option the user gave on top."""
    from cathodeml.training.config import TrainConfig

    cfg = TrainConfig.from_yaml(config) if config else TrainConfig()
    changes: dict[str, Any] = {}
    tuning = {k: options.pop(k) for k in ("n_trials", "timeout_s", "storage", "study_name") if options.get(k) is not None}
    tracking = {}
    if options.get("tracking_uri") is not None:
        tracking["uri"] = options.pop("tracking_uri")
    if options.pop("no_mlflow", False):
        tracking["enabled"] = False
    changes.update({k: v for k, v in options.items() if v is not None})
    if tuning:
        changes["tuning"] = tuning
    if tracking:
        changes["tracking"] = tracking
    return cfg.updated(**changes) if changes else cfg


@command(app, "train")
def train(
    config: Annotated[Path | None, typer.Option("--config", help="training settings YAML (the config.yaml every run logs); options below override it")] = None,
    data: Annotated[list[str] | None, typer.Option("--data", help="literature | lab:NAME (lab:NAME@N: version N) | a recipe CSV/XLSX with targets; repeat to train on several together (default: literature)")] = None,
    lab_weight: Annotated[float | None, typer.Option("--lab-weight", help="weight of a lab's rows against the other datasets' [default: 1]")] = None,
    targets: Annotated[list[str] | None, typer.Option("--targets", help="targets to model (repeatable); default: all")] = None,
    n_trials: Annotated[int | None, typer.Option("--n-trials", help="Optuna trials per target (0 = default parameters)")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="seconds per Optuna study")] = None,
    storage: Annotated[str | None, typer.Option("--storage", help="Optuna RDB URL (default: sqlite file in the runs folder of the cathodeml home)")] = None,
    study_name: Annotated[str | None, typer.Option("--study-name", help="reuse/extend a shared study (see `cathodeml tune`)")] = None,
    tracking_uri: TrackingOption = None,
    out_dir: Annotated[str | None, typer.Option("--out", help="also write the model, metrics.json and plots here")] = None,
    seed: Annotated[int | None, typer.Option(help="random seed for folds, XGBoost and Optuna [default: 42]")] = None,
    confidence: Annotated[float | None, typer.Option(help="prediction-interval level [default: 0.9]")] = None,
    log_mlflow: Annotated[bool, typer.Option("--mlflow/--no-mlflow", help="log to MLflow (--no-mlflow needs --out)")] = True,
) -> None:
    """Train one model per target with grouped-CV evaluation, conformal intervals and MLflow tracking."""
    import logging
    import time
    import warnings

    from cathodeml.cli.labs import print_dataset_report
    from cathodeml.training.datasets import load_data
    from cathodeml.training.pipeline import run

    cfg = build_config(config, data=tuple(data) if data else None, lab_weight=lab_weight,
                       targets=tuple(targets) if targets else None, n_trials=n_trials,
                       timeout_s=timeout, storage=storage, study_name=study_name, tracking_uri=tracking_uri,
                       out=out_dir, seed=seed, confidence=confidence, no_mlflow=not log_mlflow)
    if not cfg.tracking.enabled and cfg.out is None:
        fail("--no-mlflow needs --out, or the model would be written nowhere", USAGE)
    dataset = load_data(cfg.data, lab_weight=cfg.lab_weight)
    if cfg.out is not None:
        from cathodeml.training.reports import check_out_dir

        check_out_dir(Path(cfg.out), *(p.path for p in dataset.parts))  # before minutes of training, not after
    out.print(f"training on {escape(dataset.label)}: {len(dataset.frame)} rows, {dataset.frame['source'].nunique()} "
              f"sources (sha256 {dataset.sha256[:12]}…)")
    # Third-party chatter off for this command only (set at run time, never at import; after
    # mlflow's import, which configures its own logger).
    import mlflow  # noqa: F401

    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"mlflow\..*")
        res = run(cfg, progress=RichProgress(), data=dataset)
    took = time.perf_counter() - started
    out.print(results_table(res.result.metrics))
    print_dataset_report(res.result.diagnostics)
    for t, splits in res.result.treatment_effects.items():
        te = splits.get("grouped", {}).get("xgboost")
        if te and te["n_pairs"]:
            out.print(f"treatment effect vs the paper's control ({t}, grouped CV, {te['n_pairs']} pairs): MAE {te['mae']:.3g} "
                      f"vs {te['constant_mae']:.3g} for a constant effect; rank correlation {te['spearman']:.2f}")
    for t, a in res.result.model.anchors.items():
        out.print(f"control-anchored {t} ({a.n_pairs} literature pairs): MAE {a.mae_constant:.3g} with the median effect, "
                  f"{a.mae_model:.3g} with the model's, {a.mae_absolute:.3g} unanchored → uses the {a.mode} effect")
    out.print(f"trained in {took:.0f} s")
    if cfg.out is not None:
        folder = Path(cfg.out).resolve()
        out.print(f"model: {escape(str(folder / 'model'))} (metrics.json, cv_table.csv and plots/ beside it in {escape(str(folder))})")
    else:
        out.print("model: in MLflow only (--out DIR also writes it, its metrics and plots to a folder)")
    if res.run_id:
        print_run(res, res.model_uri)


@command(app, "tune")
def tune(
    target: Annotated[str, typer.Option("--target", help="the target to tune")],
    study_name: Annotated[str, typer.Option("--study-name", help="study to create or join")],
    storage: Annotated[str | None, typer.Option("--storage", help="Optuna RDB URL shared by all workers (sqlite file, postgresql://…)")] = None,
    n_trials: Annotated[int, typer.Option("--n-trials")] = 20,
    timeout: Annotated[float | None, typer.Option("--timeout")] = None,
    data: Annotated[str | None, typer.Option("--data")] = None,
    seed: Annotated[int, typer.Option()] = 42,
    config: Annotated[Path | None, typer.Option("--config", help="training settings YAML (search space, folds)")] = None,
) -> None:
    """Run Optuna trials (grouped-CV MAE) into a shared study; train with --study-name to use it.

    Start several workers with the same --storage and --study-name to search in parallel.
    """
    from cathodeml.training.datasets import load_data
    from cathodeml.training.train import tune_target

    cfg = build_config(config, targets=(target,), seed=seed, data=data, n_trials=n_trials, timeout_s=timeout,
                       storage=storage, study_name=study_name).with_default_storage()
    dataset = load_data(cfg.data)
    out.print(f"tuning {target} on {escape(dataset.label)} ({n_trials} trials) into {escape(masked(cfg.tuning.storage or ''))}")
    tuned = tune_target(cfg, dataset.frame, target, study_name, progress=RichProgress())
    out.print(f"study {escape(tuned.study_name_)}: {tuned.n_trials_} trials, best grouped-CV MAE {tuned.best_value_:.4g}")
    out.print(tuned.best_params_)
