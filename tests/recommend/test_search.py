"""recommend: the known optimum is found, constraints hold, seeds repeat, settings are checked."""

import numpy as np
import pandas as pd
import pytest

from cathodeml.models import CathodeModel
from cathodeml.recommend.search import RecommendConfig, feasible, recommend, scores, top_treatments
from cathodeml.recommend.space import SearchSpace

SPACE = {
    "fixed": {"cathode": "NCM811", "electrolyte": "liquid", "cell_type": "half", "regen_method": "none"},
    "protocol": {"v_min": 2.8, "v_max": 4.3, "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100},
    "choices": {"coating": ["Al2O3", "none"]},
    "ranges": {"coating_wt_pct": {"min": 0.5, "max": 3.0, "step": 0.5}},
}


class KnownOptimum:
    """A stand-in predictor with a known optimum: retention peaks at 1.5 wt% Al2O3 (a test double for
    the *model*, not for the search under test)."""

    targets = {"retention_pct": None, "capacity_mah_g": None}

    def predict(self, frame, validate=True):
        wt = pd.to_numeric(frame["coating_wt_pct"]).fillna(0).to_numpy()
        coated = frame["coating"].notna().to_numpy()
        ret = np.where(coated, 90 - 4 * (wt - 1.5) ** 2, 70.0)
        cap = 200 - 5 * wt
        return pd.DataFrame({
            "retention_pct_pred": ret, "retention_pct_lower": ret - 5, "retention_pct_upper": ret + 5,
            "capacity_mah_g_pred": cap, "capacity_mah_g_lower": cap - 5, "capacity_mah_g_upper": cap + 5,
            "in_domain": wt != 3.0, "domain_notes": "",
        })


def test_recommend_finds_the_known_optimum():
    space = SearchSpace.from_dict(SPACE)
    cfg = RecommendConfig(objectives=(("retention_pct", True),), n=3, trials=60, population=10, seed=1)
    best = recommend(KnownOptimum(), space, cfg)
    assert best.iloc[0]["coating"] == "Al2O3" and best.iloc[0]["coating_wt_pct"] == 1.5
    assert best["retention_pct_lower"].is_monotonic_decreasing  # sorted by the first objective, pessimistic


def test_two_objectives_give_the_pareto_front():
    # retention peaks at 1.5 wt%, capacity falls with wt%: the front is uncoated, 0.5, 1.0 and 1.5 wt%
    cfg = RecommendConfig(objectives=(("retention_pct", True), ("capacity_mah_g", True)), trials=80, population=12, seed=2)
    front = recommend(KnownOptimum(), SearchSpace.from_dict(SPACE), cfg)
    assert sorted(front["coating_wt_pct"].fillna(0).tolist()) == [0.0, 0.5, 1.0, 1.5]


def test_out_of_domain_candidates_are_infeasible_unless_allowed():
    space = SearchSpace.from_dict(SPACE)
    cands = space.candidates(np.arange(space.size))
    preds = KnownOptimum().predict(cands)
    assert not feasible(space, cands, preds, "pessimistic", False)[cands["coating_wt_pct"] == 3.0].any()
    assert feasible(space, cands, preds, "pessimistic", True).all()
    vals = scores(space, RecommendConfig(objectives=(("capacity_mah_g", True),), risk="optimistic"), preds)
    np.testing.assert_allclose(vals[:, 0], preds["capacity_mah_g_upper"])


def test_constraints_hold_in_every_recommendation(model):
    space = SearchSpace.from_dict(SPACE | {"constraints": ["coating_wt_pct <= 1.0", "capacity_mah_g >= 100"]})
    cfg = RecommendConfig(objectives=(("retention_pct", True), ("capacity_mah_g", True)), trials=40, population=10)
    rec = recommend(model, space, cfg)
    assert not rec.empty
    coated = rec["coating"].notna()
    assert (rec.loc[coated, "coating_wt_pct"] <= 1.0).all()
    assert (rec["capacity_mah_g_lower"] >= 100).all()  # pessimistic: the lower bound meets the constraint
    assert rec["in_domain"].all()


def test_same_seed_same_recommendations(model):
    space = SearchSpace.from_dict(SPACE)
    cfg = RecommendConfig(objectives=(("retention_pct", True), ("capacity_mah_g", True)), trials=30, population=10, seed=7)
    pd.testing.assert_frame_equal(recommend(model, space, cfg), recommend(model, space, cfg))


def test_nothing_feasible_is_an_empty_table(model):
    space = SearchSpace.from_dict(SPACE | {"constraints": ["capacity_mah_g >= 340"]})
    assert recommend(model, space, RecommendConfig(objectives=(("retention_pct", True),), trials=10, population=5)).empty


def test_unknown_objective_target(model):
    space = SearchSpace.from_dict(SPACE)
    small = CathodeModel(model.featurizer, {"retention_pct": model.targets["retention_pct"]}, model.confidence, model.meta, model.domain)
    with pytest.raises(ValueError, match="not predicted by this model"):
        recommend(small, space, RecommendConfig(objectives=(("capacity_mah_g", True),), trials=5, population=5))


@pytest.mark.parametrize(("kw", "fragment"), [({"risk": "bold"}, "risk 'bold' is not one of"),
                                             ({"n": 0}, "must be ≥ 1"), ({"population": 1}, "population ≥ 2")])
def test_settings_are_checked(kw, fragment):
    with pytest.raises(ValueError, match=fragment):
        RecommendConfig(objectives=(("retention_pct", True),), **kw)


def test_top_treatments_name_groups_per_objective(model):
    cands = SearchSpace.from_dict(SPACE).candidates(np.array([0, 7]))
    tops = top_treatments(model, cands, k=2)
    assert list(tops.index) == list(cands.index)
    for line in tops:
        assert [part.split(":")[0] for part in line.split("; ")] == ["capacity_mah_g", "retention_pct", "rct_ohm"]
        assert line.count(",") == 3  # two groups per target
