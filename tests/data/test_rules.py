"""Each rule rejects a crafted bad value with a message naming row, column, value and reason."""

import pandas as pd
import pytest

from cathodeml.data.rules import check_frame

GOOD = {"record_id": "r1", "source": "10.1/x", "cathode": "NCM811", "v_min": "2.8", "v_max": "4.3",
        "cycles": "100", "retention_pct": "90.5", "capacity_mah_g": "200"}


def problems(**changes):
    row = GOOD | changes
    res = check_frame(pd.DataFrame([row]))
    return [str(p) for p in res.problems]


def test_good_row_passes():
    assert problems() == []


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("v_max", "45.0", "row 2, column v_max: '45.0' is outside 1.5–5 V — is it in V?"),
        ("v_min", "4.4", "row 2, column v_min: '4.4' must be below v_max (4.3 V)"),
        ("regen_temp_c", "1900", "row 2, column regen_temp_c: '1900' is outside -50–1500 °C — temperature in °C — is it in K?"),
        ("coating_wt_pct", "60", "row 2, column coating_wt_pct: '60' is outside 0–50 wt % — mass % relative to the cathode"),
        ("ni_frac", "80", "row 2, column ni_frac: '80' is outside 0–1 — a fraction 0–1 — is it in %?"),
        ("capacity_c_rate", "0", "row 2, column capacity_c_rate: '0' is outside > 0 and ≤ 100 C — a C-rate such as 0.1 or 1"),
        ("cycles", "10.5", "row 2, column cycles: '10.5' is not a whole number"),
        ("retention_pct", "ninety", "row 2, column retention_pct: 'ninety' is not a number"),
        ("v_max", "4,3", "row 2, column v_max: '4,3' is not a number"),
        ("electrolyte", "Liquid", "row 2, column electrolyte: 'Liquid' is not one of: liquid, solid_sulfide, solid_halide, solid_oxide, solid_polymer"),
        ("dopant", "Al;Mg", "row 2, column dopant: 'Al;Mg' is not an element symbol"),
    ],
)
def test_rule_messages(column, value, expected):
    got = problems(**{column: value})
    assert any(p.startswith(expected) for p in got), got


def test_fraction_sum_and_formula_agreement():
    got = problems(cathode="LiNi0.8Co0.1Mn0.1O2", ni_frac="0.6", co_frac="0.1", mn_frac="0.1", al_frac="0")
    assert any("ni_frac: '0.6' disagrees with cathode 'LiNi0.8Co0.1Mn0.1O2', which implies 0.800" in p for p in got), got
    got = problems(cathode="", ni_frac="0.7", co_frac="0.2", mn_frac="0.2")
    assert any("fractions sum to 1.100" in p for p in got), got


def test_agreement_within_tolerance_passes():
    assert problems(cathode="NCM811", ni_frac="0.81", co_frac="0.1", mn_frac="0.09") == []


def test_all_problems_reported_at_once_with_spreadsheet_rows():
    rows = [GOOD, GOOD | {"record_id": "r2", "v_max": "45"}, GOOD | {"record_id": "r3", "coating": "Foo", "cycles": "x"}]
    res = check_frame(pd.DataFrame(rows))
    where = sorted((p.row, p.column) for p in res.problems)
    assert where == [(3, "v_max"), (4, "coating"), (4, "cycles")]


def test_missing_tokens_are_unknown_not_errors():
    res = check_frame(pd.DataFrame([GOOD | {"v_min": "NA", "v_max": " "}]))
    assert res.ok
    assert res.frame["v_min"].isna().all()


def test_unknown_columns_kept_and_reported_once():
    res = check_frame(pd.DataFrame([GOOD | {"my_comment": "a"}, GOOD | {"record_id": "r2", "my_comment": "b"}]))
    assert res.ignored_columns == ["my_comment"]
    assert list(res.frame["my_comment"]) == ["a", "b"]


def test_dataset_rules():
    res = check_frame(pd.DataFrame([{"cathode": "NCM811", "retention_pct": "90"}]), dataset=True)
    msgs = [str(p) for p in res.problems]
    assert "column record_id: is required in a dataset and missing from the header" in msgs
    assert any("column cycles: is empty but retention_pct is given" in m for m in msgs)


