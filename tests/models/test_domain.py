"""Applicability-domain flags fire where they should, with notes a scientist can read.

The first tests use the shipped-data model; their expectations (training ranges, seen
categories) are read from the training table with pandas, not from the domain object.
"""

import numpy as np
import pandas as pd
import pytest

from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.features import RecipeFeaturizer
from cathodeml.models.domain import ApplicabilityDomain
from cathodeml.schema import TARGETS
from tests.conftest import synthetic_frame

TYPICAL = dict(cathode="NCM811", coating="Al2O3", coating_wt_pct=1.0, regen_method="none", electrolyte="liquid",
               cell_type="half", v_min=2.8, v_max=4.3, capacity_c_rate=0.1, cycle_c_rate=1.0, cycles=100)
#: Every category seen, every number inside the training range of the recipes that measured both
#: capacity and retention — but together the extremes of many columns at once.
FAR = dict(cathode="NCM111", history="spent", morphology="single_crystal", regen_method="molten_salt",
           regen_temp_c=600.0, regen_time_h=4.0, dopant="Ti", dopant_mol_pct=2.0, coating="TiO2", coating_wt_pct=2.0,
           coating_method="wet_chemical", anneal_temp_c=600.0, anneal_time_h=6.0, electrolyte="solid_sulfide",
           cell_type="full", v_min=3.0, v_max=4.6, test_temp_c=60.0, capacity_c_rate=10.0, cycle_c_rate=1.0, cycles=8000)


def _assess(model, **recipe):
    row = model.predict(recipes_to_frame([Recipe(**recipe)])).iloc[0]
    return bool(row["in_domain"]), row["domain_notes"]


def test_training_rows_with_both_validated_targets_are_in_domain(model, shipped_frame):
    both = (shipped_frame["capacity_mah_g"].notna() & shipped_frame["retention_pct"].notna()).to_numpy()
    out = model.predict(shipped_frame)
    assert out.loc[both, "in_domain"].all(), out.loc[both & ~out["in_domain"].to_numpy(), "domain_notes"].tolist()


def test_a_typical_recipe_is_in_domain(model):
    ok, notes = _assess(model, **TYPICAL)
    assert ok, notes
    assert "never seen" not in notes and "training max" not in notes and "far from" not in notes


def test_unseen_coating_element(model, shipped_frame):
    assert not shipped_frame["coating"].fillna("").str.contains("Ce").any()  # the premise
    ok, notes = _assess(model, **TYPICAL | {"coating": "CeO2"})
    assert not ok and "coating element Ce never seen in training" in notes


def test_out_of_range_voltage(model, shipped_frame):
    top = shipped_frame["v_max"].max()
    ok, notes = _assess(model, **TYPICAL | {"v_max": 4.9})
    assert not ok and f"v_max 4.9 V above training max {top:g} V" in notes


def test_unseen_category(model, shipped_frame):
    assert "solid_oxide" not in set(shipped_frame["electrolyte"].dropna())  # the premise
    ok, notes = _assess(model, **TYPICAL | {"electrolyte": "solid_oxide"})
    assert not ok and "electrolyte solid_oxide never seen in training" in notes


def test_far_recipe_is_flagged_by_its_distance_alone(model, shipped_frame):
    # The premise, checked on the training table itself: nothing in FAR is new on its own.
    both = shipped_frame[shipped_frame["capacity_mah_g"].notna() & shipped_frame["retention_pct"].notna()]
    for column, value in FAR.items():
        if isinstance(value, str):
            assert value in set(both[column].dropna()), f"{column} {value} must be a seen category"
        else:
            lo, hi = both[column].min(), both[column].max()
            assert lo <= value <= hi, f"{column} {value} must lie inside the training range {lo}–{hi}"
    ok, notes = _assess(model, **FAR)
    assert not ok, "a recipe far from every training recipe must be out of domain"
    assert "far from every training recipe (distance" in notes
    for phrase in ("never seen", "above training", "below training"):
        assert phrase not in notes, f"{phrase!r} in {notes!r}: the verdict must come from the distance alone"


def test_distance_is_zero_for_a_training_recipe_and_grows_away_from_it(model, shipped_frame):
    X = model.featurize(shipped_frame.head(3))
    assert np.allclose(model.domain.nearest_distance(X), 0.0, atol=1e-2)  # float32 dot-product form
    far = model.featurize(recipes_to_frame([Recipe(**FAR)]))
    assert model.domain.nearest_distance(far)[0] > model.domain.threshold_


