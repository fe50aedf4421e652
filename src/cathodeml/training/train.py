"""``train``: data → grouped-CV evaluation (model vs baselines) → final model per target.

This is the modelling step alone (no files, no MLflow): :mod:`cathodeml.training.pipeline`
runs it with everything ``cathodeml train`` adds around it.
"""

from __future__ import annotations

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
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.models.domain import ApplicabilityDomain
from cathodeml.models.estimators import LEARNERS
from cathodeml.models.target import TargetRegressor, target_regressor
from cathodeml.schema import LOG10_TARGETS
from cathodeml.training.config import TrainConfig
from cathodeml.training.cv import (
    SPLITS,
    OutOfFold,
    cross_validate,
    metrics_of,
    n_outer_folds,
    treatment_effect_metrics,
    treatment_pairs,
)
from cathodeml.training.tune import TunedRegressor

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
    """Progress hooks (the CLI plugs rich bars in; library callers may pass nothing)."""

    def start(self, total: int, description: str) -> None: ...
    def advance(self) -> None: ...
    def stop(self) -> None: ...


@dataclass(frozen=True)
class TrainingData:
    frame: pd.DataFrame
    sha256: str
    label: str
    path: Path


def load_training_data(path: str | Path | None) -> TrainingData:
    """The typed frame, sha256 and label of a training table — the shipped dataset when path is None."""
    p = dataset_path() if path is None else Path(path)
    frame = read_recipes(p, dataset=True)
    label = f"cathodeml-literature v{load_datacard().version}" if path is None else str(p)
    return TrainingData(frame, sha256_bytes(p.read_bytes()), label, p)


def target_rows(frame: pd.DataFrame, X: pd.DataFrame, target: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame]:
    """(features, targets in units, source groups, recipe rows) of the rows that measured ``target``."""
    rows = frame[target].notna().to_numpy()
    y = frame.loc[rows, target].to_numpy(dtype=float)
    groups = frame.loc[rows, "source"].astype(str).to_numpy()
    return X[rows].reset_index(drop=True), y, groups, frame.loc[rows].reset_index(drop=True)


def feature_frame(featurizer: RecipeFeaturizer, frame: pd.DataFrame) -> pd.DataFrame:
    """The feature matrix with its names (the names carry the monotone constraints)."""
    return pd.DataFrame(featurizer.transform(frame), columns=featurizer.get_feature_names_out())


def estimator_for(cfg: TrainConfig, target: str, learner: str = "xgboost", *, study_name: str | None = None,
                  storage: str | None = None) -> TargetRegressor | TunedRegressor:
    """The (possibly tuned) regressor ``cfg`` asks for, for one target and learner."""
    est = target_regressor(target, learner=learner, params=cfg.xgboost, confidence=cfg.confidence,
                           n_splits=cfg.n_splits, seed=cfg.seed)
    if learner != "xgboost" or not (cfg.tuning.n_trials or study_name):
        return est
    return TunedRegressor(est, cfg.tuning.search_space, n_trials=cfg.tuning.n_trials, timeout_s=cfg.tuning.timeout_s,
                          n_splits=cfg.n_splits, seed=cfg.seed, storage=storage, study_name=study_name)


