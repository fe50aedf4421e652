import numpy as np
import pandas as pd
import pytest

from cathodeml.features import RecipeFeaturizer
from cathodeml.models.estimators import make_xgb, monotone_vector
from cathodeml.models.physics import PHYSICS

#: The enforced directions of each target (they moved to cathodeml.models.physics in issue 13).
MONOTONE = {t: p.monotone for t, p in PHYSICS.items()}


def test_constraint_features_exist_in_the_feature_set():
    names = list(RecipeFeaturizer().fit(pd.DataFrame({"cathode": ["NCM811"]})).get_feature_names_out())
    for target, rules in MONOTONE.items():
        vec = monotone_vector(rules, names)
        assert sum(v != 0 for v in vec) == len(rules), target


def test_unknown_constraint_feature_is_an_error():
    with pytest.raises(ValueError, match="not produced by the featurizer"):
        monotone_vector(MONOTONE["retention_pct"], ["a", "b"])


def test_retention_model_is_non_increasing_in_cycles_even_against_the_data():
    # Data where retention *rises* with cycles (nonsense); the constraint must flatten it.
    rng = np.random.default_rng(0)
    names = ["protocol_log10_cycles", "protocol_v_max", "protocol_window_v", "other"]
    X = rng.uniform(0, 3, size=(300, 4))
    y = 10 * X[:, 0] + X[:, 3] + rng.normal(0, 0.1, 300)
    rules = {f: d for f, d in MONOTONE["retention_pct"].items() if f in names}
    assert rules["protocol_log10_cycles"] == -1
    model = make_xgb(names, rules, {"n_estimators": 50}, seed=0).fit(X, y)
    grid = np.tile(X[:1], (30, 1))
    grid[:, 0] = np.linspace(0, 3, 30)
    pred = model.predict(grid)
    assert np.all(np.diff(pred) <= 1e-6)
