"""Optuna search over XGBoost hyperparameters, scored by grouped cross-validation.

:class:`TunedRegressor` is a scikit-learn meta-estimator (like ``GridSearchCV``): its ``fit``
runs a seeded TPE study on *its own* training rows — objective: the grouped-CV mean absolute
error in the learner's model space, folds keeping sources whole, so the search rewards what
generalises to a new paper — then refits the best parameters. Cross-validating a
``TunedRegressor`` is therefore nested tuning: the outer test fold is never seen by the search.

Samplers are seeded TPE, so one worker with the same data and seed proposes the same trials;
several ``cathodeml tune`` workers sharing one RDB storage (sqlite file, PostgreSQL, …) trade
that determinism for speed. Optuna's logging is quietened only for the duration of a study.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.metrics import mean_absolute_error
from sklearn.utils.validation import check_is_fitted, validate_data

from cathodeml.models.conformal import out_of_fold
from cathodeml.models.target import TargetRegressor
from cathodeml.models.transforms import get_transform
from cathodeml.training.config import DEFAULT_SEARCH_SPACE, SearchDim


@contextmanager
def quiet_optuna() -> Iterator[None]:
    """Optuna's per-trial INFO lines off while the block runs; the caller's verbosity restored after."""
    import optuna

    before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(before)


def suggest_params(trial: Any, space: Mapping[str, SearchDim]) -> dict[str, Any]:
    """One trial's parameters from the search space."""
    out: dict[str, Any] = {}
    for name, dim in space.items():
        if dim.type == "int":
            out[name] = trial.suggest_int(name, int(dim.low), int(dim.high), step=int(dim.step or 1), log=dim.log)
        else:
            out[name] = trial.suggest_float(name, dim.low, dim.high, step=dim.step, log=dim.log)
    return out


def make_study(seed: int, storage: str | None = None, study_name: str | None = None):
    import optuna

    with quiet_optuna():
        return optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed),
                                   storage=storage, study_name=study_name, load_if_exists=study_name is not None)


def grouped_cv_mae(estimator: TargetRegressor, X: Any, y: np.ndarray, groups: np.ndarray | None,
                   seed: int, n_splits: int = 5, sample_weight: np.ndarray | None = None,
                   scored: np.ndarray | None = None) -> float:
    """MAE of out-of-fold predictions in the learner's model space, under source-grouped folds,
    over the ``scored`` rows (measured rows; augmented copies are learnt from, not scored)."""
    point = clone(estimator).set_params(confidence=None)
    y = np.asarray(y, dtype=float)
    pred = out_of_fold(point, X, y, groups, seed, n_splits, sample_weight)
    mask = np.ones(len(y), bool) if scored is None else np.asarray(scored, dtype=bool)
    return float(mean_absolute_error(get_transform(estimator.target_transform).forward(y)[mask], pred[mask]))


class TunedRegressor(RegressorMixin, BaseEstimator):
    """A :class:`TargetRegressor` whose XGBoost parameters are searched by Optuna in ``fit``.

    Parameters
    ----------
    estimator : TargetRegressor
        The template; the best parameters are set on a clone of it.
    search_space : dict or None
        ``{parameter: SearchDim}``; None = :data:`~cathodeml.training.config.DEFAULT_SEARCH_SPACE`.
    n_trials, timeout_s : int, float or None
        The budget of one study.
    n_splits, seed : int
        Folds and seed of the objective (and of the sampler).
    storage, study_name : str or None
        An RDB study to create or extend (None: a new in-memory study).

    Fitted attributes: ``best_params_``, ``best_value_``, ``n_trials_``, ``best_estimator_``.
    """

    def __init__(self, estimator: TargetRegressor | None = None, search_space: Mapping[str, SearchDim] | None = None,
                 n_trials: int = 20, timeout_s: float | None = None, n_splits: int = 5, seed: int = 42,
                 storage: str | None = None, study_name: str | None = None):
        self.estimator = estimator
        self.search_space = search_space
        self.n_trials = n_trials
        self.timeout_s = timeout_s
        self.n_splits = n_splits
        self.seed = seed
        self.storage = storage
        self.study_name = study_name

    def fit(self, X: Any, y: Any, groups: np.ndarray | None = None, sample_weight: np.ndarray | None = None,
            calibrate: np.ndarray | None = None, callbacks: list[Callable] | None = None) -> TunedRegressor:
        # Checked before the study exists: bad input must raise here, not leave failed trials in a
        # shared study. X itself goes on unconverted (a DataFrame's names carry the constraints).
        checked, y = validate_data(self, X, y, ensure_all_finite="allow-nan", y_numeric=True)
        y = np.asarray(y, dtype=float)
        if not hasattr(X, "iloc"):  # lists and array-likes: the checked array (a frame keeps its names)
            X = checked
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=float)
        base = self.estimator if self.estimator is not None else TargetRegressor()
        space = dict(self.search_space or DEFAULT_SEARCH_SPACE)
        study = make_study(self.seed, self.storage, self.study_name)

        def objective(trial) -> float:
            params = dict(base.params or {}) | suggest_params(trial, space)
            return grouped_cv_mae(clone(base).set_params(params=params), X, y, groups, self.seed, self.n_splits,
                                  sample_weight, calibrate)

        with quiet_optuna():
            if self.n_trials:
                study.optimize(objective, n_trials=self.n_trials, timeout=self.timeout_s, callbacks=callbacks or [])
        done = [t for t in study.trials if t.value is not None]
        self.best_params_ = dict(base.params or {}) | (dict(study.best_params) if done else {})
        self.best_value_ = float(study.best_value) if done else float("nan")
        self.n_trials_ = len(study.trials)
        self.study_name_ = study.study_name
        self.best_estimator_ = clone(base).set_params(params=self.best_params_).fit(
            X, y, groups=groups, sample_weight=sample_weight, calibrate=calibrate)
        return self

    def predict_interval(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict_interval(X)

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