def train(
    cfg: TrainConfig,
    frame: pd.DataFrame,
    *,
    data_sha256: str = "",
    progress: Progress | None = None,
    trial_callback: Callable[[str], Callable] | None = None,
    evaluate: bool = True,
) -> TrainResult:
    """Evaluate under grouped and random CV, then fit the final conformalised model per target.

    ``evaluate=False`` skips the cross-validation (no metrics, treatment effects or out-of-fold
    predictions): only the final models and the applicability domain are fitted, which is all a
    caller that only needs a model to predict with (a notebook, a test fixture) pays for.
    """
    progress = progress or Progress()
    featurizer = RecipeFeaturizer().fit(frame)
    X_all = feature_frame(featurizer, frame)
    metrics: Metrics = {}
    effects: dict[str, dict[str, dict[str, float]]] = {}
    oofs: dict[str, dict[str, dict[str, OutOfFold]]] = {}
    targets: dict[str, TargetRegressor] = {}
    best: dict[str, dict[str, Any]] = {}

    plan = [(t, *target_rows(frame, X_all, t)) for t in cfg.targets]
    plan = [p for p in plan if len(p[2]) >= 3]
    if not plan:
        raise ValueError(f"no target among {cfg.targets} has at least 3 measured rows to learn from")
    folds = sum(n_outer_folds(g, len(y), cfg.seed, cfg.n_splits) for _, _, y, g, _ in plan) if evaluate else 0
    progress.start(folds + len(plan), "cross-validating" if evaluate else "fitting")
    storage = cfg.tuning.storage
    for t, X, y, g, sub in plan:
        if evaluate:
            oofs[t], metrics[t], effects[t] = evaluate_target(cfg, t, X, y, g, sub, progress)

        # Final model on all rows: a named (shared) study, or a fresh one when tuning is on.
        name = None
        if cfg.tuning.study_name:
            name = f"{cfg.tuning.study_name}-{t}"
        elif cfg.tuning.n_trials and storage:
            name = f"cathodeml-train-{t}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}"
        final = estimator_for(cfg, t, study_name=name, storage=storage if name else None)
        if isinstance(final, TunedRegressor):
            final.fit(X, y, groups=g, callbacks=[trial_callback(t)] if trial_callback else None)
            best[t], reg = final.best_params_, final.best_estimator_
        else:
            reg = final.fit(X, y, groups=g)
            best[t] = dict(reg.params or {})
        targets[t] = reg
        progress.advance()
    progress.stop()

    meta = {
        "cathodeml_version": __version__,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "feature_set_version": featurizer.feature_set_version_,
        "data_sha256": data_sha256,
        "n_rows": int(len(frame)),
        "n_sources": int(frame["source"].nunique()),
        "targets": {t: {"n_train": r.n_train_, "n_sources": r.n_sources_, "log10": r.target_transform == "log10",
                        "params": best[t]} for t, r in targets.items()},
        "confidence": cfg.confidence,
        "seed": cfg.seed,
        "metrics": metrics,
    }
    domain = ApplicabilityDomain(quantile=cfg.domain.quantile, min_sources=cfg.domain.min_sources).fit(
        frame, X_all.to_numpy(), {t: frame[t].notna().to_numpy() for t in targets})
    model = CathodeModel(featurizer, targets, cfg.confidence, meta, domain)
    return TrainResult(model, metrics, effects, oofs, data_sha256, best)


def evaluate_target(cfg: TrainConfig, target: str, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray,
                    rows: pd.DataFrame, progress: Progress) -> tuple[dict, dict, dict]:
    """(out-of-fold predictions, metrics, treatment effects) of every learner under every split.

    Nested when tuning is on: each outer training fold tunes on its own rows."""
    learners = {name: estimator_for(cfg, target, name) for name in LEARNERS}
    res = {split: cross_validate(learners, X, y, groups, split=split, seed=cfg.seed, n_splits=cfg.n_splits,
                                 on_fold=progress.advance) for split in SPLITS}
    res = {split: r for split, r in res.items() if r}
    pairs = treatment_pairs(rows, target)
    log10 = target in LOG10_TARGETS
    effects = {split: {m: treatment_effect_metrics(o, pairs, log10) for m, o in models.items()}
               for split, models in res.items()}
    return res, metrics_of(target, res), effects


def cv_table(metrics: Metrics) -> pd.DataFrame:
    """One row per target × split × model with every metric (what ``cv_table.csv`` holds)."""
    rows = []
    for t, splits in metrics.items():
        for split, models in splits.items():
            for m, ms in models.items():
                rows.append({"target": t, "split": split, "model": m, **ms})
    return pd.DataFrame(rows)


def tune_target(cfg: TrainConfig, frame: pd.DataFrame, target: str, study_name: str) -> TunedRegressor:
    """Run ``cfg.tuning.n_trials`` trials for one target into the study ``{study_name}-{target}``
    (created or extended in ``cfg.tuning.storage``); ``train`` with the same study name uses
    its best parameters."""
    featurizer = RecipeFeaturizer().fit(frame)
    X, y, g, _ = target_rows(frame, feature_frame(featurizer, frame), target)
    if len(y) < 3:
        raise ValueError(f"{target}: {len(y)} measured rows; tuning needs at least 3")
    tuned = estimator_for(cfg, target, study_name=f"{study_name}-{target}", storage=cfg.tuning.storage)
    return tuned.fit(X, y, groups=g)
