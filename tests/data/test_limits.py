"""Bounded work per cell and number magnitudes as range errors (issue 14)."""

import time

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from cathodeml.data.cathode import parse_cathode
from cathodeml.data.recipe import Recipe
from cathodeml.data.rules import check_frame
from cathodeml.errors import CathodeError


def test_a_3kb_shorthand_is_refused_at_once_naming_the_limit():
    text = "NCM" + "1234567890" * 300
    t = time.perf_counter()
    res = check_frame(pd.DataFrame([{"cathode": text}]))
    assert time.perf_counter() - t < 1.0  # was 29 s of CPU in the digit splitter
    assert any("3003 characters long; cathode names of at most 100" in str(p) for p in res.problems)


def test_digit_splitter_is_bounded_below_the_length_cap():
    t = time.perf_counter()
    with pytest.raises(CathodeError, match="shorthand has 90 digits; at most 9 are read"):
        parse_cathode("NCM" + "1" * 90)
    assert time.perf_counter() - t < 0.5


@pytest.mark.parametrize("column", ["coating", "dopant"])
def test_long_coating_and_dopant_texts_are_refused(column):
    value = "Al2O3+" * 40 if column == "coating" else "Al," * 50 + "Mg"
    res = check_frame(pd.DataFrame([{"cathode": "NCM811", column: value}]))
    assert any(p.column == column and "characters long" in p.message and "at most 100" in p.message for p in res.problems)


@pytest.mark.parametrize("column", ["cycles", "rct_after_cycles"])
@pytest.mark.parametrize("text", ["inf", "-inf", "1e19", "1e308", "1e400", "1" + "0" * 30, "9223372036854775808"])
def test_huge_whole_numbers_are_range_errors(column, text):
    res = check_frame(pd.DataFrame([{"cathode": "NCM811", column: text}]))
    assert [(p.row, p.column) for p in res.problems] == [(2, column)]
    assert "is outside" in res.problems[0].message


@pytest.mark.parametrize("value", [np.inf, -np.inf, 1e19, 1e308])
def test_huge_numbers_in_a_typed_frame_are_range_errors(value):
    res = check_frame(pd.DataFrame({"cathode": ["NCM811"], "cycles": [value]}))
    assert [p.column for p in res.problems] == ["cycles"]


def test_huge_python_int_in_a_recipe_is_a_validation_error():
    with pytest.raises(ValidationError, match="cycles: '1000000000000000000000000000000' is outside"):
        Recipe(cathode="NCM811", cycles=10**30)
