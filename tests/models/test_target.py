"""TargetRegressor: a scikit-learn estimator (the contract checks), a target's space and bounds,
constraints by feature name, conformal intervals."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from cathodeml.models.estimators import MONOTONE
from cathodeml.models.target import TargetRegressor, target_regressor
from tests.conftest import ENVIRONMENT_CHECKS, FAST_XGB, run_sklearn_check


@parametrize_with_checks([TargetRegressor(params=FAST_XGB, n_splits=2)], expected_failed_checks=lambda est: ENVIRONMENT_CHECKS,
                         xfail_strict=True)
def test_sklearn_contract(estimator, check):
    run_sklearn_check(estimator, check)


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(0, 1, size=(n, 3)), columns=["protocol_log10_cycles", "noise", "other"])
    return X, rng


def test_log10_target_is_learnt_in_log_space_and_its_interval_is_a_ratio():
    X, rng = _data()
    y = 10 ** (1 + 2 * X["other"].to_numpy() + rng.normal(0, 0.05, len(X)))  # spans two decades
    reg = TargetRegressor(params={"n_estimators": 30}, target_transform="log10", bounds=(0, np.inf)).fit(X, y)
    point, lo, hi = reg.predict_interval(X)
    assert (lo > 0).all(), "a resistance interval stays positive"
    np.testing.assert_allclose(hi / point, point / lo, rtol=1e-6)  # symmetric in log space
    np.testing.assert_allclose(np.log10(point), reg.predict_model_space(X), rtol=1e-6)
    assert np.corrcoef(np.log10(point), np.log10(y))[0, 1] > 0.9


def test_bounds_clip_the_point_and_both_ends_of_the_interval():
    X, rng = _data()
    y = np.clip(95 + 10 * X["other"].to_numpy() + rng.normal(0, 2, len(X)), None, 100.0)  # retention near 100 %
    point, lo, hi = TargetRegressor(params={"n_estimators": 30}, bounds=(0.0, 100.0)).fit(X, y).predict_interval(X)
    assert hi.max() == 100.0 and (point <= 100).all() and (lo <= point).all()


def test_constraints_are_given_by_feature_name():
    X, rng = _data()
    y = 10 * X["protocol_log10_cycles"].to_numpy() + rng.normal(0, 0.1, len(X))  # rising: against the rule
    reg = TargetRegressor(params={"n_estimators": 30}, monotone=MONOTONE["retention_pct"] | {}, confidence=None)
    with pytest.raises(ValueError, match="not produced by the featurizer: \\['protocol_v_max', 'protocol_window_v'\\]"):
        clone(reg).fit(X, y)
    reg.set_params(monotone={"protocol_log10_cycles": -1}).fit(X, y)
    grid = pd.DataFrame({"protocol_log10_cycles": np.linspace(0, 1, 20), "noise": 0.5, "other": 0.5})
    assert np.all(np.diff(reg.predict(grid)) <= 1e-6), "the constraint holds whatever the data say"


def test_no_confidence_means_no_interval_and_bad_settings_are_errors():
    X, rng = _data(40)
    y = rng.normal(size=len(X))
    reg = TargetRegressor(params=FAST_XGB, confidence=None).fit(X, y)
    point, lo, hi = reg.predict_interval(X)
    assert np.isfinite(point).all() and np.isnan(lo).all() and np.isnan(hi).all()
    with pytest.raises(ValueError, match="target_transform 'sqrt' is not one of identity, log10"):
        TargetRegressor(target_transform="sqrt").fit(X, y)
    with pytest.raises(ValueError, match="confidence 1.2 must be in"):
        TargetRegressor(confidence=1.2).fit(X, y)
    with pytest.raises(ValueError, match="log10 needs values > 0"):
        TargetRegressor(target_transform="log10").fit(X, y)


def test_unfitted_and_wrong_width_inputs_are_refused():
    X, rng = _data(40)
    with pytest.raises(NotFittedError):
        TargetRegressor().predict(X)
    reg = TargetRegressor(params=FAST_XGB, confidence=None).fit(X.to_numpy(), rng.normal(size=len(X)))
    with pytest.raises(ValueError, match="X has 2 features, but TargetRegressor is expecting 3 features"):
        reg.predict(X.to_numpy()[:, :2])


def test_training_size_and_sources_are_recorded():
    X, rng = _data(30)
    reg = TargetRegressor(params=FAST_XGB, confidence=None).fit(X, rng.normal(size=30), groups=np.repeat(list("abc"), 10))
    assert (reg.n_train_, reg.n_sources_) == (30, 3)


@pytest.mark.parametrize(
    ("target", "transform", "bounds"),
    [("capacity_mah_g", "identity", (0.0, np.inf)), ("retention_pct", "identity", (0.0, 100.0)),
     ("rct_ohm", "log10", (0.0, np.inf))],
)
def test_each_target_gets_its_physics(target, transform, bounds):
    reg = target_regressor(target, params={"max_depth": 3}, confidence=0.8, n_splits=3, seed=7)
    assert (reg.target_transform, reg.bounds) == (transform, bounds)
    assert reg.monotone == MONOTONE[target]
    assert (reg.params, reg.confidence, reg.n_splits, reg.seed) == ({"max_depth": 3}, 0.8, 3, 7)
