"""TargetRegressor: a scikit-learn estimator (the contract checks), a target's space and bounds,
constraints by feature name, conformal intervals."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from cathodeml.models.physics import PHYSICS, STRATA, regressor_for, target_features
from cathodeml.models.target import TargetRegressor

MONOTONE = {t: p.monotone for t, p in PHYSICS.items()}
from tests.conftest import ENVIRONMENT_CHECKS, FAST_XGB, run_sklearn_check


WEIGHT_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data":
        "weights are not repetitions here: XGBoost subsamples rows and the calibration folds count rows, so a "
        "row weighted 2 and the same row twice give different (both valid) models",
}


@parametrize_with_checks([TargetRegressor(params=FAST_XGB, n_splits=2)],
                         expected_failed_checks=lambda est: ENVIRONMENT_CHECKS | WEIGHT_CHECKS, xfail_strict=True)
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
    reg = TargetRegressor(params={"n_estimators": 30}, monotone={"protocol_log10_cycles": -1, "protocol_v_max": -1},
                          confidence=None)
    with pytest.raises(ValueError, match="not produced by the featurizer: \\['protocol_v_max'\\]"):
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
    with pytest.raises(ValueError, match="transform 'sqrt' is not one of identity, log10, fade"):
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
    [("capacity_mah_g", "identity", (0.0, np.inf)), ("retention_pct", "fade", (0.0, 100.0)),
     ("rct_ohm", "log10", (0.0, np.inf))],
)
def test_each_target_gets_its_physics(target, transform, bounds):
    sources = {"protocol_log10_cycles": ("cycles",), "protocol_log10_capacity_c_rate": ("capacity_c_rate",),
               "cathode_ni_frac": ("cathode",), "cathode_magpie_mean_Number": ("cathode",)}
    reg = regressor_for(target, sources, params={"max_depth": 3}, confidence=0.8, n_splits=3, seed=7)
    assert (reg.target_transform, reg.bounds) == (transform, bounds)
    assert reg.monotone == MONOTONE[target] and reg.strata == STRATA
    assert reg.params["max_depth"] == 3 and (reg.confidence, reg.n_splits, reg.seed) == (0.8, 3, 7)
    assert reg.features == target_features(target, sources)


def test_fade_learns_in_log_loss_and_flips_the_declared_direction():
    X, rng = _data()
    # retention falls with "cycles" in the data; declared non-increasing in target units
    y = 100 * (1 - np.exp(-3 + 2 * X["protocol_log10_cycles"].to_numpy() + rng.normal(0, 0.1, len(X))))
    reg = TargetRegressor(params={"n_estimators": 40}, target_transform="fade", monotone={"protocol_log10_cycles": -1},
                          bounds=(0, 100), confidence=None).fit(X, y)
    grid = pd.DataFrame({"protocol_log10_cycles": np.linspace(0, 1, 15), "noise": 0.5, "other": 0.5})
    r = reg.predict(grid)
    assert np.all(np.diff(r) <= 1e-9) and r.max() < 100
    np.testing.assert_allclose(np.log(1 - r / 100), reg.predict_model_space(grid), rtol=1e-6)


def test_a_smooth_feature_is_additive_monotone_and_keeps_shap_bookkeeping():
    X, rng = _data(200)
    y = 5 * np.floor(4 * X["protocol_log10_cycles"].to_numpy()) + X["other"].to_numpy() * 3 + rng.normal(0, 0.1, 200)
    reg = TargetRegressor(params={"n_estimators": 60}, smooth={"protocol_log10_cycles": 0.5},
                          monotone={"protocol_log10_cycles": 1}, confidence=None).fit(X, y)
    steps = TargetRegressor(params={"n_estimators": 60}, monotone={"protocol_log10_cycles": 1}, confidence=None).fit(X, y)
    t = np.linspace(-0.2, 1.2, 57)
    for other in (0.1, 0.9):
        grid = pd.DataFrame({"protocol_log10_cycles": t, "noise": 0.5, "other": other})
        p = reg.predict(grid)
        assert np.all(np.diff(p) >= -1e-9), "smooth and monotone"
        jump = np.diff(steps.predict(grid)).max()
        assert np.diff(p).max() < 0.75 * jump, f"largest step {np.diff(p).max():.2f} vs the trees' own {jump:.2f}"
    a = reg.predict(pd.DataFrame({"protocol_log10_cycles": t, "noise": 0.5, "other": 0.1}))
    b = reg.predict(pd.DataFrame({"protocol_log10_cycles": t, "noise": 0.5, "other": 0.9}))
    np.testing.assert_allclose(b - a, (b - a)[0], atol=1e-5)  # additive: the same curve for every recipe
    Xu = reg.model_matrix(X)
    np.testing.assert_allclose(reg.estimator_.predict(Xu) + reg.extra_model_space(Xu), reg.predict_model_space(X), rtol=1e-9)


def test_features_subset_strata_and_unknown_fields_shape_the_interval():
    X, rng = _data(300)
    X = X.assign(coating_present=(rng.uniform(size=300) > 0.5).astype(float))
    noise = np.where(X["coating_present"] > 0, 0.2, 2.0)
    y = X["other"].to_numpy() + rng.normal(0, noise)
    reg = TargetRegressor(params={"n_estimators": 30}, features=("other", "coating_present", "protocol_log10_cycles"),
                          strata=(("coated", ("coating_present",)),), key_features=("protocol_log10_cycles",)).fit(X, y)
    assert reg.features_ == ("other", "coating_present", "protocol_log10_cycles")
    rows = pd.DataFrame({"protocol_log10_cycles": [0.5, 0.5, np.nan], "noise": 0.0, "other": 0.5, "coating_present": [1.0, 0.0, 0.0]})
    _, lo, hi = reg.predict_interval(rows)
    width = hi - lo
    assert width[0] < width[1] / 3, "the coated stratum (less noisy) gets a narrower interval"
    assert width[2] >= width[1] - 1e-9, "an unknown key field never narrows the interval"


def test_a_difficulty_feature_widens_the_interval_beyond_its_usual_values():
    X, rng = _data(400)
    rate = rng.choice([0.0, 0.0, 0.0, 1.0, 2.0], 400)  # log10 C-rate above the usual 0.1 C
    X = X.assign(protocol_log10_capacity_c_rate=rate)
    y = X["other"].to_numpy() + rng.normal(0, 0.1 + 0.6 * rate)
    reg = TargetRegressor(params={"n_estimators": 30}, difficulty={"protocol_log10_capacity_c_rate": 1}).fit(X, y)
    j = list(X.columns).index("protocol_log10_capacity_c_rate")
    column, ref, direction, unknown, side, splits = reg.difficulty_["protocol_log10_capacity_c_rate"]
    assert (column, ref, direction, side, splits) == (j, 0.0, 1, 0, ()) and unknown == pytest.approx(np.mean(rate))
    assert reg.calibration_.spread_weights[0] > 1.0
    rows = pd.DataFrame({"protocol_log10_cycles": 0.5, "noise": 0.0, "other": 0.5,
                         "protocol_log10_capacity_c_rate": [0.0, 2.0, np.nan, -1.0]})
    _, lo, hi = reg.predict_interval(rows)
    width = hi - lo
    assert width[1] > 3 * width[0], "a 100x faster test gets a much wider interval"
    assert width[3] == pytest.approx(width[0]), "below the usual value: the usual width"
    assert width[0] < width[2] < width[1], "an unknown rate: the average widening"
    flat = TargetRegressor(params={"n_estimators": 30}).fit(X, y)
    assert flat.calibration_.spread_weights == ()
    with pytest.raises(ValueError, match="difficulty direction"):
        TargetRegressor(params={"n_estimators": 5}, difficulty={"other": 2}).fit(X, y)
    with pytest.raises(ValueError, match="not among the input features"):
        TargetRegressor(params={"n_estimators": 5}, difficulty={"typo": 1}).fit(X, y)
    on_arrays = TargetRegressor(params={"n_estimators": 5}, difficulty={"x3": 1}).fit(X.to_numpy(), y)
    assert on_arrays.predict_interval(X.to_numpy()[:2])[1].shape == (2,)


def test_where_physics_fixes_the_direction_the_ruled_out_bound_never_passes_the_usual_tests():
    # Capacity can only fall with the C-rate: a faster test may end lower than a slow one, never
    # higher, so its interval reaches further down but never above the slow test's upper bound.
    X, rng = _data(400)
    rate = rng.choice([0.0, 0.0, 0.0, 1.0, 2.0], 400)
    X = X.assign(protocol_log10_capacity_c_rate=rate)
    y = X["other"].to_numpy() - 0.5 * rate + rng.normal(0, 0.1 + 0.6 * rate)
    kw = dict(params={"n_estimators": 30}, difficulty={"protocol_log10_capacity_c_rate": 1})
    reg = TargetRegressor(monotone={"protocol_log10_capacity_c_rate": -1}, **kw).fit(X, y)
    free = TargetRegressor(**kw).fit(X, y)  # no direction declared: both sides widen
    rows = pd.DataFrame({"protocol_log10_cycles": 0.5, "noise": 0.0, "other": 0.5,
                         "protocol_log10_capacity_c_rate": np.linspace(0, 2, 9)})
    point, lo, hi = reg.predict_interval(rows)
    assert np.all(np.diff(hi) <= 1e-9), f"the upper bound rises with the C-rate: {np.round(hi, 2)}"
    own = TargetRegressor(monotone={"protocol_log10_capacity_c_rate": -1}, **kw).fit(X, y)
    own.difficulty_ = {f: t[:4] + (0, ()) for f, t in own.difficulty_.items()}  # the same model, nothing held
    assert np.all(hi <= own.predict_interval(rows)[2] + 1e-9), "holding a bound may only tighten it"
    assert (point - lo)[-1] > 3 * (point - lo)[0], "the lower side widens with the C-rate"
    f_point, f_lo, f_hi = free.predict_interval(rows)
    assert (f_hi - f_point)[-1] > 2 * (f_hi - f_point)[0], "without a direction the upper side widens too"
    # the capped interval still covers fresh data at about the level
    Xn, rng2 = _data(3000, seed=5)
    r2 = rng2.choice([0.0, 0.0, 0.0, 1.0, 2.0], 3000)
    Xn = Xn.assign(protocol_log10_capacity_c_rate=r2)
    yn = Xn["other"].to_numpy() - 0.5 * r2 + rng2.normal(0, 0.1 + 0.6 * r2)
    _, lo_n, hi_n = reg.predict_interval(Xn)
    assert 0.85 <= np.mean((yn >= lo_n) & (yn <= hi_n)) <= 0.97
    # a baseline learner does not enforce the direction, so nothing is held for it
    # (here the data rise with the rate against the declared direction, which ridge cannot enforce)
    ridge = TargetRegressor(learner="ridge", monotone={"protocol_log10_capacity_c_rate": -1}, **kw).fit(X, -y)
    r_point, _, r_hi = ridge.predict_interval(rows)
    assert (r_point <= r_hi).all() and (r_hi - r_point)[-1] > (r_hi - r_point)[0]


def test_a_model_pickled_before_the_difficulty_parameter_still_clones():
    X, rng = _data(100)
    reg = TargetRegressor(params={"n_estimators": 5}).fit(X, X["other"].to_numpy())
    state = reg.__getstate__()
    del state["difficulty"]
    old = TargetRegressor.__new__(TargetRegressor)
    old.__setstate__(state)
    assert clone(old).get_params()["difficulty"] is None
    np.testing.assert_allclose(old.predict_interval(X)[2], reg.predict_interval(X)[2])
    # the first difficulty version kept (usual value, direction) only: it predicts as it was calibrated
    X = X.assign(protocol_log10_capacity_c_rate=np.r_[np.zeros(50), np.ones(50)])
    wide = TargetRegressor(params={"n_estimators": 5}, difficulty={"protocol_log10_capacity_c_rate": 1}).fit(
        X, X["other"].to_numpy() + X["protocol_log10_capacity_c_rate"] * rng.normal(0, 1, 100))
    state = wide.__getstate__()
    state["difficulty_ref_"] = {f: (ref, d) for f, (_, ref, d, *_rest) in state.pop("difficulty_").items()}
    first = TargetRegressor.__new__(TargetRegressor)
    first.__setstate__(state)
    _, lo, hi = first.predict_interval(X)
    assert np.isfinite(lo).all() and (hi - lo)[-1] > (hi - lo)[0]


def test_an_unknown_monotone_feature_is_imputed_so_its_direction_holds():
    X, rng = _data(200)
    X = X.assign(amount=np.where(rng.uniform(size=200) > 0.3, rng.uniform(0, 3, 200), 0.0))
    y = 10 - 2 * X["amount"].to_numpy() + rng.normal(0, 0.1, 200)
    reg = TargetRegressor(params={"n_estimators": 40}, monotone={"amount": -1}, impute=("amount",), confidence=None).fit(X, y)
    rows = pd.DataFrame({"protocol_log10_cycles": 0.5, "noise": 0.5, "other": 0.5, "amount": [0.0, np.nan]})
    none, unknown = reg.predict(rows)
    assert unknown <= none, "an unknown amount of an inactive addition never beats none of it"
