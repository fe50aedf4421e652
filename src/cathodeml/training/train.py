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
from cathodeml.models.conformal import min_calibration_rows
from cathodeml.models.domain import ApplicabilityDomain
from cathodeml.models.estimators import LEARNERS
from cathodeml.models.anchoring import Anchor
from cathodeml.models.physics import PHYSICS, domain_features, regressor_for
from cathodeml.models.target import TargetRegressor
from cathodeml.progress import Progress
from cathodeml.schema import LOG10_TARGETS
from cathodeml.training.config import TrainConfig
from cathodeml.training.anchoring import fit_anchor
from cathodeml.training.cv import SPLITS, OutOfFold, cross_validate_many, metrics_of, n_outer_folds, treatment_pairs
from cathodeml.training.evaluation import domain_metrics, subgroup_coverage, treatment_effect_metrics
from cathodeml.training.rows import TargetRows, target_rows
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
    diagnostics: dict[str, dict[str, Any]] = field(default_factory=dict)  # subgroup coverage, domain in/out


@dataclass(frozen=True)
class TrainingData:
    frame: pd.DataFrame
    sha256: str
    label: str
    path: Path
    # Several datasets trained together (cathodeml.training.datasets): each one's lineage, the
    # weight of each row (None = all 1) and the dataset each row came from.
    parts: tuple = ()
    weight: np.ndarray | None = None
    origin: np.ndarray | None = None


def load_training_data(path: str | Path | None) -> TrainingData:
    """The typed frame, sha256 and label of a training table — the shipped dataset when path is None."""
    p = dataset_path() if path is None else Path(path)
    frame = read_recipes(p, dataset=True)
    label = f"cathodeml-literature v{load_datacard().version}" if path is None else str(p)
    return TrainingData(frame, sha256_bytes(p.read_bytes()), label, p)


def feature_frame(featurizer: RecipeFeaturizer, frame: pd.DataFrame) -> pd.DataFrame:
    """The feature matrix with its names (the names carry the monotone constraints)."""
    return pd.DataFrame(featurizer.transform(frame), columns=featurizer.get_feature_names_out())


def estimator_for(cfg: TrainConfig, target: str, sources: dict[str, tuple[str, ...]], learner: str = "xgboost", *,
                  study_name: str | None = None, storage: str | None = None) -> TargetRegressor | TunedRegressor:
    """The (possibly tuned) regressor ``cfg`` asks for, for one target and learner; ``sources``
    maps each feature to its recipe columns (the featurizer's ``feature_sources_``)."""
    est = regressor_for(target, sources, learner=learner, params=cfg.xgboost, confidence=cfg.confidence,
                        n_splits=cfg.n_splits, seed=cfg.seed)
    if learner != "xgboost" or not (cfg.tuning.n_trials or study_name):
        return est
    return TunedRegressor(est, cfg.tuning.search_space, n_trials=cfg.tuning.n_trials, timeout_s=cfg.tuning.timeout_s,
                          n_splits=cfg.n_splits, seed=cfg.seed, storage=storage, study_name=study_name)


def rows_for(cfg: TrainConfig, frame: pd.DataFrame, featurizer: RecipeFeaturizer, target: str,
             weight: np.ndarray | None = None) -> TargetRows:
    """The measured rows of ``target`` with the augmented copies its physics asks for."""
    return target_rows(frame, lambda f: feature_frame(featurizer, f), target, PHYSICS[target].augment, weight=weight)


def _fit(est: TargetRegressor | TunedRegressor, rows: TargetRows, callbacks=None) -> tuple[TargetRegressor, dict]:
    X, y, g, w, cal = rows.fit_set()
    if isinstance(est, TunedRegressor):
        est.fit(X, y, groups=g, sample_weight=w, calibrate=cal, callbacks=callbacks)
        return est.best_estimator_, est.best_params_
    est.fit(X, y, groups=g, sample_weight=w, calibrate=cal)
    return est, dict(est.params or {})


