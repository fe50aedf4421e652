"""The two executors of the rule table agree: ``check_rows(records)`` answers exactly as
``check_frame(pd.DataFrame.from_records(records))`` — the same problems, in the same order, with
the same texts, the same typed values and the same ignored columns — on fuzzed records mixing
JSON numbers, text, unknowns, near-miss keys and broken chemistry."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cathodeml.data.rowcheck import check_rows
from cathodeml.data.rules import check_frame
from cathodeml.schema import CANONICAL, SPECS
from tests.data.strategies import COATINGS, FORMULAS, NUMBERS, SHORTHAND, examples

GOOD = {"cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": 1.0, "v_min": 2.8, "v_max": 4.3,
        "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100, "electrolyte": "liquid"}
NEAR_MISSES = ["Coating", "voltage_high", "v max", "V_max (V)", "coatng", "c_rate"]
OTHER_KEYS = ["my_note", "capacity_mah_g_pred", "in_domain", "Unnamed: 3"]
DOPANTS = ["Al", "Mg", "Al,Mg", "D", "T", "Al,Al", "al", "Al,,Mg", "Al, Mg", "none", "undoped", "X" * 120, "Na", "NA", " Na "]
IDS = ["a", "a", "a ", "b", "", "n/a"]


def _numbers(spec) -> st.SearchStrategy:
    lo = spec.lo if spec.lo is not None else -1e3
    hi = spec.hi if spec.hi is not None else 1e3
    edges = [lo, hi, lo - 1e-9, hi + 1e-9, hi * 10 + 1, -1.0, 0.0, 0.5, 60.0, 60.5, 2**53, -(2**53), 2**53 + 1, 10**30,
             float("inf"), float("-inf"), float("nan"), 1e308, 5e-324, True]
    floats = st.floats(lo - abs(hi - lo), hi + abs(hi - lo), allow_nan=False)
    ints = st.integers(int(lo) - 2, int(min(hi, 1e6)) + 2)
    return st.one_of(floats, ints, st.sampled_from(edges), st.sampled_from(NUMBERS), st.none())


#: Values that make the cross-column rules fire (fractions summing to ~1 or not, a reversed window).
TYPICAL = {"ni_frac": [0.8, 0.6, 0.5, 1.1], "co_frac": [0.1, 0.2, 0.0], "mn_frac": [0.1, 0.2, 0.3], "al_frac": [0.0, 0.05],
           "v_min": [2.8, 3.0, 4.3, 4.4], "v_max": [4.3, 2.8, 4.5, 4.4]}


def _value(name: str) -> st.SearchStrategy:
    spec = SPECS[name]
    if name in TYPICAL:
        return st.sampled_from(TYPICAL[name]) | _numbers(spec)
    if spec.kind in ("float", "int"):
        return _numbers(spec)
    if spec.kind == "enum":
        variants = [*spec.choices, " liquid ", "Liquid", "gel", "", "NA", "none", *spec.choices[:1]]
        return st.one_of(st.sampled_from(variants), st.none(), st.sampled_from([1, 2.5]))
    pools = {"cathode": SHORTHAND + FORMULAS + ["", "n/a", " NCM811 "], "coating": COATINGS + ["uncoated", " "],
             "dopant": DOPANTS, "record_id": IDS}
    return st.one_of(st.sampled_from(pools.get(name, ["lab A", "x", "", "null"])), st.none())


#: Columns the fuzz draws most (the cross-column rules read them); every other one now and then.
FOCUS = ["cathode", "coating", "dopant", "record_id", "ni_frac", "co_frac", "mn_frac", "al_frac", "v_min", "v_max",
         "cycles", "rct_after_cycles", "electrolyte", "coating_wt_pct", "capacity_mah_g", "retention_pct", "rct_ohm",
         "dopant_mol_pct", "anneal_temp_c", "regen_method", "regen_temp_c", "regen_li_source"]


@st.composite
def records(draw) -> list[dict]:
    keys = draw(st.lists(st.sampled_from(FOCUS) | st.sampled_from(CANONICAL) | st.sampled_from(NEAR_MISSES + OTHER_KEYS),
                         max_size=12, unique=True))
    if draw(st.booleans()):  # the four fractions together, so that their sum rule is reached
        keys += [k for k in ("ni_frac", "co_frac", "mn_frac", "al_frac") if k not in keys]
    n = draw(st.integers(1, 5))
    out = []
    for _ in range(n):
        row = dict(GOOD) if draw(st.booleans()) else {}
        for k in keys:
            if draw(st.integers(0, 4)):  # a key left out of some records
                row[k] = draw(_value(k)) if k in SPECS else draw(st.sampled_from(["x", 1.5, None]))
        out.append(row)
    return out


def _typed(values) -> list:
    return [None if (v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA) else
            (float(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else v) for v in values]


def frame_of(recs: list[dict]) -> pd.DataFrame:
    """One row per record (``from_records`` makes records that are all empty dicts no rows at all)."""
    return pd.DataFrame.from_records(recs) if any(recs) else pd.DataFrame(index=range(len(recs)))


def assert_agree(recs: list[dict], **kw) -> None:
    frame = check_frame(frame_of(recs), **kw)
    rows = check_rows(recs, **kw)
    assert [(p.row, p.column, p.value, p.message) for p in rows.problems] == \
           [(p.row, p.column, p.value, p.message) for p in frame.problems]
    assert rows.ignored_columns == frame.ignored_columns
    for name in CANONICAL:
        assert _typed(rows.columns[name]) == _typed(frame.frame[name].tolist()), name


@settings(max_examples=examples(300))
@given(recs=records(), dataset=st.booleans())
@example(recs=[GOOD | {"cycles": 60.5, "v_max": 45.0}], dataset=False)
@example(recs=[GOOD | {"cycles": 60}, GOOD | {"cycles": None}], dataset=False)  # int column made float64 by pandas
@example(recs=[GOOD | {"cycles": "60"}, GOOD | {"cycles": 0}], dataset=False)  # text beside a number
@example(recs=[{"Coating": "Al2O3", "voltage_high": 4.3}], dataset=False)
@example(recs=[{"v_max": 4.3}, {"ni_frac": 0.8}], dataset=True)  # no cathode column
@example(recs=[GOOD | {"ni_frac": 0.5, "co_frac": 0.4, "mn_frac": 0.3}], dataset=False)
@example(recs=[GOOD | {"record_id": "a"}, GOOD | {"record_id": "a"}], dataset=False)
def test_the_two_executors_agree(recs, dataset):
    assert_agree(recs, dataset=dataset, first_row=1)


@pytest.mark.parametrize("recs", [
    [GOOD | {"cathode": "LiNi0.8Co0.1Mn0.1O"}],  # formula sanity
    [GOOD | {"cathode": "LiNi08Co01Mn01O2", "coating": "LiAIO2", "dopant": "D"}],
    [GOOD | {"cathode": "NCM811", "ni_frac": 0.6}],  # disagrees with the cathode
    [GOOD | {"electrolyte": " solid_oxide ", "cell_type": "HALF"}],
    [GOOD | {"v_max": "4,3", "v_min": "2.8 V", "cycles": "=A1"}],  # text numbers with hints
    [GOOD | {"cathode": None, "ni_frac": None}],
    # a treatment's conditions without the treatment (the treatment rule)
    [GOOD | {"coating": None, "anneal_temp_c": 500}, GOOD | {"coating": "none", "coating_method": "ald"}],
    [GOOD | {"dopant_mol_pct": 1.0}, GOOD | {"dopant": "Na", "dopant_mol_pct": 1.0}, GOOD | {"dopant": "NA", "dopant_mol_pct": 1}],
    [GOOD | {"coating": None, "coating_wt_pct": 0}, GOOD | {"dopant_mol_pct": 0.0}, GOOD | {"regen_method": "none", "regen_temp_c": "0"}],
    [GOOD | {"regen_method": "none", "regen_li_source": "LiOH", "regen_temp_c": 220},
     GOOD | {"regen_method": "hydrothermal", "regen_temp_c": 220}, GOOD | {"sinter_time_h": 4}],
    [{"cathode": "NCM811", "cycles": 10**30}],  # beyond float64's whole numbers: pandas reads it
    # a key absent from one record is not an explicit None (pandas keeps the other record's int)
    [{"cathode": "NCM811"}, {"cathode": "NCM811", "coating": 10**30}],
    [{"cathode": "NCM811"}, {"cathode": "NCM811", "coating_method": 10**30, "cycles": 10**30}],
    [],
])
def test_known_cases_agree(recs):
    assert_agree(recs, first_row=1)
    assert_agree(recs, dataset=True)


def test_a_json_request_needs_no_pandas(monkeypatch):
    """Numbers and strings as JSON sends them are checked without a single pandas call."""
    import cathodeml.data.rowcheck as rc

    def refuse(*a, **k):
        raise AssertionError("pandas was used")

    monkeypatch.setattr(rc, "check_column", refuse)
    recs = [GOOD | {"v_max": 45.0, "cycles": 60.5, "coating": "Unobtainium", "record_id": "x"},
            GOOD | {"record_id": "x", "electrolyte": "gel"}]
    res = check_rows(recs, first_row=1)
    assert [str(p) for p in res.problems] == [str(p) for p in check_frame(pd.DataFrame.from_records(recs), first_row=1).problems]
    assert len(res.problems) == 6
