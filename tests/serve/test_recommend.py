"""recommend and screen: constraints hold, seeds repeat, the known optimum is found, Dask agrees."""

import numpy as np
import pandas as pd
import pytest

from cathodeml.models import CathodeModel
from cathodeml.models.persistence import load_local_model
from cathodeml.recommend.screen import screen
from cathodeml.recommend.search import RecommendConfig, recommend
from cathodeml.recommend.space import SearchSpace

SPACE = {
    "fixed": {"cathode": "NCM811", "electrolyte": "liquid", "cell_type": "half", "regen_method": "none"},
    "protocol": {"v_min": 2.8, "v_max": 4.3, "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100},
    "choices": {"coating": ["Al2O3", "none"]},
    "ranges": {"coating_wt_pct": {"min": 0.5, "max": 3.0, "step": 0.5}},
}


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return load_local_model(tiny_model_dir)


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
            "in_domain": True, "domain_notes": "",
        })


def test_recommend_finds_the_known_optimum():
    space = SearchSpace.from_dict(SPACE)
    cfg = RecommendConfig(objectives=(("retention_pct", True),), n=3, trials=60, population=10, seed=1)
    best = recommend(KnownOptimum(), space, cfg)
    assert best.iloc[0]["coating"] == "Al2O3" and best.iloc[0]["coating_wt_pct"] == 1.5


def test_screen_finds_the_known_optimum():
    space = SearchSpace.from_dict(SPACE)
    top = screen(KnownOptimum(), space, ("retention_pct", True), top=1, chunksize=3)
    assert top.iloc[0]["coating_wt_pct"] == 1.5


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


def test_screen_is_chunk_invariant_and_matches_dask(model):
    space = SearchSpace.from_dict(SPACE)
    a = screen(model, space, ("retention_pct", True), top=5, chunksize=4)
    b = screen(model, space, ("retention_pct", True), top=5, chunksize=1000)
    pd.testing.assert_frame_equal(a, b)
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is a dev dependency")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            c = screen(model, space, ("retention_pct", True), top=5, chunksize=4, client=client)
    pd.testing.assert_frame_equal(a, c)


def test_unknown_objective_target(model):
    space = SearchSpace.from_dict(SPACE)
    small = CathodeModel(model.featurizer, {"retention_pct": model.targets["retention_pct"]}, model.confidence, model.meta, model.domain)
    with pytest.raises(ValueError, match="not predicted by this model"):
        recommend(small, space, RecommendConfig(objectives=(("capacity_mah_g", True),), trials=5, population=5))
