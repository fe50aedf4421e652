import numpy as np
import pandas as pd
import pytest

from cathodeml.features import RecipeFeaturizer
from cathodeml.models.estimators import LEARNERS, make_learner, make_xgb, monotone_vector
from cathodeml.models.physics import PHYSICS


def test_constraint_features_exist_in_the_feature_set():
    names = list(RecipeFeaturizer().fit(pd.DataFrame({"cathode": ["NCM811"]})).get_feature_names_out())
    for target, phys in PHYSICS.items():
        vec = monotone_vector(phys.monotone, names)
        assert sum(v != 0 for v in vec) == len(phys.monotone), target


def test_unknown_constraint_feature_is_an_error():
    with pytest.raises(ValueError, match="not produced by the featurizer"):
        monotone_vector({"protocol_log10_cycles": -1}, ["a", "b"])


def test_retention_model_is_non_increasing_in_cycles_even_against_the_data():
    # Data where retention *rises* with cycles (nonsense); the constraint must flatten it.
    rng = np.random.default_rng(0)
    names = ["protocol_log10_cycles", "protocol_v_max", "other"]
    X = rng.uniform(0, 3, size=(300, 3))
    y = 10 * X[:, 0] + X[:, 2] + rng.normal(0, 0.1, 300)
    model = make_xgb(names, {"protocol_log10_cycles": -1}, {"n_estimators": 50}, seed=0).fit(X, y)
    grid = np.tile(X[:1], (30, 1))
    grid[:, 0] = np.linspace(0, 3, 30)
    assert np.all(np.diff(model.predict(grid)) <= 1e-6)


def test_unknown_learner_is_named():
    with pytest.raises(ValueError, match="unknown learner 'forest'; known: xgboost, dummy, ridge"):
        make_learner("forest", ["a"], None, None, 0)
    assert LEARNERS == ("xgboost", "dummy", "ridge")