def test_dataset_row_without_target_rejected():
    res = check_frame(pd.DataFrame([{"record_id": "a", "source": "s", "cathode": "NCM811"}]), dataset=True)
    assert [str(p) for p in res.problems] == ["row 2: has no measured target (capacity_mah_g, retention_pct, rct_ohm)"]


def test_duplicate_header_reported():
    raw = pd.DataFrame([["NCM811", "4.3", "4.4"]], columns=["cathode", "v_max", "v_max"])
    assert [str(p) for p in check_frame(raw).problems] == ["column v_max: appears more than once in the header"]


def test_typed_frame_dtypes():
    f = check_frame(pd.DataFrame([GOOD])).frame
    assert f["v_max"].dtype == "float64"
    assert str(f["cycles"].dtype) == "Int64"
    assert f["cathode"].iloc[0] == "NCM811"


def test_none_is_a_value_not_a_missing_token():
    # regen_method "none" (no regeneration) must not be read as "unknown".
    res = check_frame(pd.DataFrame([GOOD | {"regen_method": "none"}]))
    assert res.frame.loc[0, "regen_method"] == "none"


def test_typed_frame_rechecks_ranges():
    typed = check_frame(pd.DataFrame([GOOD])).frame
    assert check_frame(typed).ok
    typed.loc[0, "v_max"] = 45.0
    assert [str(p) for p in check_frame(typed).problems] == ["row 2, column v_max: '45' is outside 1.5–5 V — is it in V?"]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"coating_wt_pct": "2"}, "row 2, column coating_wt_pct: '2' is given but coating is empty: name the coating it describes, or leave this cell empty"),
    ({"coating": "none", "anneal_temp_c": "500"}, "row 2, column anneal_temp_c: '500' is given but coating is empty"),
    ({"coating_method": "ald"}, "row 2, column coating_method: 'ald' is given but coating is empty"),
    ({"dopant_mol_pct": "1"}, "row 2, column dopant_mol_pct: '1' is given but dopant is empty: name the dopant"),
    ({"history": "spent", "regen_li_source": "LiOH", "regen_temp_c": "220"},
     "row 2, column regen_li_source: 'LiOH' is given but regen_method is empty or none: name the regeneration"),
    ({"history": "spent", "regen_method": "none", "sinter_temp_c": "800"},
     "row 2, column sinter_temp_c: '800' is given but regen_method is empty or none"),
])
def test_a_treatments_conditions_need_the_treatment(changes, expected):
    """A stray amount or anneal on an untreated recipe would otherwise be read as untreated, silently."""
    got = problems(**changes)
    assert any(p.startswith(expected) for p in got), got


def test_a_stated_zero_is_no_treatment_not_a_contradiction():
    assert problems(coating_wt_pct="0", dopant_mol_pct="0") == []
    assert problems(coating="none", coating_thickness_nm="0", regen_method="none", regen_time_h="0") == []


def test_conditions_with_their_treatment_pass():
    assert problems(coating="Al2O3", coating_wt_pct="2", anneal_temp_c="500", dopant="Mg", dopant_mol_pct="1",
                    history="spent", regen_method="hydrothermal", regen_li_source="LiOH", regen_temp_c="220") == []


def test_na_is_sodium_in_a_chemistry_column_and_unknown_elsewhere():
    """'Na' as written is the element: a Na-doped NCM523 (10.1016/j.jallcom.2016.07.230) must not lose its dopant."""
    res = check_frame(pd.DataFrame([GOOD | {"dopant": "Na", "dopant_mol_pct": "1", "notes": "Na"},
                                    GOOD | {"record_id": "r2", "dopant": "NA"}, GOOD | {"record_id": "r3", "dopant": "n/a"}]))
    assert res.ok, res.problems
    assert res.frame["dopant"].tolist()[0] == "Na" and res.frame["dopant"].isna().tolist()[1:] == [True, True]
    assert res.frame["notes"].isna().tolist()[0], "outside chemistry columns 'Na' is still 'n/a'"
