"""Stating a default equals leaving it blank where the blank means that default (data contract)."""

import numpy as np
import pandas as pd
import pytest

from cathodeml.data.rules import check_frame
from cathodeml.features import RecipeFeaturizer

BASE = {"cathode": "LiNi0.8Co0.1Mn0.1O2", "v_min": "2.8", "v_max": "4.3", "coating": "", "dopant": "", "al_frac": ""}


def features(*rows: dict) -> np.ndarray:
    res = check_frame(pd.DataFrame(list(rows)))
    assert res.problems == []
    return RecipeFeaturizer().fit(res.frame).transform(res.frame)


@pytest.mark.parametrize(
    "stated",
    [
        {"al_frac": "0"},  # an Al-free formula
        {"al_frac": "0.0"},
        {"cathode": "NCM90", "al_frac": "0"},  # NCM shorthand names no Al
        {"cathode": "NCM811", "al_frac": "0"},
        {"coating": "none"},
        {"coating": "None"},
        {"coating": "uncoated"},
        {"dopant": "none"},
        {"dopant": "undoped"},
    ],
)
def test_stating_the_default_equals_leaving_it_blank(stated):
    blank = BASE | {k: BASE[k] for k in stated if k != "cathode"} | ({"cathode": stated["cathode"]} if "cathode" in stated else {})
    X = features(BASE | stated, blank)
    np.testing.assert_array_equal(X[0], X[1])  # NaN == NaN here: same features, same prediction


def test_stated_none_coating_reads_as_uncoated():
    frame = check_frame(pd.DataFrame([BASE | {"coating": "none", "dopant": "none"}])).frame
    assert frame["coating"].isna().all() and frame["dopant"].isna().all()
