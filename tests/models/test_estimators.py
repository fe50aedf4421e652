"""Base learners: monotone constraints by feature name, deterministic XGBoost, a ridge baseline
that survives constant and empty columns."""

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyRegressor

from cathodeml.features import RecipeFeaturizer
from cathodeml.models.estimators import LEARNERS, make_learner, make_ridge, make_xgb, monotone_vector
from cathodeml.models.physics import PHYSICS

MONOTONE = {t: p.monotone for t, p in PHYSICS.items()}


def test_constraint_features_exist_in_the_feature_set():
    names = list(RecipeFeaturizer().fit(pd.DataFrame({"cathode": ["NCM811"]})).get_feature_names_out())
    for target, rules in MONOTONE.items():
        vec = monotone_vector(rules, names)
        assert sum(v != 0 for v in vec) == len(rules), target


def test_constraint_vector_follows_the_names_not_the_positions():
    assert monotone_vector({"b": -1, "d": 1}, ["a", "b", "c", "d"]) == (0, -1, 0, 1)
    assert monotone_vector({"b": -1, "d": 1}, ["d", "c", "b"]) == (1, 0, -1)
    assert monotone_vector(None, ["a", "b"]) == (0, 0)


def test_unknown_constraint_feature_is_an_error():
    with pytest.raises(ValueError, match="not produced by the featurizer"):
        monotone_vector(MONOTONE["retention_pct"], ["a", "b"])


def test_retention_model_is_non_increasing_in_cycles_even_against_the_data():
    # Data where retention *rises* with cycles (nonsense); the constraint must flatten it.
    rng = np.random.default_rng(0)
    names = ["protocol_log10_cycles", "protocol_v_max", "protocol_window_v", "other"]
    X = rng.uniform(0, 3, size=(300, 4))
    y = 10 * X[:, 0] + X[:, 3] + rng.normal(0, 0.1, 300)
    rules = {k: v for k, v in MONOTONE["retention_pct"].items() if k in names}
    model = make_xgb(names, rules, {"n_estimators": 50}, seed=0).fit(X, y)
    grid = np.tile(X[:1], (30, 1))
    grid[:, 0] = np.linspace(0, 3, 30)
    pred = model.predict(grid)
    assert np.all(np.diff(pred) <= 1e-6), "retention must not increase with cycles"


def test_xgboost_is_seeded_single_threaded_and_takes_overrides():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(80, 3)), rng.normal(size=80)
    a = make_xgb(["a", "b", "c"], None, {"n_estimators": 7}, seed=3)
    assert a.get_params()["n_estimators"] == 7 and a.get_params()["n_jobs"] == 1
    assert a.get_params()["max_depth"] == 4  # the default under the override
    b = make_xgb(["a", "b", "c"], None, {"n_estimators": 7}, seed=3)
    np.testing.assert_array_equal(a.fit(X, y).predict(X), b.fit(X, y).predict(X))


def test_ridge_survives_empty_and_nearly_constant_columns():
    rng = np.random.default_rng(2)
    X = np.column_stack([rng.normal(size=50), np.full(50, np.nan), 1.0 + rng.normal(0, 1e-16, 50)])
    y = 3 * X[:, 0] + 1
    pred = make_ridge().fit(X, y).predict(X)
    assert np.all(np.abs(pred) < 100), "a round-off column must not blow predictions up"
    assert np.corrcoef(pred, y)[0, 1] > 0.99


def test_learners_by_name():
    assert set(LEARNERS) == {"xgboost", "dummy", "ridge"}
    assert isinstance(make_learner("dummy", [], None, None, 0), DummyRegressor)
    with pytest.raises(ValueError, match="unknown learner 'forest'; known: xgboost, dummy, ridge"):
        make_learner("forest", [], None, None, 0)