# ---- per-target domains: each target's model knows only the rows that report that target ----


@pytest.fixture(scope="module")
def split_frame():
    """Capacity measured only in liquid cells; some retention-only rows are sulfide cells;
    Rct measured in one paper only, at 4.3 V."""
    frame = synthetic_frame().copy()
    sulfide = np.arange(len(frame)) % 5 == 0
    frame.loc[sulfide, "electrolyte"] = "solid_sulfide"
    frame.loc[sulfide, "capacity_mah_g"] = np.nan
    frame.loc[(frame["source"] != "10.0000/synthetic.0") | (frame["v_max"] > 4.3), "rct_ohm"] = np.nan
    return frame


@pytest.fixture(scope="module")
def fitted(split_frame):
    """(featurizer, domain) fitted like `train` does: all rows, plus one row mask per target."""
    featurizer = RecipeFeaturizer().fit(split_frame)
    masks = {t: split_frame[t].notna().to_numpy() for t in TARGETS}
    return featurizer, ApplicabilityDomain().fit(split_frame, featurizer.transform(split_frame), masks)


def _check(fitted, **kw):
    featurizer, domain = fitted
    frame = recipes_to_frame([Recipe(**(TYPICAL | kw))])
    row = domain.assess(frame, featurizer.transform(frame)).iloc[0]
    return bool(row["in_domain"]), row["domain_notes"]


def test_a_category_only_one_target_saw_is_out_of_the_others_domain(fitted):
    ok, notes = _check(fitted, electrolyte="solid_sulfide")
    assert not ok
    assert "capacity_mah_g model: electrolyte solid_sulfide never seen in training" in notes
    assert "retention_pct model" not in notes  # retention rows include sulfide cells
    assert not notes.startswith("electrolyte")  # the all-rows domain has seen sulfide cells


def test_a_single_source_target_notes_but_never_decides(fitted, split_frame):
    featurizer, domain = fitted
    out = domain.assess(split_frame, featurizer.transform(split_frame))
    other_papers = (split_frame["source"] != "10.0000/synthetic.0").to_numpy()
    both = (split_frame["capacity_mah_g"].notna() & split_frame["retention_pct"].notna()).to_numpy()
    n = int(split_frame["rct_ohm"].notna().sum())
    note = f"rct_ohm model: outside its {n} training recipes (1 source, not validated across papers)"
    flagged = out["domain_notes"].str.contains(note, regex=False).to_numpy()
    assert flagged[other_papers & both].any()  # the Rct paper does not cover these recipes …
    assert out["in_domain"].to_numpy()[other_papers & both].all()  # … yet they stay in domain
    assert not flagged[split_frame["rct_ohm"].notna().to_numpy()].any()  # its own recipes are inside


def test_other_targets_protocol_is_ignored(fitted):
    # cycle_c_rate only describes the retention test: no capacity note for it; retention flags it.
    ok, notes = _check(fitted, cycle_c_rate=3.0)
    assert "capacity_mah_g model: cycle_c_rate" not in notes
    assert "cycle_c_rate 3 C above training max 1 C" in notes and not ok


def test_training_rows_with_every_validated_target_are_in_domain(fitted, split_frame):
    featurizer, domain = fitted
    both = split_frame["capacity_mah_g"].notna() & split_frame["retention_pct"].notna()
    out = domain.assess(split_frame, featurizer.transform(split_frame))
    assert out.loc[both.to_numpy(), "in_domain"].all()


