"""CathodeModel: prediction columns, and predictions anchored on the user's own control."""

import numpy as np
import pandas as pd
import pytest

from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.models.transforms import get_transform


@pytest.fixture(scope="module")
def model():
    from cathodeml.data.dataset import load_dataset
    from cathodeml.training.config import TrainConfig
    from cathodeml.training.train import train

    return train(TrainConfig(tracking={"enabled": False}, targets=("capacity_mah_g", "retention_pct")),
                 load_dataset(), evaluate=False).model


RECIPE = dict(cathode="NCM811", coating="Al2O3", coating_wt_pct=1.0, v_min=2.8, v_max=4.3, capacity_c_rate=0.1,
              cycle_c_rate=1.0, cycles=100)


def test_prediction_columns_follow_the_contract(model):
    out = model.predict(recipes_to_frame([Recipe(**RECIPE)]))
    assert list(out.columns) == model.prediction_columns()
    assert list(out.columns)[-2:] == ["in_domain", "domain_notes"]


def test_a_control_anchors_the_prediction_and_the_output_says_so(model):
    rows = [RECIPE, RECIPE | {"control_retention_pct": 70.0}, RECIPE | {"control_retention_pct": 90.0}]
    out = model.predict(recipes_to_frame([Recipe(**r) for r in rows]))
    a = model.anchors["retention_pct"]
    tf = get_transform("fade")
    for i, control in ((1, 70.0), (2, 90.0)):
        expected = tf.inverse(tf.forward(np.array([control])) + a.median_effect)[0] if a.mode == "constant" else None
        if expected is not None:
            assert out.loc[i, "retention_pct_pred"] == pytest.approx(expected)
        assert out.loc[i, "retention_pct_lower"] <= out.loc[i, "retention_pct_pred"] <= out.loc[i, "retention_pct_upper"]
        assert "retention_pct anchored on control_retention_pct" in out.loc[i, "domain_notes"]
    # a worse control gives a worse anchored prediction; the unanchored row is untouched
    assert out.loc[1, "retention_pct_pred"] < out.loc[2, "retention_pct_pred"]
    alone = model.predict(recipes_to_frame([Recipe(**RECIPE)]))
    pd.testing.assert_series_equal(out.loc[0, alone.columns], alone.loc[0], check_names=False)
    assert "anchored" not in out.loc[0, "domain_notes"]
    # capacity is not anchored on a retention control
    assert out.loc[1, "capacity_mah_g_pred"] == pytest.approx(out.loc[0, "capacity_mah_g_pred"])


def test_an_untreated_recipe_with_its_own_control(model):
    plain = {k: v for k, v in RECIPE.items() if not k.startswith("coating")}
    out = model.predict(recipes_to_frame([Recipe(**(plain | {"control_capacity_mah_g": 190.0}))]))
    # an untreated recipe is its own control: the anchored prediction is the control itself
    assert out.loc[0, "capacity_mah_g_pred"] == pytest.approx(190.0)


def test_prediction_does_not_change_the_model(model):
    import pickle

    before = pickle.dumps(model)
    model.predict(recipes_to_frame([Recipe(**RECIPE)]))
    assert pickle.dumps(model) == before
