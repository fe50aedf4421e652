"""The helpers every featurizer relies on: once-per-distinct-combination evaluation and one-hot."""

import numpy as np
import pandas as pd

from cathodeml.features.base import combination_codes, one_hot, per_unique


FRAME = pd.DataFrame({
    "coating": ["Al2O3", "LiAlO2", "Al2O3", None, "Al2O3", None],
    "wt": [1.0, 1.0, 1.0, np.nan, 2.0, np.nan],
})


def test_combination_codes_group_equal_rows_unknowns_included():
    codes, first = combination_codes(FRAME)
    assert codes.tolist() == [0, 1, 0, 2, 3, 2]
    assert first.tolist() == [0, 1, 3, 4]


def test_per_unique_calls_once_per_combination_and_passes_none_for_unknown():
    calls = []

    def func(coating, wt):
        calls.append((coating, wt))
        return [len(coating or ""), -1.0 if wt is None else wt]

    out = per_unique(FRAME, ("coating", "wt"), func, 2)
    assert calls == [("Al2O3", 1.0), ("LiAlO2", 1.0), (None, None), ("Al2O3", 2.0)]
    assert out.tolist() == [[5, 1], [6, 1], [5, 1], [0, -1], [5, 2], [0, -1]]


def test_one_hot_unknown_is_nan_and_unlisted_is_all_zero():
    out = one_hot(pd.Series(["liquid", None, "solid_halide", "solid_sulfide"]), ("liquid", "solid_sulfide"))
    assert out[0].tolist() == [1.0, 0.0]
    assert np.isnan(out[1]).all()
    assert out[2].tolist() == [0.0, 0.0]
    assert out[3].tolist() == [0.0, 1.0]
    assert one_hot(pd.Series(["a"]), ()).shape == (1, 0)
