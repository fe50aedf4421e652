"""screen: every candidate of the grid in chunks, the same top K whatever the chunking or the
cluster."""

import numpy as np
import pandas as pd

from cathodeml.recommend.screen import score_chunk, screen
from cathodeml.recommend.space import SearchSpace
from tests.recommend.test_search import SPACE, KnownOptimum


def test_screen_finds_the_known_optimum():
    top = screen(KnownOptimum(), SearchSpace.from_dict(SPACE), ("retention_pct", True), top=1, chunksize=3)
    assert top.iloc[0]["coating_wt_pct"] == 1.5 and top.iloc[0]["coating"] == "Al2O3"


def test_minimising_and_top_k_order():
    space = SearchSpace.from_dict(SPACE)
    top = screen(KnownOptimum(), space, ("capacity_mah_g", False), top=3, chunksize=5)
    # capacity = 200 − 5·wt (upper bound +5 when minimising pessimistically); 3.0 wt% is out of domain
    assert top["coating_wt_pct"].tolist() == [2.5, 2.0, 1.5]


def test_a_chunk_keeps_only_feasible_candidates():
    space = SearchSpace.from_dict(SPACE | {"constraints": ["retention_pct >= 80"]})
    chunk = score_chunk(KnownOptimum(), space, 0, space.size, ("retention_pct", True), "pessimistic", False, 100)
    wt = space.candidates(chunk["grid_index"].to_numpy())["coating_wt_pct"]
    # lower bound 90 − 4(wt − 1.5)² − 5 ≥ 80 ⇔ |wt − 1.5| ≤ 1.12; 3.0 wt% is out of domain, uncoated gives 70 − 5
    assert sorted(wt) == [0.5, 1.0, 1.5, 2.0, 2.5]
    assert chunk["score"].is_monotonic_decreasing


def test_screen_is_chunk_invariant_and_matches_dask(model):
    space = SearchSpace.from_dict(SPACE)
    a = screen(model, space, ("retention_pct", True), top=5, chunksize=4)
    b = screen(model, space, ("retention_pct", True), top=5, chunksize=1000)
    pd.testing.assert_frame_equal(a, b)
    import distributed

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            c = screen(model, space, ("retention_pct", True), top=5, chunksize=4, client=client)
    pd.testing.assert_frame_equal(a, c)


def test_nothing_feasible_is_an_empty_table():
    space = SearchSpace.from_dict(SPACE | {"constraints": ["retention_pct >= 99"]})
    assert screen(KnownOptimum(), space, ("retention_pct", True)).empty
    assert np.all(np.isfinite(screen(KnownOptimum(), SearchSpace.from_dict(SPACE), ("retention_pct", True))["grid_index"]))


def test_a_recipe_is_screened_once_however_many_grid_numbers_name_it():
    # "none" coating empties coating_wt_pct: its 6 grid numbers are one uncoated recipe
    top = screen(KnownOptimum(), SearchSpace.from_dict(SPACE), ("capacity_mah_g", True), top=3)
    assert top["coating"].isna().sum() == 1, "the uncoated recipe once, not once per grid number"
    assert pd.isna(top.iloc[0]["coating"])  # the highest capacity: no coating
