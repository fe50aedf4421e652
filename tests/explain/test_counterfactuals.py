"""Counterfactuals: each change does what its name says, applies only where it means something,
and reports the model's own prediction for the changed recipe."""

import numpy as np
import pandas as pd
import pytest

from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.explain.counterfactuals import CHANGES, COLUMNS, applies, counterfactual_frame, counterfactuals

BASE = dict(cathode="NCM811", v_min=2.8, v_max=4.3, cycles=100, capacity_c_rate=0.1, cycle_c_rate=1.0)
TREATED = BASE | dict(coating="Al2O3", coating_wt_pct=1.0, coating_method="wet_chemical", anneal_temp_c=500.0,
                      anneal_time_h=2.0, dopant="Mg", dopant_mol_pct=1.0, regen_method="hydrothermal",
                      regen_li_source="LiOH", regen_temp_c=220.0)


@pytest.fixture(scope="module")
def treated():
    return recipes_to_frame([Recipe(**TREATED), Recipe(**BASE | {"coating": "Al2O3", "coating_wt_pct": 0.2})])


def test_removing_a_treatment_empties_its_columns_only(treated):
    no_coat = counterfactual_frame(treated, "remove coating")
    assert no_coat[["coating", "coating_wt_pct", "coating_method", "anneal_temp_c", "anneal_time_h"]].isna().all().all()
    assert no_coat.loc[0, "dopant"] == "Mg" and no_coat.loc[0, "regen_method"] == "hydrothermal"
    no_regen = counterfactual_frame(treated, "remove regeneration")
    assert no_regen.loc[0, "regen_method"] == "none" and pd.isna(no_regen.loc[1, "regen_method"])  # unknown stays unknown
    assert no_regen[["regen_li_source", "regen_temp_c"]].isna().all().all() and no_regen.loc[0, "coating"] == "Al2O3"
    no_dope = counterfactual_frame(treated, "remove dopant")
    assert no_dope[["dopant", "dopant_mol_pct"]].isna().all().all()


def test_moves_are_one_grid_step(treated):
    assert counterfactual_frame(treated, "coating wt% +0.5")["coating_wt_pct"].tolist() == [1.5, 0.7]
    minus = counterfactual_frame(treated, "coating wt% -0.5")["coating_wt_pct"]
    assert minus[0] == 0.5 and np.isnan(minus[1])  # no negative amounts
    assert counterfactual_frame(treated, "anneal +50 C").loc[0, "anneal_temp_c"] == 550.0
    assert counterfactual_frame(treated, "anneal -50 C").loc[0, "anneal_temp_c"] == 450.0


def test_a_change_applies_only_where_it_means_something(treated):
    assert applies(treated, "remove coating").tolist() == [True, True]
    assert applies(treated, "remove dopant").tolist() == [True, False]
    assert applies(treated, "remove regeneration").tolist() == [True, False]
    assert applies(treated, "coating wt% -0.5").tolist() == [True, False]  # 0.2 wt% cannot lose 0.5
    assert applies(treated, "anneal +50 C").tolist() == [True, False]


def test_unknown_change_names_the_known_ones(treated):
    with pytest.raises(ValueError, match="unknown change 'paint it'; known: remove coating, remove regeneration"):
        counterfactual_frame(treated, "paint it")


def test_an_uncoated_recipe_has_no_coating_counterfactual(model):
    frame = recipes_to_frame([Recipe(**BASE)])
    cf = counterfactuals(model, frame)
    assert list(cf.columns) == COLUMNS
    assert cf.empty, "nothing to remove or move on an untreated recipe"


def test_removing_the_coating_predicts_the_uncoated_recipe(model):
    frame = recipes_to_frame([Recipe(**BASE | {"coating": "Al2O3", "coating_wt_pct": 1.0})])
    cf = counterfactuals(model, frame)
    assert set(cf["change"]) == {"remove coating", "coating wt% +0.5", "coating wt% -0.5"}
    rows = cf[cf["change"] == "remove coating"].set_index("target")
    assert set(rows.index) == set(model.targets)
    uncoated = model.predict(recipes_to_frame([Recipe(**BASE)]))  # written by hand, not by the code under test
    coated = model.predict(frame)
    for t in model.targets:
        r = rows.loc[t]
        assert r["pred"] == pytest.approx(coated.loc[0, f"{t}_pred"])
        assert r["counterfactual_pred"] == pytest.approx(uncoated.loc[0, f"{t}_pred"])
        assert r["delta"] == pytest.approx(uncoated.loc[0, f"{t}_pred"] - coated.loc[0, f"{t}_pred"])
        assert r["counterfactual_in_domain"] == bool(uncoated.loc[0, "in_domain"])
    assert pd.Series(CHANGES).is_unique
