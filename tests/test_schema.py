"""The column contract as data: units, ranges, prediction names — written once."""

import pytest

from cathodeml.schema import (
    CANONICAL,
    COLUMNS,
    CONTROLS,
    DATASET_COLUMNS,
    ENUM_TYPES,
    INPUTS,
    LOG10_TARGETS,
    PHYSICAL_BOUNDS,
    PREDICTION_COLUMNS,
    SPECS,
    TARGET_PROTOCOL,
    TARGETS,
    ColumnSpec,
    axis_label,
    model_unit,
    prediction_columns,
)


@pytest.mark.parametrize(
    ("spec", "text"),
    [(SPECS["v_max"], "1.5–5 V"), (SPECS["capacity_c_rate"], "> 0 and ≤ 100 C"), (SPECS["ni_frac"], "0–1"),
     (ColumnSpec("x", "float", "s", "nm", lo=0.0), "≥ 0 nm"), (ColumnSpec("x", "float", "s", "nm", hi=5.0), "≤ 5 nm"),
     (ColumnSpec("x", "float", "s", lo=1.0, lo_open=True), "> 1"), (ColumnSpec("x", "str", "s"), "any value")],
)
def test_range_text(spec, text):
    assert spec.range_text() == text


def test_prediction_columns_follow_the_target_order_then_the_domain():
    assert prediction_columns(["rct_ohm", "capacity_mah_g"]) == [
        "capacity_mah_g_pred", "capacity_mah_g_lower", "capacity_mah_g_upper",
        "rct_ohm_pred", "rct_ohm_lower", "rct_ohm_upper", "in_domain", "domain_notes"]
    assert prediction_columns(["retention_pct"], domain=False) == ["retention_pct_pred", "retention_pct_lower", "retention_pct_upper"]
    assert len(PREDICTION_COLUMNS) == 3 * len(TARGETS) + 2


def test_units_once_rct_in_log_space():
    assert model_unit("rct_ohm") == "log10(Ω)" and model_unit("capacity_mah_g") == "mAh/g"
    assert axis_label("rct_ohm") == "Rct [Ω]" and axis_label("rct_ohm", model_space=True) == "Rct [log10(Ω)]"
    assert axis_label("retention_pct") == "retention [%]"
    assert LOG10_TARGETS == {"rct_ohm"}


def test_retention_bounds_are_the_readers_range():
    assert PHYSICAL_BOUNDS["retention_pct"] == (0.0, 100.0)
    assert (SPECS["retention_pct"].lo, SPECS["retention_pct"].hi) == PHYSICAL_BOUNDS["retention_pct"]
    assert PHYSICAL_BOUNDS["capacity_mah_g"][0] == PHYSICAL_BOUNDS["rct_ohm"][0] == 0.0


def test_column_groups():
    assert len(CANONICAL) == len(set(CANONICAL)) == len(COLUMNS)
    assert set(TARGETS) <= set(DATASET_COLUMNS) and not set(CONTROLS.values()) & set(DATASET_COLUMNS)
    assert not set(TARGETS) & set(INPUTS) and set(CONTROLS.values()) <= set(INPUTS)
    assert CONTROLS["rct_ohm"] == "control_rct_ohm"
    for name, enum in ENUM_TYPES.items():
        assert SPECS[name].choices == tuple(m.value for m in enum)
    assert {c.name for c in COLUMNS if c.kind == "enum"} == set(ENUM_TYPES)
    for target, cols in TARGET_PROTOCOL.items():
        assert {SPECS[c].section for c in cols} == {"protocol"}, target
    # a control is measured in the same unit and range as its target
    for t, c in CONTROLS.items():
        assert (SPECS[c].unit, SPECS[c].lo, SPECS[c].hi) == (SPECS[t].unit, SPECS[t].lo, SPECS[t].hi)
