"""Applicability-domain flags fire where they should, with notes a scientist can read."""

import pytest

from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.models import CathodeModel
from cathodeml.models.persistence import load_local_model
from tests.conftest import synthetic_frame


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return load_local_model(tiny_model_dir)


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


# ---- per-target domains: each target's model knows only the rows that report that target ----

def _fitted_domain(frame):
    """A domain fitted like `train` does: all rows, plus one row mask per target."""
    from cathodeml.features import RecipeFeaturizer
    from cathodeml.models.domain import ApplicabilityDomain

    featurizer = RecipeFeaturizer().fit(frame)
    masks = {t: frame[t].notna().to_numpy() for t in ("capacity_mah_g", "retention_pct", "rct_ohm")}
    return featurizer, ApplicabilityDomain().fit(frame, featurizer.transform(frame), masks)


@pytest.fixture(scope="module")
def split_frame():
    """Capacity measured only in liquid cells; some retention-only rows are sulfide cells;
    Rct measured in one paper only, at 4.3 V."""
    import numpy as np

    frame = synthetic_frame().copy()
    sulfide = np.arange(len(frame)) % 5 == 0
    frame.loc[sulfide, "electrolyte"] = "solid_sulfide"
    frame.loc[sulfide, "capacity_mah_g"] = np.nan
    frame.loc[(frame["source"] != "10.0000/synthetic.0") | (frame["v_max"] > 4.3), "rct_ohm"] = np.nan
    return frame


def _check(featurizer, domain, **kw):
    base = dict(cathode="NCM811", coating="Al2O3", coating_wt_pct=1.0, regen_method="none", electrolyte="liquid",
                cell_type="half", v_min=2.8, v_max=4.3, capacity_c_rate=0.1, cycle_c_rate=1.0, cycles=100)
    frame = recipes_to_frame([Recipe(**(base | kw))])
    row = domain.assess(frame, featurizer.transform(frame)).iloc[0]
    return bool(row["in_domain"]), row["domain_notes"]


def test_a_category_only_one_target_saw_is_out_of_the_others_domain(split_frame):
    featurizer, domain = _fitted_domain(split_frame)
    ok, notes = _check(featurizer, domain, electrolyte="solid_sulfide")
    assert not ok
    assert "capacity_mah_g model: electrolyte solid_sulfide never seen in training" in notes
    assert "retention_pct model" not in notes  # retention rows include sulfide cells
    assert not notes.startswith("electrolyte")  # the all-rows domain has seen sulfide cells


def test_a_single_source_target_notes_but_never_decides(split_frame):
    featurizer, domain = _fitted_domain(split_frame)
    out = domain.assess(split_frame, featurizer.transform(split_frame))
    other_papers = (split_frame["source"] != "10.0000/synthetic.0").to_numpy()
    both = (split_frame["capacity_mah_g"].notna() & split_frame["retention_pct"].notna()).to_numpy()
    n = int(split_frame["rct_ohm"].notna().sum())
    note = f"rct_ohm model: outside its {n} training recipes (1 source, not validated across papers)"
    flagged = out["domain_notes"].str.contains(note, regex=False).to_numpy()
    assert flagged[other_papers & both].any()  # the Rct paper does not cover these recipes …
    assert out["in_domain"].to_numpy()[other_papers & both].all()  # … yet they stay in domain
    assert not flagged[split_frame["rct_ohm"].notna().to_numpy()].any()  # its own recipes are inside


def test_other_targets_protocol_is_ignored(split_frame):
    featurizer, domain = _fitted_domain(split_frame)
    # cycle_c_rate only describes the retention test: no capacity note for it; retention flags it.
    ok, notes = _check(featurizer, domain, cycle_c_rate=3.0)
    assert "capacity_mah_g model: cycle_c_rate" not in notes
    assert "cycle_c_rate 3 C above training max 1 C" in notes and not ok


def test_training_rows_with_every_validated_target_are_in_domain(split_frame):
    featurizer, domain = _fitted_domain(split_frame)
    both = split_frame["capacity_mah_g"].notna() & split_frame["retention_pct"].notna()
    out = domain.assess(split_frame, featurizer.transform(split_frame))
    assert out.loc[both.to_numpy(), "in_domain"].all()


def test_per_target_nearest_distance_equals_brute_force(split_frame):
    import numpy as np

    featurizer, domain = _fitted_domain(split_frame)
    X = featurizer.transform(synthetic_frame(seed=3))
    X_train = featurizer.transform(split_frame)
    masks = {t: split_frame[t].notna().to_numpy() for t in domain.targets_}
    for name, space, rows in [("", domain.space_, np.ones(len(split_frame), bool))] + \
            [(t, s.space, masks[t]) for t, s in domain.targets_.items()]:
        A, T = space.scaled(X).astype(np.float64), space.scaled(X_train[rows]).astype(np.float64)
        d = np.sqrt(((A[:, None, :] - T[None, :, :]) ** 2).sum(axis=2))
        np.testing.assert_allclose(space.nearest(X), d.min(axis=1), rtol=1e-4, atol=1e-2, err_msg=name)
