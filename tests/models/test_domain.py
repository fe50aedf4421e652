"""Applicability-domain flags fire where they should, with notes a scientist can read."""

import pytest

from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.models import CathodeModel
from tests.conftest import synthetic_frame


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return CathodeModel.load(tiny_model_dir / "model")


def _assess(model, **kw):
    base = dict(cathode="NCM811", coating="Al2O3", coating_wt_pct=1.0, regen_method="none", electrolyte="liquid",
                cell_type="half", v_min=2.8, v_max=4.3, capacity_c_rate=0.1, cycle_c_rate=1.0, cycles=100)
    row = model.predict(recipes_to_frame([Recipe(**(base | kw))])).iloc[0]
    return bool(row["in_domain"]), row["domain_notes"]


def test_training_rows_are_in_domain(model):
    assert model.predict(synthetic_frame())["in_domain"].all()


def test_a_typical_recipe_is_in_domain(model):
    assert _assess(model) == (True, "")


def test_unseen_coating_element(model):
    ok, notes = _assess(model, coating="CeO2")
    assert not ok and "coating element Ce never seen in training" in notes


def test_out_of_range_voltage(model):
    ok, notes = _assess(model, v_max=4.8)
    assert not ok and "v_max 4.8 V above training max 4.5 V" in notes


def test_unseen_category(model):
    ok, notes = _assess(model, electrolyte="solid_sulfide")
    assert not ok and "electrolyte solid_sulfide never seen in training" in notes


def test_far_recipe(model):
    # Every value inside its training range, but an extreme combination of many of them.
    ok, notes = _assess(model, cathode="NCM622", coating_wt_pct=3.0, v_max=4.5, capacity_c_rate=1.0, cycles=200,
                        coating="Al2O3", anneal_temp_c=None, regen_method="none", li_loss_pct=None,
                        dopant=None, rct_after_cycles=None, test_temp_c=None, cell_type="full")
    assert not ok
    assert "never seen" in notes or "far from every training recipe" in notes
