"""Near misses of canonical column names are errors naming the column (data contract, issue 15)."""

import pandas as pd
import pytest
from pydantic import ValidationError

from cathodeml.data.headers import _typo_targets, header_problems, near_miss, normalise
from cathodeml.data.io import RecipeValidationError, read_recipes
from cathodeml.data.recipe import Recipe
from cathodeml.data.rules import check_frame
from cathodeml.schema import ALIASES, CANONICAL, PREDICTION_COLUMNS


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("Coating", ["coating"]),  # another case
        ("v max", ["v_max"]),  # space for underscore
        ("v-max", ["v_max"]),  # hyphen for underscore
        ("V_max (V)", ["v_max"]),  # a unit suffix
        ("Capacity (mAh/g)", ["capacity_mah_g"]),
        ("retention %", ["retention_pct"]),
        ("coatng", ["coating"]),  # edit distance 1
        ("cathdoe", ["cathode"]),  # two neighbours swapped
        ("coatign_method", ["coating_method"]),
        ("anneal_temp", ["anneal_temp_c"]),  # alias
        ("voltage_high", ["v_max"]),  # common aliases
        ("upper_cutoff_v", ["v_max"]),
        ("discharge_capacity", ["capacity_mah_g"]),
        ("c_rate", ["capacity_c_rate", "cycle_c_rate"]),  # ambiguous alias: both named
        ("vmax", ["v_max"]),
    ],
)
def test_near_misses_name_the_canonical_column(name, meant):
    hit = near_miss(name)
    assert hit is not None and list(hit[0]) == meant
    (p,) = header_problems([name])
    assert str(p).startswith(f"column {name}: did you mean {meant[0]!r}")


@pytest.mark.parametrize(
    "name",
    ["my_comment", "operator", "batch", "2024", "", "Unnamed: 3", "cr_frac", "capacity_50_mah_g", "x",
     "capacity_mah_g_pred", "in_domain", "domain_notes", "date"],
)
def test_other_columns_are_not_near_misses(name):
    assert near_miss(name) is None and header_problems([name]) == []


def test_canonical_names_are_never_near_misses_of_each_other():
    for c in CANONICAL:
        assert near_miss(c) is None
        assert _typo_targets(c) == [c], c  # distance 0 to itself only: no other canonical within the rule


def test_alias_table_is_consistent():
    canonical = set(CANONICAL)
    for alias, targets in ALIASES.items():
        assert alias == normalise(alias) and alias not in canonical, alias
        assert targets and set(targets) <= canonical, alias
    assert not set(PREDICTION_COLUMNS) & set(ALIASES)


def test_file_with_a_near_miss_header_is_refused(write_csv):
    p = write_csv([{"cathode": "NCM811", "Coating": "Al2O3", "voltage_high": "4.3", "my_note": "x"}])
    with pytest.raises(RecipeValidationError) as ei:
        read_recipes(p)
    text = str(ei.value)
    assert "column Coating: did you mean 'coating'?" in text
    assert "column voltage_high: did you mean 'v_max'?" in text
    assert "my_note" not in text  # a column that is no near miss is still kept and ignored


def test_unknown_column_still_kept_and_ignored(write_csv):
    frame = read_recipes(write_csv([{"cathode": "NCM811", "my_note": "x"}]))
    assert frame.loc[0, "my_note"] == "x"


def test_check_frame_applies_the_rule():
    res = check_frame(pd.DataFrame([{"cathode": "NCM811", "v max": "4.3"}]))
    assert [str(p) for p in res.problems][0].startswith("column v max: did you mean 'v_max'?")
    assert "v max" not in res.ignored_columns


def test_recipe_keyword_near_miss_fails_with_the_suggestion():
    with pytest.raises(ValidationError, match=r"column Coating: did you mean 'coating'\?"):
        Recipe(cathode="NCM811", Coating="Al2O3")
    assert Recipe(cathode="NCM811", my_note="kept out").cathode == "NCM811"  # truly unknown: ignored
