"""RecipeFeaturizer: known values, invariances, groups, errors, and the transformer contract."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from cathodeml.data.coatings import CoatingError
from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.features import GROUPS, RecipeFeaturizer, feature_groups
from cathodeml.schema import CANONICAL
from tests.conftest import ENVIRONMENT_CHECKS, run_sklearn_check

_MATRIX = ("feeds a numeric matrix; RecipeFeaturizer takes a recipe DataFrame (canonical column names) and "
           "refuses anything else with a TypeError — reading text into typed columns is the reader's job")
_COVERED = _MATRIX + "; the same property is tested on recipe frames by {}"
#: Every scikit-learn check that feeds data, and why it cannot apply to a featurizer of recipe tables.
EXPECTED_FAILED = ENVIRONMENT_CHECKS | {
    **{check: _MATRIX for check in (
        "check_fit_score_takes_y", "check_estimators_overwrite_params", "check_dont_overwrite_parameters",
        "check_estimators_fit_returns_self", "check_readonly_memmap_input", "check_positive_only_tag_during_fit",
        "check_estimators_dtypes", "check_complex_data", "check_dtype_object", "check_estimators_empty_data_messages",
        "check_pipeline_consistency", "check_f_contiguous_array_estimator", "check_transformer_data_not_an_array",
        "check_transformer_general", "check_transformer_preserve_dtypes", "check_fit2d_1sample",
        "check_fit2d_1feature", "check_dict_unchanged", "check_fit_check_is_fitted", "check_fit1d",
        "check_fit2d_predict1d")},
    **{check: _MATRIX.replace("a numeric matrix", "a sparse matrix") for check in (
        "check_estimator_sparse_tag", "check_estimator_sparse_array", "check_estimator_sparse_matrix")},
    "check_estimators_pickle": _COVERED.format("test_pickled_featurizer_transforms_the_same"),
    "check_fit_idempotent": _COVERED.format("test_estimator_contract"),
    "check_methods_sample_order_invariance": _COVERED.format("test_row_order_invariance"),
    "check_methods_subset_invariance": _COVERED.format("test_subset_invariance"),
    "check_n_features_in": _COVERED.format("test_input_attributes_name_the_columns_read"),
    "check_n_features_in_after_fitting": _COVERED.format("test_input_attributes_name_the_columns_read"),
}


@parametrize_with_checks([RecipeFeaturizer()], expected_failed_checks=lambda est: EXPECTED_FAILED, xfail_strict=True)
def test_sklearn_contract(estimator, check):
    run_sklearn_check(estimator, check)


def feats(*recipes: Recipe) -> pd.DataFrame:
    frame = recipes_to_frame(list(recipes))
    f = RecipeFeaturizer().fit(frame)
    return pd.DataFrame(f.transform(frame), columns=f.get_feature_names_out())


def test_known_values():
    row = feats(Recipe(cathode="NCM811", coating="LiAlO2", coating_wt_pct=1.0, v_min=2.8, v_max=4.3,
                       capacity_c_rate=0.1, cycles=100)).iloc[0]
    assert row["cathode_ni_frac"] == pytest.approx(0.8)
    assert row["coating_contains_li"] == 1.0
    assert row["coating_class_li_ion_conductor"] == 1.0
    assert row["coating_class_oxide"] == 0.0
    assert row["protocol_window_v"] == pytest.approx(1.5)
    assert row["protocol_log10_capacity_c_rate"] == pytest.approx(-1.0)
    assert row["protocol_log10_cycles"] == pytest.approx(2.0)
    assert row["protocol_test_temp_c"] == 25.0  # contract default


def test_shorthand_and_formula_give_identical_rows():
    a = feats(Recipe(cathode="NCM622", v_max=4.3))
    b = feats(Recipe(cathode="LiNi0.6Co0.2Mn0.2O2", v_max=4.3))
    pd.testing.assert_frame_equal(a, b)


def test_row_order_invariance(shipped_frame):
    frame = shipped_frame
    f = RecipeFeaturizer().fit(frame)
    X = f.transform(frame)
    perm = np.random.default_rng(0).permutation(len(frame))
    Xp = f.transform(frame.iloc[perm].reset_index(drop=True))
    np.testing.assert_array_equal(Xp, X[perm])


def test_uncoated_is_not_unknown_amount():
    row_none = feats(Recipe(cathode="NCM811")).iloc[0]
    row_unknown = feats(Recipe(cathode="NCM811", coating="Al2O3")).iloc[0]
    assert row_none["coating_present"] == 0 and row_none["coating_wt_pct"] == 0 and row_none["coating_amount_known"] == 1
    assert row_unknown["coating_present"] == 1 and np.isnan(row_unknown["coating_wt_pct"])
    assert row_unknown["coating_amount_known"] == 0


def test_thickness_estimate_follows_shell_model():
    # 1 wt% Al2O3 (3.95 g/cm3) on a 5 µm NCM sphere (4.75 g/cm3): t = r((1 + w ρcore/ρcoat)^(1/3) - 1)
    row = feats(Recipe(cathode="NCM811", coating="Al2O3", coating_wt_pct=1.0)).iloc[0]
    expected = 5000 * ((1 + 0.01 * 4.75 / 3.95) ** (1 / 3) - 1)
    assert row["coating_thickness_nm_est"] == pytest.approx(expected)
    assert row["coating_wt_measured"] == 1 and row["coating_thickness_measured"] == 0
    back = feats(Recipe(cathode="NCM811", coating="Al2O3", coating_thickness_nm=expected)).iloc[0]
    assert back["coating_wt_pct_est"] == pytest.approx(1.0)


def test_mixture_of_coatings():
    row = feats(Recipe(cathode="NCM811", coating="Al2O3+LiF")).iloc[0]
    assert row["coating_n_components"] == 2
    assert row["coating_class_oxide"] == 0.5 and row["coating_class_fluoride"] == 0.5
    assert row["coating_contains_li"] == 1


def test_unknown_coating_name_is_an_error_naming_it():
    frame = pd.DataFrame({"cathode": ["NCM811"], "coating": ["Unobtainium"]})
    f = RecipeFeaturizer().fit(frame)
    with pytest.raises(CoatingError, match="'Unobtainium' is neither a formula nor a known coating material; known names: PEDOT"):
        f.transform(frame)


def test_text_numbers_are_refused():
    frame = pd.DataFrame({"cathode": ["NCM811"], "v_max": ["4.3"]})
    with pytest.raises(TypeError, match="column v_max holds text"):
        RecipeFeaturizer().fit(frame)


def test_groups_partition_features(shipped_frame):
    f = RecipeFeaturizer().fit(shipped_frame)
    names = list(f.get_feature_names_out())
    assert len(names) == len(set(names))
    assert set(f.feature_groups_) == set(names)
    assert set(f.feature_groups_.values()) == set(GROUPS)
    assert feature_groups() == f.feature_groups_


def test_regeneration_none_is_known():
    row = feats(Recipe(cathode="NCM622", regen_method="none")).iloc[0]  # type: ignore[arg-type]
    assert row["regen_method_none"] == 1.0


def test_estimator_contract(shipped_frame):
    frame = shipped_frame
    f = RecipeFeaturizer()
    assert clone(f).get_params() == f.get_params()
    X1 = f.fit_transform(frame)
    X2 = clone(f).fit(frame).transform(frame)
    np.testing.assert_array_equal(X1, X2)
    assert X1.shape == (len(frame), f.n_features_out_)
    f.set_output(transform="pandas")
    out = f.transform(frame)
    assert list(out.columns) == list(f.get_feature_names_out())


def test_subset_invariance(shipped_frame):
    f = RecipeFeaturizer().fit(shipped_frame)
    X = f.transform(shipped_frame)
    for part in np.array_split(np.arange(len(shipped_frame)), 7):
        np.testing.assert_array_equal(f.transform(shipped_frame.iloc[part]), X[part])


def test_pickled_featurizer_transforms_the_same(shipped_frame):
    f = RecipeFeaturizer().fit(shipped_frame)
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_array_equal(g.transform(shipped_frame), f.transform(shipped_frame))


def test_input_attributes_name_the_columns_read():
    f = RecipeFeaturizer().fit(pd.DataFrame({"cathode": ["NCM811"]}))
    assert f.n_features_in_ == len(f.feature_names_in_)
    assert set(f.feature_names_in_) <= set(CANONICAL)
    assert {"cathode", "coating", "v_max", "regen_method", "dopant"} <= set(f.feature_names_in_)
    assert "capacity_mah_g" not in set(f.feature_names_in_)  # a target is never an input


def test_unfitted_transform_raises(shipped_frame):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        RecipeFeaturizer().transform(shipped_frame)


def test_version_hash_is_stable_and_sensitive(shipped_frame):
    from cathodeml.features.recipe import default_featurizers, feature_set_version

    a = RecipeFeaturizer().fit(shipped_frame).feature_set_version_
    assert a == RecipeFeaturizer().fit(shipped_frame).feature_set_version_
    assert feature_set_version(default_featurizers()[:-1]) != a


def test_shipped_dataset_featurizes(shipped_frame):
    frame = shipped_frame
    X = RecipeFeaturizer().fit_transform(frame)
    assert np.isfinite(X[:, 0]).all()  # Ni fraction known for every shipped row