def test_per_target_nearest_distance_equals_brute_force(fitted, split_frame):
    """The nearest-neighbour index gives the distances a brute-force search over the same scaled
    training rows gives, for the all-rows space and each target's own feature space."""
    featurizer, domain = fitted
    Xtrain = featurizer.transform(split_frame)
    X = featurizer.transform(synthetic_frame(seed=3))
    for name, scope, mask in [("", None, np.ones(len(split_frame), bool))] + [
            (t, sc, split_frame[t].notna().to_numpy()) for t, sc in domain.targets_.items()]:
        space = domain.space_ if scope is None else scope.space
        T = np.unique(space.scaled(Xtrain[mask]).astype(np.float64), axis=0)
        A = space.scaled(X).astype(np.float64)
        d = np.sqrt(((A[:, None, :] - T[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
        np.testing.assert_allclose(space.nearest(X), d, rtol=1e-4, atol=1e-3, err_msg=name or "all rows")


def test_threshold_is_the_quantile_of_leave_one_out_distances():
    # Four training points on a line at 0, 1, 3, 7 (one feature): nearest-other distances are
    # 1, 1, 2, 4 in raw units; the feature is standardised by its std (population) first.
    frame = synthetic_frame(n_sources=1, per_source=4)
    X = np.array([[0.0], [1.0], [3.0], [7.0]])
    domain = ApplicabilityDomain(quantile=0.5).fit(frame, X)
    std = X.std()
    assert domain.threshold_ == pytest.approx(np.quantile([1, 1, 2, 4], 0.5) / std, rel=1e-5)
    assert domain.nearest_distance(np.array([[5.0]]))[0] == pytest.approx(2 / std, rel=1e-5)


def test_notes_are_joined_per_row_in_a_large_batch(model):
    # Rows of two kinds interleaved: each row gets its own kind's notes, whatever its neighbours.
    frame = recipes_to_frame([Recipe(**TYPICAL), Recipe(**TYPICAL | {"v_max": 4.9})] * 50)
    out = model.predict(frame)
    assert out["in_domain"].tolist() == [True, False] * 50
    assert out["domain_notes"].str.contains("v_max 4.9 V above").tolist() == [False, True] * 50
    assert isinstance(out, pd.DataFrame) and len(out) == 100


def test_leave_one_out_distances_in_blocks_are_the_brute_force_ones(monkeypatch):
    import cathodeml.models.domain as domain

    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 6))
    X[5] = X[9]  # a repeated recipe counts once
    space = domain._Space.fit(X)
    T = space.train.astype(np.float64)
    d2 = ((T[:, None] - T[None]) ** 2).sum(axis=2)
    np.fill_diagonal(d2, np.inf)
    monkeypatch.setattr(domain, "_LOO_BLOCK", 7)  # uneven blocks
    np.testing.assert_allclose(space.loo_distances(), np.sqrt(d2.min(axis=1)), rtol=1e-12)
    assert space.n_unique == 39


def test_an_eis_timing_leaves_capacity_and_retention_in_domain(model, shipped_frame):
    """Only the (unvalidated) Rct model reads rct_after_cycles; an EIS after 100 cycles is its note."""
    assert shipped_frame["rct_after_cycles"].max() < 100  # the premise: the one Rct paper stops earlier
    assert _assess(model, **TYPICAL | {"rct_after_cycles": 100}) == _assess(model, **TYPICAL)


@pytest.mark.parametrize(("coating", "wt_pct", "nm"), [("Al2O3", 1.0, 19.96), ("LiNbO3", 2.0, 33.82), ("ZrO2", 0.5, 7.0)])
def test_a_coating_amount_in_nm_gets_the_verdict_of_the_wt_pct_it_implies(model, shipped_frame, coating, wt_pct, nm):
    """1 wt % Al2O3 is a 19.96 nm shell, 2 wt % LiNbO3 33.82 nm, 0.5 wt % ZrO2 7.0 nm (shell model,
    5 µm particle): stated either way, one verdict and one note."""
    assert shipped_frame["coating_thickness_nm"].max() < 19.96  # the premise: no stated shell that thick
    recipe = {k: v for k, v in TYPICAL.items() if k != "coating_wt_pct"} | {"coating": coating}
    by_wt = _assess(model, **recipe | {"coating_wt_pct": wt_pct})
    by_nm = _assess(model, **recipe | {"coating_thickness_nm": nm})
    assert by_nm == by_wt, (by_wt, by_nm)


def test_with_no_validated_target_the_protocol_still_decides(model, shipped_frame):
    """When no target may decide (one paper, a lab's first batch), the all-rows checks keep the test
    protocol: a 4.9 V cut-off beyond every training row is out of domain, not a note."""
    X = model.featurize(shipped_frame)
    targets = {t: shipped_frame[t].notna().to_numpy() for t in ("capacity_mah_g", "retention_pct")}
    dom = ApplicabilityDomain(min_sources=10**6).fit(shipped_frame, X, targets, None)
    assert shipped_frame["v_max"].max() < 4.9  # the premise
    frame = recipes_to_frame([Recipe(**TYPICAL | {"v_max": 4.9})])
    verdict = dom.assess(frame, model.featurize(frame))
    assert not verdict["in_domain"].iloc[0], verdict["domain_notes"].iloc[0]
    assert "v_max 4.9 V above training max" in verdict["domain_notes"].iloc[0]
