"""Protocol featurizer, against values worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from cathodeml.data.defaults import NUMBER_DEFAULTS
from cathodeml.features.protocol import ProtocolFeaturizer

F = ProtocolFeaturizer()


def _frame(**columns) -> pd.DataFrame:
    base = {c: [np.nan] for c in F.columns} | {"electrolyte": [None], "cell_type": [None]}
    return pd.DataFrame(base | {k: [v] for k, v in columns.items()})


def _row(**columns) -> pd.Series:
    return pd.Series(F.featurize_frame(_frame(**columns))[0], index=F.feature_labels())


def test_window_rates_cycles_on_log_scale():
    row = _row(v_min=2.8, v_max=4.3, capacity_c_rate=0.1, cycle_c_rate=2.0, cycles=100)
    assert (row["protocol_v_min"], row["protocol_v_max"]) == (2.8, 4.3)
    assert row["protocol_window_v"] == pytest.approx(1.5)
    assert row["protocol_log10_capacity_c_rate"] == pytest.approx(-1.0)
    assert row["protocol_log10_cycle_c_rate"] == pytest.approx(math.log10(2))
    assert row["protocol_log10_cycles"] == pytest.approx(2.0)


def test_unknown_temperature_is_room_temperature_other_unknowns_stay_unknown():
    from cathodeml.data.recipe import Recipe, recipes_to_frame
    from cathodeml.features.recipe import RecipeFeaturizer

    # The featurizer passes values through; the blank-means-default rule (25 °C) is applied
    # once, before every featurizer, by RecipeFeaturizer (cathodeml.data.defaults).
    assert np.isnan(_row()["protocol_test_temp_c"])
    frame = recipes_to_frame([Recipe(cathode="NCM811")])
    f = RecipeFeaturizer().fit(frame)
    row = pd.Series(f.transform(frame)[0], index=f.get_feature_names_out())
    assert row["protocol_test_temp_c"] == NUMBER_DEFAULTS["test_temp_c"] == 25.0
    assert np.isnan(row[["protocol_v_max", "protocol_log10_cycles", "protocol_half_cell"]]).all()
    assert _row(test_temp_c=-20.0)["protocol_test_temp_c"] == -20.0


def test_electrolyte_cell_and_eis_timing():
    row = _row(electrolyte="solid_sulfide", cell_type="full", rct_after_cycles=100)
    assert row["protocol_electrolyte_solid_sulfide"] == 1 and row.filter(like="electrolyte").sum() == 1
    assert row["protocol_half_cell"] == 0.0 and _row(cell_type="half")["protocol_half_cell"] == 1.0
    assert row["protocol_rct_after_cycles"] == 100
    assert row["protocol_log10_1p_rct_after_cycles"] == pytest.approx(math.log10(101))
    assert _row(rct_after_cycles=0)["protocol_log10_1p_rct_after_cycles"] == 0.0  # measured before cycling


def test_one_row_equals_the_frame():
    values = [2.8, 4.3, 0.1, 1.0, 100, 30.0, "liquid", "half", 0]
    assert F.featurize(*values) == pytest.approx(list(F.featurize_frame(pd.DataFrame([dict(zip(F.columns, values))]))[0]))
    assert set(F.feature_groups().values()) == {"protocol"}
