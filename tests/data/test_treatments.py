"""The one rule of what counts as a treatment (behind treated/control pairs and counterfactuals)."""

import numpy as np
import pandas as pd

from cathodeml.data.treatments import (
    COATING_COLUMNS,
    DOPING_COLUMNS,
    REGENERATION_COLUMNS,
    is_coated,
    is_doped,
    is_regenerated,
    is_treated,
)
from cathodeml.schema import SPECS

FRAME = pd.DataFrame({
    "coating": ["Al2O3", None, None, None, None],
    "dopant": [None, "Mg", None, None, None],
    "regen_method": ["none", "none", "hydrothermal", None, "none"],
})


def test_each_treatment_on_its_own():
    assert is_coated(FRAME).tolist() == [True, False, False, False, False]
    assert is_doped(FRAME).tolist() == [False, True, False, False, False]
    assert is_regenerated(FRAME).tolist() == [False, False, True, False, False]  # unknown route: not regenerated


def test_treated_is_any_of_them():
    assert is_treated(FRAME).tolist() == [True, True, True, False, False]
    assert is_treated(FRAME).dtype == np.bool_


def test_treatment_columns_belong_to_their_section():
    assert {SPECS[c].section for c in COATING_COLUMNS} == {"coating"}
    assert {SPECS[c].section for c in REGENERATION_COLUMNS} == {"regeneration"}
    assert {SPECS[c].section for c in DOPING_COLUMNS} == {"doping"}
    assert set(COATING_COLUMNS) == {c for c, s in SPECS.items() if s.section == "coating"}
    assert set(DOPING_COLUMNS) == {c for c, s in SPECS.items() if s.section == "doping"}
    assert set(REGENERATION_COLUMNS) == {c for c, s in SPECS.items() if s.section == "regeneration"} - {"regen_method"}
