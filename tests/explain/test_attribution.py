"""SHAP attributions: additive, partitioned by treatment group, and the tables built from them.

Expectations are recomputed from the raw SHAP matrix with numpy, not from the tables under test.
"""

import numpy as np
import pytest
import shap

from cathodeml.explain.attribution import Explainer, recipe_ids
from cathodeml.features.base import GROUPS


@pytest.fixture(scope="module")
def recipes(shipped_frame):
    """Coated, doped, regenerated and untreated shipped recipes (every treatment group moves)."""
    return shipped_frame.iloc[::23].reset_index(drop=True)


@pytest.fixture(scope="module")
def exp(model, recipes):
    return Explainer(model).explain(recipes)


def _group_sums(exp, target):
    values = np.asarray(exp.shap(target).values, dtype=np.float64)
    return {g: values[:, [i for i, n in enumerate(exp.feature_names) if exp.feature_groups[n] == g]].sum(axis=1)
            for g in GROUPS}


def test_group_sums_plus_base_equal_the_prediction_in_model_space(model, recipes, exp):
    pred = model.predict(recipes)
    for t, te in exp.targets.items():
        recon = exp.group_values(t).sum(axis=1).to_numpy() + te.base_value
        from cathodeml.models.transforms import get_transform

        model_space = get_transform(model.targets[t].target_transform).forward(pred[f"{t}_pred"].to_numpy())
        np.testing.assert_allclose(recon, model_space, rtol=1e-4, atol=1e-4, err_msg=t)
        np.testing.assert_allclose(te.prediction, model_space, rtol=1e-5, err_msg=t)


def test_each_target_keeps_a_shap_explanation(model, recipes, exp):
    assert set(exp.targets) == set(model.targets)
    sv = exp.shap("retention_pct")
    assert isinstance(sv, shap.Explanation)
    assert sv.values.shape == (len(recipes), len(model.feature_names)) and list(sv.feature_names) == model.feature_names
    assert exp.targets["rct_ohm"].unit == "log10(Ω)" and exp.targets["capacity_mah_g"].unit == "mAh/g"


def test_group_values_are_sums_over_each_groups_features(exp):
    for t in exp.targets:
        gv = exp.group_values(t)
        assert list(gv.columns) == list(GROUPS)
        for g, expected in _group_sums(exp, t).items():
            np.testing.assert_allclose(gv[g], expected, rtol=1e-9, atol=1e-12)


def test_treatments_table(exp, recipes):
    t = exp.treatments()
    assert list(t.columns) == ["record_id", "target", "group", "value", "units"]
    assert len(t) == len(recipes) * len(exp.targets) * len(GROUPS)
    row = t[(t.record_id == recipes.loc[2, "record_id"]) & (t.target == "retention_pct") & (t.group == "coating_chemistry")]
    assert row["value"].item() == pytest.approx(_group_sums(exp, "retention_pct")["coating_chemistry"][2])


def test_features_table_lists_only_non_zero_values(exp):
    f = exp.features()
    values = np.asarray(exp.shap("capacity_mah_g").values)
    assert (f.target == "capacity_mah_g").sum() == np.count_nonzero(values)
    assert (f["value"] != 0).all()
    assert (f["group"] == f["feature"].map(exp.feature_groups)).all()


def test_global_importance_is_the_mean_absolute_group_sum(exp):
    imp = exp.global_importance()
    assert list(imp.index) == list(GROUPS) and list(imp.columns) == list(exp.targets)
    for t in exp.targets:
        for g, sums in _group_sums(exp, t).items():
            assert imp.loc[g, t] == pytest.approx(np.abs(sums).mean()), (t, g)


def test_top_treatments_are_the_largest_absolute_group_sums(exp):
    top = exp.top_treatments(k=2)
    sums = _group_sums(exp, "retention_pct")
    for i, per_target in enumerate(top):
        expected = sorted(GROUPS, key=lambda g: -abs(sums[g][i]))[:2]
        assert [g for g, _ in per_target["retention_pct"]] == expected
    line = exp.top_treatments_text(k=1)[0]
    (g, v), = top[0]["capacity_mah_g"][:1]
    assert f"capacity_mah_g: {g} {v:+.3g}" in line


def test_recipe_ids_fall_back_to_row_numbers(recipes):
    assert recipe_ids(recipes) == [str(v) for v in recipes["record_id"]]
    assert recipe_ids(recipes.assign(record_id=[None] + list(recipes["record_id"][1:]))) == [str(i) for i in range(1, len(recipes) + 1)]


def test_native_tree_shap_equals_shaps_tree_explainer(model, recipes, exp):
    """The values come from XGBoost's pred_contribs; shap's own TreeExplainer must agree."""
    X = model.featurize(recipes)
    for t, reg in model.targets.items():
        sv = shap.TreeExplainer(reg.estimator_)(reg.model_matrix(X))
        own = exp.targets[t].values[:, reg.columns_].copy()
        extra = reg.extra_by_feature(reg.model_matrix(X))
        for f, add in extra.items():
            j = list(np.array(exp.feature_names)[reg.columns_]).index(f)
            own[:, j] = own[:, j] - add
        np.testing.assert_allclose(own, sv.values, rtol=1e-5, atol=1e-6, err_msg=t)
        np.testing.assert_allclose(exp.targets[t].base_value, np.atleast_1d(sv.base_values)[0], rtol=1e-6, err_msg=t)
        assert isinstance(exp.shap(t), shap.Explanation)
