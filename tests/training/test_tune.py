"""TunedRegressor: a scikit-learn meta-estimator (the contract checks) whose search is seeded,
scored in the learner's model space under grouped folds, and can fill a shared study."""

import numpy as np
import optuna
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from cathodeml.models.target import TargetRegressor
from cathodeml.training.config import SearchDim
from cathodeml.training.tune import TunedRegressor, grouped_cv_mae, quiet_optuna, suggest_params
from tests.models.test_target import WEIGHT_CHECKS
from tests.conftest import ENVIRONMENT_CHECKS, FAST_XGB, run_sklearn_check

SPACE = {"max_depth": SearchDim(type="int", low=2, high=3)}


# The template without an interval: TargetRegressor's own checks cover calibration; these are the search's.
@parametrize_with_checks([TunedRegressor(TargetRegressor(params=FAST_XGB, confidence=None), SPACE, n_trials=1, n_splits=2)],
                         expected_failed_checks=lambda est: ENVIRONMENT_CHECKS | WEIGHT_CHECKS, xfail_strict=True)
def test_sklearn_contract(estimator, check):
    run_sklearn_check(estimator, check)


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(size=(n, 3)), columns=["a", "b", "c"])
    return X, 5 * X["a"].to_numpy() + rng.normal(0, 0.1, n), np.repeat(list("abcdef"), n // 6)


def test_grouped_cv_mae_is_measured_in_model_space():
    # Mean model, three sources, leave-one-source-out, log10 space: log10 y = 1, 2 | 3 | 4.
    y = np.array([10.0, 100.0, 1000.0, 10000.0])
    est = TargetRegressor(learner="dummy", target_transform="log10")
    mae = grouped_cv_mae(est, np.zeros((4, 1)), y, np.array(list("aabc")), seed=0)
    # held-out a: mean(3, 4) = 3.5 → |1−3.5|, |2−3.5|; b: mean(1, 2, 4) = 7/3 → |3−7/3|; c: mean(1, 2, 3) = 2 → |4−2|
    assert mae == pytest.approx((2.5 + 1.5 + 2 / 3 + 2) / 4)


def test_suggestions_stay_inside_the_space():
    space = {"n": SearchDim(type="int", low=100, high=200, step=50), "lr": SearchDim(type="float", low=0.01, high=0.3, log=True)}
    with quiet_optuna():
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
        for _ in range(20):
            params = suggest_params(study.ask(), space)
            assert params["n"] in (100, 150, 200) and 0.01 <= params["lr"] <= 0.3


def test_search_is_seeded_and_refits_the_best_parameters():
    X, y, g = _data()
    base = TargetRegressor(params=FAST_XGB, confidence=None)
    a = TunedRegressor(base, SPACE, n_trials=3, n_splits=2, seed=1).fit(X, y, groups=g)
    b = TunedRegressor(base, SPACE, n_trials=3, n_splits=2, seed=1).fit(X, y, groups=g)
    assert a.best_params_ == b.best_params_ and a.best_value_ == b.best_value_ and a.n_trials_ == 3
    assert a.best_params_ == FAST_XGB | {"max_depth": a.best_params_["max_depth"]}
    assert a.best_estimator_.params == a.best_params_
    np.testing.assert_array_equal(a.predict(X), a.best_estimator_.predict(X))
    assert a.n_features_in_ == 3 and list(a.feature_names_in_) == ["a", "b", "c"]


def test_a_named_study_in_a_storage_is_extended():
    X, y, g = _data()
    storage = optuna.storages.InMemoryStorage()  # an RDB file is what `cathodeml tune` uses (tests/cli/test_train.py)
    kw = dict(n_splits=2, storage=storage, study_name="shared")
    TunedRegressor(TargetRegressor(params=FAST_XGB, confidence=None), SPACE, n_trials=2, **kw).fit(X, y, groups=g)
    again = TunedRegressor(TargetRegressor(params=FAST_XGB, confidence=None), SPACE, n_trials=1, **kw).fit(X, y, groups=g)
    study = optuna.load_study(study_name="shared", storage=storage)
    assert again.n_trials_ == len(study.trials) == 3
    assert again.best_params_["max_depth"] == study.best_params["max_depth"]


def test_no_trials_uses_the_estimators_parameters():
    X, y, g = _data()
    tuned = TunedRegressor(TargetRegressor(params=FAST_XGB, confidence=None), SPACE, n_trials=0).fit(X, y, groups=g)
    assert tuned.best_params_ == FAST_XGB and np.isnan(tuned.best_value_)


def test_bad_input_fails_before_any_trial():
    X, y, g = _data()
    storage = optuna.storages.InMemoryStorage()
    with pytest.raises(ValueError):
        TunedRegressor(TargetRegressor(), SPACE, n_trials=1, storage=storage, study_name="s").fit(X, y[:-1], groups=g)
    assert optuna.study.get_all_study_names(storage) == []  # no study, hence no failed trial in a shared one
    with pytest.raises(NotFittedError):
        TunedRegressor().predict(X)


def test_quiet_optuna_restores_the_callers_verbosity():
    before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.DEBUG)
    try:
        with pytest.raises(RuntimeError), quiet_optuna():
            assert optuna.logging.get_verbosity() == optuna.logging.WARNING
            raise RuntimeError("a failing study")
        assert optuna.logging.get_verbosity() == optuna.logging.DEBUG
    finally:
        optuna.logging.set_verbosity(before)
