import pytest
from pydantic import ValidationError

from cathodeml.schema import CANONICAL
from cathodeml.data.recipe import Recipe, recipes_to_frame


def test_recipe_is_frozen_and_derives_values_once():
    r = Recipe(cathode="NCM811", coating="LiAlO2", coating_wt_pct=1.0, v_min=2.8, v_max=4.3)
    assert r.ni == pytest.approx(0.8)
    assert r.composition is r.composition  # cached
    assert r.coating_parts[0].cls == "li_ion_conductor"
    with pytest.raises(ValidationError):
        r.v_max = 4.5  # type: ignore[misc]


def test_recipe_rejects_string_numbers_instead_of_coercing():
    with pytest.raises(ValidationError, match="v_max"):
        Recipe(cathode="NCM811", v_max="4.3")  # type: ignore[arg-type]


def test_recipe_range_message():
    with pytest.raises(ValidationError, match=r"column v_max: '45.0' is outside 1.5–5 V — is it in V\?"):
        Recipe(cathode="NCM811", v_min=2.8, v_max=45.0)


def test_recipe_cross_rules():
    with pytest.raises(ValidationError, match="must be below v_max"):
        Recipe(cathode="NCM811", v_min=4.3, v_max=2.8)
    with pytest.raises(ValidationError, match="disagrees with cathode"):
        Recipe(cathode="NCM811", ni_frac=0.6)
    with pytest.raises(ValidationError, match="neither a formula nor a known coating"):
        Recipe(cathode="NCM811", coating="Unobtainium")


def test_enum_values_only():
    with pytest.raises(ValidationError):
        Recipe(cathode="NCM811", electrolyte="gel")  # type: ignore[arg-type]
    r = Recipe(cathode="NCM811", electrolyte="solid_sulfide")  # type: ignore[arg-type]
    assert r.electrolyte.value == "solid_sulfide"


def test_frame_roundtrip():
    f = recipes_to_frame([Recipe(cathode="NCM622", cycles=100, retention_pct=90.0)])
    assert list(f.columns) == list(CANONICAL)
    assert f.loc[0, "cycles"] == 100 and f.loc[0, "retention_pct"] == 90.0


def test_an_integral_float_in_an_int_column_is_the_integer():
    for column in ("cycles", "rct_after_cycles"):
        r = Recipe(cathode="NCM811", **{column: 60.0})
        assert getattr(r, column) == 60 and type(getattr(r, column)) is int
        with pytest.raises(ValidationError, match=f"{column}\n.*60.5 is not a whole number"):
            Recipe(cathode="NCM811", **{column: 60.5})
        with pytest.raises(ValidationError):
            Recipe(cathode="NCM811", **{column: float("inf")})
