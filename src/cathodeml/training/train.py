"""``train``: data → grouped-CV evaluation (model vs baselines) → final model → files + MLflow."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cathodeml import __version__
from cathodeml.data.dataset import dataset_path, load_datacard, sha256_bytes
from cathodeml.data.io import read_recipes
from cathodeml.features.recipe import RecipeFeaturizer
from cathodeml.models.cathode_model import CathodeModel, TargetModel
from cathodeml.models.conformal import fit_conformal
from cathodeml.models.domain import ApplicabilityDomain
from cathodeml.models.estimators import LOG_TARGETS, make_xgb
from cathodeml.training.config import TrainConfig
from cathodeml.training.cv import (
    OutOfFold,
    cross_validate_target,
    n_outer_folds,
    treatment_effect_metrics,
    treatment_pairs,
)
from cathodeml.training.tune import make_study, tune

Metrics = dict[str, dict[str, dict[str, dict[str, float]]]]


@dataclass
class TrainResult:
    model: CathodeModel
    metrics: Metrics
    treatment_effects: dict[str, dict[str, dict[str, float]]]
    oof: dict[str, dict[str, dict[str, OutOfFold]]]
    data_sha256: str
    best_params: dict[str, dict[str, Any]] = field(default_factory=dict)


class Progress:
    """Progress hooks (the CLI plugs rich bars in; tests pass nothing)."""

    def start(self, total: int, description: str) -> None: ...
    def advance(self) -> None: ...
    def stop(self) -> None: ...


def load_training_data(path: str | Path | None) -> tuple[pd.DataFrame, str, str]:
    """(typed frame, sha256 of the file, source label) — the shipped dataset when path is None."""
    p = dataset_path() if path is None else Path(path)
    frame = read_recipes(p, dataset=True)
    label = f"cathodeml-literature v{load_datacard().version}" if path is None else str(p)
    return frame, sha256_bytes(p.read_bytes()), label


def target_arrays(frame: pd.DataFrame, X: np.ndarray, target: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    rows = frame[target].notna().to_numpy()
    y = frame.loc[rows, target].to_numpy(dtype=float)
    if target in LOG_TARGETS:
        y = np.log10(y)
    groups = frame.loc[rows, "source"].astype(str).to_numpy()
    return X[rows], y, groups, frame.loc[rows].reset_index(drop=True)


def train(
    cfg: TrainConfig,
    frame: pd.DataFrame,
    *,
    data_sha256: str = "",
    progress: Progress | None = None,
    trial_callback: Callable[[str], Callable] | None = None,
) -> TrainResult:
    """Evaluate under grouped and random CV, then fit the final conformalised model per target."""
    progress = progress or Progress()
    featurizer = RecipeFeaturizer().fit(frame)
    X_all = featurizer.transform(frame)
    names = list(featurizer.get_feature_names_out())
    metrics: Metrics = {}
    effects: dict[str, dict[str, dict[str, float]]] = {}
    oofs: dict[str, dict[str, dict[str, OutOfFold]]] = {}
    targets: dict[str, TargetModel] = {}
    best: dict[str, dict[str, Any]] = {}

    plan = []
    for t in cfg.targets:
        X, y, g, sub = target_arrays(frame, X_all, t)
        if len(y) < 3:
            continue
        plan.append((t, X, y, g, sub))
    if not plan:
        raise ValueError(f"no target among {cfg.targets} has at least 3 measured rows to learn from")
    total = sum(n_outer_folds(g, len(y), cfg.seed, cfg.n_splits) for _, _, y, g, _ in plan) + len(plan)
    progress.start(total, "cross-validating")

    for t, X, y, g, sub in plan:

        def params_for(split: str, train_idx: np.ndarray, X=X, y=y, g=g, t=t) -> dict[str, Any]:
            if cfg.n_trials == 0:
                return dict(cfg.xgb_params)
            params, _ = tune(X[train_idx], y[train_idx], g[train_idx], t, names, seed=cfg.seed,
                             n_trials=cfg.n_trials, timeout_s=cfg.timeout_s)
            return params

        res = cross_validate_target(X, y, g, t, names, seed=cfg.seed, confidence=cfg.confidence,
                                    n_splits=cfg.n_splits, params_for=params_for, on_fold=progress.advance)
        oofs[t] = res
        metrics[t] = {split: {m: o.metrics() for m, o in models.items()} for split, models in res.items()}
        pairs = treatment_pairs(sub, t)
        effects[t] = {split: {m: treatment_effect_metrics(o, pairs) for m, o in models.items()}
                      for split, models in res.items()}

        # Final model on all rows.
        params = dict(cfg.xgb_params)
        if cfg.study_name:
            study = make_study(cfg.seed, cfg.storage, f"{cfg.study_name}-{t}")
            if cfg.n_trials:
                tune(X, y, g, t, names, seed=cfg.seed, n_trials=cfg.n_trials, timeout_s=cfg.timeout_s, study=study,
                     callbacks=[trial_callback(t)] if trial_callback else None)
            params = dict(study.best_params) if study.trials else params
        elif cfg.n_trials:
            # A fresh study per run (in memory unless cfg.storage names a database).
            name = f"cathodeml-train-{t}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}" if cfg.storage else None
            params, _ = tune(X, y, g, t, names, seed=cfg.seed, n_trials=cfg.n_trials, timeout_s=cfg.timeout_s,
                             study=make_study(cfg.seed, cfg.storage, name),
                             callbacks=[trial_callback(t)] if trial_callback else None)
        best[t] = params
        reg = fit_conformal(make_xgb(t, names, params, cfg.seed), X, y, g, cfg.confidence, cfg.seed)
        targets[t] = TargetModel(t, reg, t in LOG_TARGETS, len(y), len(np.unique(g)), params)
        progress.advance()
    progress.stop()

    meta = {
        "cathodeml_version": __version__,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "feature_set_version": featurizer.feature_set_version_,
        "data_sha256": data_sha256,
        "n_rows": int(len(frame)),
        "n_sources": int(frame["source"].nunique()),
        "targets": {t: {"n_train": tm.n_train, "n_sources": tm.n_sources, "log10": tm.log10, "params": tm.params}
                    for t, tm in targets.items()},
        "confidence": cfg.confidence,
        "seed": cfg.seed,
        "metrics": metrics,
    }
    domain = ApplicabilityDomain().fit(frame, X_all, {t: frame[t].notna().to_numpy() for t in targets})
    model = CathodeModel(featurizer, targets, cfg.confidence, meta, domain)
    return TrainResult(model, metrics, effects, oofs, data_sha256, best)


def write_outputs(result: TrainResult, out: Path) -> dict[str, Path]:
    """Model, metrics.json, treatment_effects.json, cv_table.csv and parity plots under ``out``."""
    from cathodeml.training.plots import parity_plot

    out.mkdir(parents=True, exist_ok=True)
    paths = {"model": result.model.save(out / "model")}
    paths["metrics"] = out / "metrics.json"
    paths["metrics"].write_text(json.dumps(result.metrics, indent=2) + "\n")
    paths["treatment_effects"] = out / "treatment_effects.json"
    paths["treatment_effects"].write_text(json.dumps(result.treatment_effects, indent=2) + "\n")
    paths["cv_table"] = out / "cv_table.csv"
    cv_table(result.metrics).to_csv(paths["cv_table"], index=False)
    for t, splits in result.oof.items():
        if "grouped" in splits:
            paths[f"parity_{t}"] = parity_plot(splits["grouped"]["xgboost"], t, result.metrics[t]["grouped"]["xgboost"],
                                               out / "plots" / f"parity_{t}.png")
        elif "random" in splits:
            paths[f"parity_{t}"] = parity_plot(splits["random"]["xgboost"], t, result.metrics[t]["random"]["xgboost"],
                                               out / "plots" / f"parity_{t}.png", split="random")
    return paths


def cv_table(metrics: Metrics) -> pd.DataFrame:
    rows = []
    for t, splits in metrics.items():
        for split, models in splits.items():
            for m, ms in models.items():
                rows.append({"target": t, "split": split, "model": m, **ms})
    return pd.DataFrame(rows)