def train(
    cfg: TrainConfig,
    frame: pd.DataFrame,
    *,
    data_sha256: str = "",
    progress: Progress | None = None,
    trial_callback: Callable[[str], Callable] | None = None,
    evaluate: bool = True,
    weight: np.ndarray | None = None,
) -> TrainResult:
    """Evaluate under grouped and random CV (unless ``evaluate`` is False), then fit the final
    conformalised model and the control anchor of each target. ``weight`` weighs rows (e.g. a
    lab's own measurements against the literature).

    Runs on one BLAS/OpenMP thread (the learners are single-threaded already): the ridge
    baseline's solves then give the same bits on any machine, and thousands of tiny solves and
    predictions stop paying for thread hand-offs (~10 % faster on the 2-core VM)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _train(cfg, frame, data_sha256=data_sha256, progress=progress or Progress(),
                      trial_callback=trial_callback, evaluate=evaluate, weight=weight)


def _train(cfg: TrainConfig, frame: pd.DataFrame, *, data_sha256: str, progress: Progress,
           trial_callback: Callable[[str], Callable] | None, evaluate: bool, weight: np.ndarray | None) -> TrainResult:
    featurizer = RecipeFeaturizer().fit(frame)
    X_all = feature_frame(featurizer, frame)
    metrics: Metrics = {}
    effects: dict[str, dict[str, dict[str, float]]] = {}
    diagnostics: dict[str, dict[str, Any]] = {}
    oofs: dict[str, dict[str, dict[str, OutOfFold]]] = {}
    targets: dict[str, TargetRegressor] = {}
    anchors: dict[str, Anchor] = {}
    best: dict[str, dict[str, Any]] = {}

    plan = [rows_for(cfg, frame, featurizer, t, weight) for t in cfg.targets]
    plan = [r for r in plan if r.n >= 3]
    if not plan:
        raise ValueError(f"no target among {cfg.targets} has at least 3 measured rows to learn from")
    total = (sum(n_outer_folds(r.groups, r.n, cfg.seed, cfg.n_splits) for r in plan) if evaluate else 0) + len(plan)
    progress.start(total, "cross-validating" if evaluate else "fitting")
    storage = cfg.tuning.storage
    sources = featurizer.feature_sources_
    # Evaluation: every target's folds of both splits at once, over cfg.n_jobs processes; nested
    # (each outer training fold tunes on its own rows) when tuning is on.
    learners = {r.target: {name: estimator_for(cfg, r.target, sources, name) for name in LEARNERS} for r in plan}
    cv = cross_validate_many({(r.target, split): (learners[r.target], r, split) for r in plan for split in SPLITS},
                             seed=cfg.seed, n_splits=cfg.n_splits, on_fold=progress.advance,
                             n_jobs=cfg.n_jobs) if evaluate else {}
    for rows in plan:
        t = rows.target
        pairs = treatment_pairs(rows.frame, t)
        if evaluate:
            res = {split: cv[(t, split)] for split in SPLITS if (t, split) in cv}
            oofs[t] = res
            metrics[t] = metrics_of(t, res)
            effects[t] = {split: {m: treatment_effect_metrics(o, pairs, t in LOG10_TARGETS) for m, o in models.items()}
                          for split, models in res.items()}
            if "grouped" in res:
                oof = res["grouped"]["xgboost"]
                xgb = learners[t]["xgboost"]
                used = np.array([list(rows.X.columns).index(f) for f in domain_features(xgb.features)], dtype=np.int64) \
                    if getattr(xgb, "features", None) else None
                diagnostics[t] = {"subgroups": subgroup_coverage(oof, rows.frame),
                                  "domain": domain_metrics(oof, rows, used, cfg.domain)}

        # Final model on all rows: a named (shared) study, or a fresh one when tuning is on.
        name = None
        if cfg.tuning.study_name:
            name = f"{cfg.tuning.study_name}-{t}"
        elif cfg.tuning.n_trials and storage:
            name = f"cathodeml-train-{t}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}"
        final = estimator_for(cfg, t, sources, study_name=name, storage=storage if name else None)
        reg, best[t] = _fit(final, rows, [trial_callback(t)] if trial_callback else None)
        targets[t] = reg
        anchor, _ = fit_anchor(rows, pairs, reg, lambda f: feature_frame(featurizer, f), seed=cfg.seed,
                               n_splits=cfg.n_splits, confidence=cfg.confidence)
        if anchor is not None:
            anchors[t] = anchor
        progress.advance()
    progress.stop()

    meta = {
        "cathodeml_version": __version__,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "feature_set_version": featurizer.feature_set_version_,
        "data_sha256": data_sha256,
        "n_rows": int(len(frame)),
        "n_sources": int(frame["source"].nunique()),
        "targets": {t: {"n_train": r.n_train_, "n_sources": r.n_sources_, "transform": r.target_transform,
                        "n_features": len(r.features_), "params": best[t]} for t, r in targets.items()},
        "anchors": {t: a.to_dict() for t, a in anchors.items()},
        "confidence": cfg.confidence,
        "seed": cfg.seed,
        "metrics": metrics,
    }
    names = list(X_all.columns)
    domain = ApplicabilityDomain(quantile=cfg.domain.quantile, min_sources=cfg.domain.min_sources,
                                 range_tolerance=cfg.domain.range_tolerance,
                                 min_rows=min_calibration_rows(cfg.confidence)).fit(
        frame, X_all.to_numpy(), {t: frame[t].notna().to_numpy() for t in targets},
        {t: np.array([names.index(f) for f in domain_features(r.features_)], dtype=np.int64) for t, r in targets.items()})
    model = CathodeModel(featurizer, targets, cfg.confidence, meta, domain, anchors)
    return TrainResult(model, metrics, effects, oofs, data_sha256, best, diagnostics)


def cv_table(metrics: Metrics) -> pd.DataFrame:
    """One row per target × split × model with every metric (what ``cv_table.csv`` holds)."""
    rows = []
    for t, splits in metrics.items():
        for split, models in splits.items():
            for m, ms in models.items():
                rows.append({"target": t, "split": split, "model": m, **ms})
    return pd.DataFrame(rows)


def tune_target(cfg: TrainConfig, frame: pd.DataFrame, target: str, study_name: str, *,
                progress: Progress | None = None) -> TunedRegressor:
    """Run ``cfg.tuning.n_trials`` trials for one target into the study ``{study_name}-{target}``
    (created or extended in ``cfg.tuning.storage``); ``train`` with the same study name uses
    its best parameters. ``progress`` advances once per trial and once for the refit (a
    ``--timeout`` may end the trials early)."""
    progress = progress or Progress()
    featurizer = RecipeFeaturizer().fit(frame)
    rows = rows_for(cfg, frame, featurizer, target)
    if rows.n < 3:
        raise ValueError(f"{target}: {rows.n} measured rows; tuning needs at least 3")
    tuned = estimator_for(cfg, target, featurizer.feature_sources_, study_name=f"{study_name}-{target}",
                          storage=cfg.tuning.storage)
    progress.start(cfg.tuning.n_trials + 1, f"tuning {target}")
    try:
        _fit(tuned, rows, [lambda study, trial: progress.advance()])
        progress.advance()
    finally:
        progress.stop()
    return tuned
