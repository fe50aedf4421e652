"""SHAP attributions: additive, partitioned by treatment, counterfactuals that behave."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.features.base import GROUPS
from cathodeml.models import CathodeModel
from cathodeml.models.persistence import load_local_model
from cathodeml.explain.attribution import Explainer
from cathodeml.explain.counterfactuals import CHANGES, counterfactual_frame, counterfactuals
from tests.conftest import synthetic_frame, synthetic_recipes


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return load_local_model(tiny_model_dir)


@pytest.fixture(scope="module")
def recipes():
    return synthetic_frame(n_sources=2, per_source=8, seed=5)


def test_group_sums_plus_base_equal_prediction(model, recipes):
    exp = Explainer(model).explain(recipes)
    for t, te in exp.targets.items():
        groups = te.group_values(exp.feature_groups, exp.feature_names)
        recon = groups.sum(axis=1).to_numpy() + te.base_value
        # In the model's space (log10 Ω for Rct, the log capacity loss for retention), smooth terms included.
        model_space = model.targets[t].predict_model_space(model.featurize(recipes))
        assert np.all(np.abs(recon - model_space) <= 1e-4 * np.maximum(1.0, np.abs(model_space))), t


def test_groups_partition_the_features(model, recipes):
    exp = Explainer(model).explain(recipes)
    assert set(exp.feature_groups) == set(exp.feature_names)
    assert set(exp.feature_groups.values()) == set(GROUPS)
    for te in exp.targets.values():
        np.testing.assert_allclose(te.group_values(exp.feature_groups, exp.feature_names).sum(axis=1),
                                   te.values.sum(axis=1), rtol=1e-9, atol=1e-9)


def test_treatment_table_shape(model, recipes):
    t = Explainer(model).explain(recipes).treatments()
    assert len(t) == len(recipes) * len(model.targets) * len(GROUPS)
    assert set(t.columns) == {"record_id", "target", "group", "value", "units"}


def test_removing_a_coating_from_an_uncoated_recipe_changes_nothing(model):
    frame = recipes_to_frame([Recipe(cathode="NCM811", v_min=2.8, v_max=4.3, cycles=100, capacity_c_rate=0.1)])
    before = model.predict(frame)
    after = model.predict(counterfactual_frame(frame, "remove coating"))
    pd.testing.assert_frame_equal(before, after)
    cf = counterfactuals(model, frame)
    assert "remove coating" not in set(cf["change"])  # not applicable: no row claims an effect


def test_removing_a_coating_from_a_coated_recipe_is_reported(model):
    frame = recipes_to_frame([Recipe(cathode="NCM811", coating="Al2O3", coating_wt_pct=1.0, v_min=2.8, v_max=4.3,
                                     cycles=100, capacity_c_rate=0.1)])
    cf = counterfactuals(model, frame)
    rows = cf[cf["change"] == "remove coating"]
    assert set(rows["target"]) == set(model.targets)
    uncoated = model.predict(counterfactual_frame(frame, "remove coating"))
    r = rows[rows.target == "retention_pct"].iloc[0]
    assert r["counterfactual_pred"] == pytest.approx(uncoated.loc[0, "retention_pct_pred"])
    assert r["counterfactual_lower"] <= r["counterfactual_pred"] <= r["counterfactual_upper"]


def test_unknown_change_is_an_error(recipes):
    with pytest.raises(ValueError, match="unknown change 'paint it'"):
        counterfactual_frame(recipes, "paint it")
    assert len(CHANGES) == 7


def test_cli_explain_end_to_end(tiny_model_dir, tmp_path):
    src = tmp_path / "r.csv"
    synthetic_recipes(n_sources=1, per_source=4, seed=9).to_csv(src, index=False)
    res = CliRunner().invoke(app, ["explain", str(src), "--out", str(tmp_path / "ex"), "--model", str(tiny_model_dir),
                                   "--waterfalls", "2"])
    assert res.exit_code == 0, res.output
    assert "top treatments per recipe" in res.output
    for name in ("treatments.csv", "features.csv", "counterfactuals.csv", "global_treatment_importance.png",
                 "beeswarm_retention_pct.png", "waterfalls/0001_retention_pct.png"):
        assert (tmp_path / "ex" / name).stat().st_size > 0, name
    t = pd.read_csv(tmp_path / "ex" / "treatments.csv")
    assert len(t) == 4 * 3 * len(GROUPS)
