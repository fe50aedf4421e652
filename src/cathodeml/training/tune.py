"""Optuna search over XGBoost hyperparameters, scored by grouped cross-validation.

The objective is the grouped-CV mean absolute error (folds keep sources whole), so the search
rewards what generalises to a new paper. Inside ``train`` it is nested: each outer test fold gets
its own study on its training rows only. Samplers are seeded TPE, so one worker with the same
data and seed proposes the same trials; several ``cathodeml tune`` workers sharing one RDB
storage (sqlite file, PostgreSQL, …) trade that determinism for speed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import optuna
from sklearn.metrics import mean_absolute_error

from cathodeml.models.conformal import group_cv
from cathodeml.models.estimators import make_xgb


def suggest_params(trial: optuna.Trial) -> dict[str, Any]:
    """The search space (log scales where the effect is multiplicative)."""
    return {
        "n_estimators": trial.suggest_int("n_estimators", 100, 800, step=50),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "max_depth": trial.suggest_int("max_depth", 2, 8),
        "min_child_weight": trial.suggest_float("min_child_weight", 0.5, 10.0, log=True),
        "subsample": trial.suggest_float("subsample", 0.5, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.3, 1.0),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
        "reg_alpha": trial.suggest_float("reg_alpha", 1e-3, 10.0, log=True),
    }


def grouped_cv_mae(X, y, groups, target, feature_names, params, seed, n_splits: int = 5) -> float:
    """Mean absolute error of out-of-fold predictions under source-grouped folds."""
    cv = group_cv(groups, len(y), seed, n_splits)
    pred = np.empty(len(y))
    split_groups = groups if len(np.unique(groups)) >= 2 else None
    for train, test in cv.split(X, y, groups=split_groups):
        model = make_xgb(target, feature_names, params, seed).fit(X[train], y[train])
        pred[test] = model.predict(X[test])
    return float(mean_absolute_error(y, pred))


def make_study(seed: int, storage: str | None = None, study_name: str | None = None) -> optuna.Study:
    return optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        storage=storage,
        study_name=study_name,
        load_if_exists=study_name is not None,
    )


def tune(
    X, y, groups, target, feature_names, *, seed: int, n_trials: int, timeout_s: float | None = None,
    study: optuna.Study | None = None, callbacks: list[Callable] | None = None,
) -> tuple[dict[str, Any], optuna.Study]:
    """Run (or continue) a study; return the best parameters and the study."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = study or make_study(seed)

    def objective(trial: optuna.Trial) -> float:
        return grouped_cv_mae(X, y, groups, target, feature_names, suggest_params(trial), seed)

    study.optimize(objective, n_trials=n_trials, timeout=timeout_s, callbacks=callbacks or [])
    return dict(study.best_params), study
