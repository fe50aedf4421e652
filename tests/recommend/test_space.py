"""Search spaces: parsed into a grid, validated with clear errors."""

import numpy as np
import pandas as pd
import pytest

from cathodeml.recommend.space import SearchSpace, SpaceError, load_space, parse_objectives

DOC = {
    "fixed": {"cathode": "NCM622", "electrolyte": "liquid"},
    "protocol": {"v_min": 2.8, "v_max": 4.3, "cycles": 100, "capacity_c_rate": 1, "cycle_c_rate": 1},
    "choices": {"coating": ["Al2O3", "LiAlO2", "none"]},
    "ranges": {"coating_wt_pct": {"min": 0.5, "max": 2.0, "step": 0.5}, "anneal_temp_c": {"min": 400, "max": 600, "step": 100}},
    "constraints": ["coating_wt_pct <= 1.5", "capacity_mah_g >= 150"],
}


def test_a_none_regeneration_option_empties_its_conditions():
    """regen_method "none" among the choices: its candidates drop the relithiation conditions
    (which the reader would refuse without a regeneration), like a "none" coating drops its amount."""
    space = SearchSpace.from_dict({"fixed": {"cathode": "NCM622", "history": "spent"},
                                   "choices": {"regen_method": ["hydrothermal", "none"]},
                                   "ranges": {"regen_temp_c": {"min": 180, "max": 240, "step": 20}}})
    frame = space.candidates(np.arange(space.size))
    none = frame[frame["regen_method"].isna() | (frame["regen_method"] == "none")]
    assert space.size == 8 and len(none) == 4 and none["regen_temp_c"].isna().all()


def test_grid_size_and_mixed_radix_round_trip():
    space = SearchSpace.from_dict(DOC)
    assert space.size == 3 * 4 * 3
    frame = space.candidates(np.arange(space.size))
    assert len(frame.drop_duplicates()) < space.size  # "none" coating empties wt% and anneal → duplicates
    assert set(frame["coating"].dropna()) == {"Al2O3", "LiAlO2"}
    none = frame[frame["coating"].isna()]
    assert none["coating_wt_pct"].isna().all() and none["anneal_temp_c"].isna().all()
    assert (frame["cathode"] == "NCM622").all() and (frame["v_max"] == 4.3).all()
    # a slice equals the same rows of the whole grid
    np.testing.assert_array_equal(space.candidates(np.arange(10, 20)).to_numpy(), frame.iloc[10:20].to_numpy())


def test_each_recipe_has_one_canonical_grid_number():
    space = SearchSpace.from_dict(DOC)
    everything = np.arange(space.size)
    canonical = space.canonical_index(everything)
    frame = space.candidates(everything)
    kept = frame[canonical == everything]
    assert len(kept) == len(frame.drop_duplicates()) == 2 * 4 * 3 + 1  # two coatings × 4 wt% × 3 anneals, and uncoated
    assert not kept.duplicated().any()
    pd.testing.assert_frame_equal(space.candidates(canonical), frame)  # a number and its canonical one: the same recipe


def test_constraints_parse():
    space = SearchSpace.from_dict(DOC)
    assert [str(c) for c in space.constraints] == ["coating_wt_pct <= 1.5", "capacity_mah_g >= 150"]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"ranges": {"coating_wt_pct": {"min": 2, "max": 1, "step": 0.5}}}, "need min ≤ max and step > 0"),
        ({"choices": {"colour": ["red"]}}, "choices.colour: not a recipe input column"),
        ({"constraints": ["capacity > lots"]}, "write COLUMN OP NUMBER"),
        ({"constraints": ["voltage >= 4"]}, "unknown column voltage"),
        ({"oops": 1}, "unknown section 'oops'"),
        ({"protocol": {"v_max": 45}}, "v_max: '45' is outside 1.5–5 V"),
        ({"choices": {"coating": ["Unobtainium"]}}, "neither a formula nor a known coating material"),
    ],
)
def test_bad_spaces_say_what_is_wrong(change, fragment):
    with pytest.raises(SpaceError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        SearchSpace.from_dict(DOC | change)


def test_yaml_file_and_bad_yaml(tmp_path):
    import yaml

    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(DOC))
    assert load_space(p).size == 36
    p.write_text("fixed: [unclosed")
    with pytest.raises(SpaceError, match="not valid YAML"):
        load_space(p)


def test_objectives():
    assert parse_objectives("retention_pct:max,rct_ohm:min") == [("retention_pct", True), ("rct_ohm", False)]
    with pytest.raises(SpaceError, match="write TARGET:max or TARGET:min"):
        parse_objectives("retention:up")
