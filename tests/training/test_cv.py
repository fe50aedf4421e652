import numpy as np
import pandas as pd
import pytest

from cathodeml.training.cv import outer_folds, treatment_pairs


@pytest.mark.parametrize("n_groups", [2, 3, 4, 7, 12])
def test_grouped_folds_never_share_a_source(n_groups):
    rng = np.random.default_rng(1)
    groups = rng.integers(0, n_groups, 60).astype(str)
    folds = outer_folds("grouped", groups, len(groups), 0, 5)
    assert folds
    seen_test = np.zeros(len(groups), int)
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
        seen_test[test] += 1
    assert (seen_test == 1).all()  # every row is tested exactly once


def test_few_sources_means_leave_one_source_out():
    groups = np.array(list("aabbbcc"))
    folds = outer_folds("grouped", groups, len(groups), 0, 5)
    assert len(folds) == 3
    assert [sorted(set(groups[te])) for _, te in folds] == [["a"], ["b"], ["c"]]


def test_single_source_has_no_grouped_split():
    assert outer_folds("grouped", np.array(["a"] * 10), 10, 0, 5) == []
    assert len(outer_folds("random", np.array(["a"] * 10), 10, 0, 5)) == 5


def test_treatment_pairs_match_source_and_protocol():
    base = {"source": "s1", "v_min": 2.8, "v_max": 4.3, "test_temp_c": np.nan, "cycle_c_rate": 1.0, "cycles": 100,
            "electrolyte": "liquid", "cell_type": "half", "coating": np.nan, "dopant": np.nan, "regen_method": "none"}
    frame = pd.DataFrame([
        base,                                            # 0 control
        base | {"coating": "Al2O3"},                     # 1 treated, pairs with 0
        base | {"coating": "Al2O3", "v_max": 4.5},       # 2 treated, other protocol: no control
        base | {"source": "s2", "dopant": "Mg"},         # 3 treated, other source: no control
        base | {"regen_method": "hydrothermal"},         # 4 treated, pairs with 0
    ])
    assert treatment_pairs(frame, "retention_pct") == [(1, 0), (4, 0)]


def test_each_fold_is_predicted_from_the_other_sources_only():
    # The mean model makes the folds visible: a held-out source is predicted by the mean of the others.
    from cathodeml.models.target import TargetRegressor
    from cathodeml.training.cv import cross_validate

    from cathodeml.training.rows import TargetRows

    groups = np.array(list("aabbbc"))
    y = np.array([1.0, 3.0, 10.0, 20.0, 30.0, 100.0])
    X = pd.DataFrame({"x": np.arange(6.0)})
    rows = TargetRows("capacity_mah_g", pd.DataFrame({"source": groups}), X, y, groups, np.ones(6), X.iloc[:0],
                      np.array([]), np.array([], dtype=np.int64))
    oof = cross_validate({"mean": TargetRegressor(learner="dummy", confidence=None)}, rows,
                         split="grouped", seed=0, n_splits=5)["mean"]
    expected = {"a": (10 + 20 + 30 + 100) / 4, "b": (1 + 3 + 100) / 3, "c": (1 + 3 + 10 + 20 + 30) / 5}
    np.testing.assert_allclose(oof.pred, [expected[g] for g in groups])
    assert sorted(set(oof.fold)) == [0, 1, 2]


def test_treatment_effect_metrics_on_a_known_case():
    from cathodeml.training.cv import OutOfFold
    from cathodeml.training.evaluation import treatment_effect_metrics

    oof = OutOfFold(y=np.array([90.0, 80.0, 70.0, 85.0]), pred=np.array([88.0, 82.0, 75.0, 80.0]),
                    lower=np.zeros(4), upper=np.zeros(4), fold=np.zeros(4, int))
    # pairs (treated, control): (0, 1) measured +10, predicted +6; (2, 3) measured −15, predicted −5;
    # (3, 1) measured +5, predicted −2 (wrong sign)
    m = treatment_effect_metrics(oof, [(0, 1), (2, 3), (3, 1)])
    assert (m["mae"], m["sign_agreement"], m["n_pairs"]) == (pytest.approx((4 + 10 + 7) / 3), pytest.approx(2 / 3), 3)
    ratio = treatment_effect_metrics(OutOfFold(np.array([100.0, 10.0]), np.array([10.0, 10.0]), np.zeros(2),
                                               np.zeros(2), np.zeros(2, int)), [(0, 1)], log10=True)
    assert ratio["mae"] == pytest.approx(1.0)  # log10(100/10) measured, log10(10/10) predicted
    assert treatment_effect_metrics(OutOfFold.empty(np.ones(2)), [(0, 1)])["n_pairs"] == 0  # not predicted: no pair


def test_log10_metrics_are_in_decades():
    from cathodeml.training.cv import OutOfFold

    oof = OutOfFold(y=np.array([10.0, 100.0]), pred=np.array([100.0, 100.0]), lower=np.array([1.0, 10.0]),
                    upper=np.array([1000.0, 1000.0]), fold=np.zeros(2, int))
    assert oof.metrics(log10=True)["mae"] == pytest.approx(0.5)  # one decade off on one of two rows
    assert oof.metrics()["mae"] == pytest.approx(45.0)


def test_fold_count_over_both_splits():
    from cathodeml.training.cv import n_outer_folds

    assert n_outer_folds(np.array(list("aabbcc")), 6, 0, 5) == 3 + 5  # leave-one-source-out + 5 random folds
    assert n_outer_folds(np.array(["a"] * 4), 4, 0, 5) == 4  # one source: random folds only


def test_folds_over_two_processes_give_the_same_bits_as_one():
    """n_jobs changes only the wall time: the same seeded, single-threaded fits wherever they run."""
    from cathodeml.models.target import TargetRegressor
    from cathodeml.training.cv import cross_validate_many
    from cathodeml.training.rows import TargetRows

    rng = np.random.default_rng(0)
    n = 40
    groups = np.repeat(list("abcdefgh"), 5)
    X = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n)})
    y = 3 * X["x"].to_numpy() + rng.normal(size=n)
    rows = TargetRows("capacity_mah_g", pd.DataFrame({"source": groups}), X, y, groups, np.ones(n), X.iloc[:0],
                      np.array([]), np.array([], dtype=np.int64))
    learners = {"xgb": TargetRegressor(params={"n_estimators": 20}, n_splits=3),
                "ridge": TargetRegressor(learner="ridge", n_splits=3)}
    jobs = {s: (learners, rows, s) for s in ("grouped", "random")}
    one = cross_validate_many(jobs, seed=1, n_splits=4, n_jobs=1)
    two = cross_validate_many(jobs, seed=1, n_splits=4, n_jobs=2)
    for s in jobs:
        for name in learners:
            for field in ("pred", "lower", "upper", "fold"):
                np.testing.assert_array_equal(getattr(one[s][name], field), getattr(two[s][name], field),
                                              err_msg=f"{s} {name} {field}")
            assert not np.isnan(one[s][name].pred).any()
