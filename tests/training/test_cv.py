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
