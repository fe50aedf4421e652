"""Fitting the control anchor on treated/control pairs under grouped CV: the model's effect is used
only where it beats the constant median effect on the same pairs."""

import numpy as np
import pandas as pd
import pytest

from cathodeml.models.target import TargetRegressor
from cathodeml.training.anchoring import fit_anchor
from cathodeml.training.rows import TargetRows


def _rows(effect_of_x: float, n_papers: int = 14, seed: int = 0):
    """Papers with one control and one treated sample each; the treatment adds 10 + effect_of_x·x
    (x a feature of the treated recipe); paper levels differ by a lot."""
    rng = np.random.default_rng(seed)
    recs, X, y = [], [], []
    for k in range(n_papers):
        level = rng.normal(150, 30)
        x = rng.uniform(0, 2)
        for treated in (False, True):
            recs.append({"source": f"p{k}", "coating": "Al2O3" if treated else np.nan, "dopant": np.nan,
                         "regen_method": "none", "v_min": 2.8, "v_max": 4.3, "test_temp_c": 25.0,
                         "capacity_c_rate": 0.1, "electrolyte": "liquid", "cell_type": "half"})
            X.append({"treated": float(treated), "x": x * treated, "level": level})
            y.append(level + (10 + effect_of_x * x if treated else 0.0) + rng.normal(0, 1))
    frame = pd.DataFrame(recs)
    X = pd.DataFrame(X)
    groups = frame["source"].to_numpy()
    rows = TargetRows("capacity_mah_g", frame, X, np.array(y), groups, np.ones(len(y)), X.iloc[:0], np.array([]),
                      np.array([], dtype=np.int64))
    pairs = [(2 * k + 1, 2 * k) for k in range(n_papers)]

    def featurize(f):  # the untreated counterfactual: treated features off, the paper level kept
        out = X.copy()
        out.loc[f["coating"].isna().to_numpy(), ["treated", "x"]] = 0.0
        return out

    return rows, pairs, featurize


def test_a_constant_effect_is_anchored_with_the_constant():
    rows, pairs, featurize = _rows(effect_of_x=0.0)
    est = TargetRegressor(learner="ridge", confidence=0.9)
    anchor, table = fit_anchor(rows, pairs, est, featurize, seed=0, n_splits=5, confidence=0.9)
    assert len(table) == 14 and anchor.n_pairs == 14
    assert anchor.median_effect == pytest.approx(10, abs=1.0)
    assert anchor.mae_constant < 2.0 and anchor.mae_constant < anchor.mae_absolute  # the control carries the level


def test_a_recipe_specific_effect_is_anchored_with_the_model():
    rows, pairs, featurize = _rows(effect_of_x=40.0)
    anchor, _ = fit_anchor(rows, pairs, TargetRegressor(learner="ridge", confidence=None), featurize, seed=0,
                           n_splits=5, confidence=0.9)
    assert anchor.mode == "model" and anchor.mae_model < anchor.mae_constant


def test_too_few_pairs_for_the_level_give_no_anchor():
    rows, pairs, featurize = _rows(effect_of_x=0.0, n_papers=14)
    anchor, table = fit_anchor(rows, pairs[:5], TargetRegressor(learner="ridge"), featurize, seed=0, n_splits=5,
                               confidence=0.9)
    assert anchor is None and table.empty
