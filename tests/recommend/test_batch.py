"""recommend --batch: acquisition on the interval, K picks kept apart in the model's feature space,
measured recipes not proposed again, and a table that goes back in through `data add`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cathodeml.data.labs import LabStore
from cathodeml.errors import RecipeValidationError
from cathodeml.models.persistence import load_local_model
from cathodeml.recommend.batch import (MADE_SHARE, BatchConfig, acquisition, coordinates, fill_in_table, next_batch_name, propose,
                                       propose_from_space)
from cathodeml.recommend.space import SearchSpace

SPACE = {
    "fixed": {"cathode": "NCM811", "regen_method": "none", "electrolyte": "liquid",
              "cell_type": "half"},
    "protocol": {"v_min": 2.8, "v_max": 4.3, "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100,
                 "rct_after_cycles": 100},
    "choices": {"coating": ["Al2O3", "none"], "cathode": ["NCM622", "NCM811", "NCM90"]},
    "ranges": {"coating_wt_pct": {"min": 0.5, "max": 3.0, "step": 0.5}},
}


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return load_local_model(tiny_model_dir)


@pytest.fixture(scope="module")
def space():
    doc = dict(SPACE, fixed={k: v for k, v in SPACE["fixed"].items() if k != "cathode"})
    return SearchSpace.from_dict(doc)


def _preds(t, pred, lower, upper):
    return pd.DataFrame({f"{t}_pred": pred, f"{t}_lower": lower, f"{t}_upper": upper})


def test_ucb_uses_the_unclipped_half_width_and_ei_the_incumbent():
    preds = _preds("retention_pct", [80.0, 85.0, 90.0], [60.0, 80.0, np.nan], [100.0, 90.0, np.nan])
    ucb = acquisition(preds, BatchConfig(("retention_pct", True)), 0.9, None)
    assert ucb == pytest.approx([100.0, 90.0, 90.0])  # 80 ± 20 clipped at 100 is still 20 wide; no interval: no bonus
    assert acquisition(preds, BatchConfig(("retention_pct", True), kappa=0.5), 0.9, None) == pytest.approx([90, 87.5, 90])
    assert acquisition(preds, BatchConfig(("retention_pct", True), acquisition="mean"), 0.9, None) == pytest.approx([80, 85, 90])
    ei = acquisition(preds, BatchConfig(("retention_pct", True), acquisition="ei"), 0.9, 85.0)
    assert ei[0] > 0 and ei[1] > 0 and ei[2] == pytest.approx(5.0)  # no interval: the plain improvement
    assert ei[0] > ei[1]  # a wide interval can beat a better but certain prediction
    with pytest.raises(ValueError, match="best value measured so far"):
        acquisition(preds, BatchConfig(("retention_pct", True), acquisition="ei"), 0.9, None)


def test_a_quantity_to_minimise_is_scored_in_its_log_space():
    preds = _preds("rct_ohm", [100.0, 50.0], [10.0, 40.0], [1000.0, 62.5])
    score = acquisition(preds, BatchConfig(("rct_ohm", False)), 0.9, None)
    assert score == pytest.approx([-2 + 1, -np.log10(50) + np.log10(50 / 40)])


def test_picks_are_diverse_in_domain_and_ordered_by_acquisition(model, space):
    batch = propose_from_space(model, space, BatchConfig(("retention_pct", True), k=4), risk="mean")
    table = batch.table
    assert len(table) == 4 and table["in_domain"].all()
    assert list(table["acquisition"]) == sorted(table["acquisition"], reverse=True)
    pts = coordinates(model, table, "retention_pct")
    gaps = [np.linalg.norm(pts[i] - pts[j]) for i in range(4) for j in range(i)]
    assert min(gaps) >= batch.min_distance > 0
    assert batch.n_candidates == space.size
    greedy = propose_from_space(model, space, BatchConfig(("retention_pct", True), k=4, min_distance=0.0), risk="mean")
    top = greedy.table["acquisition"].to_numpy()
    assert top[0] == table["acquisition"].iloc[0]  # the best candidate is always the first pick
    assert top.sum() >= table["acquisition"].sum()  # diversity costs acquisition, never gains it


def test_measured_recipes_are_not_proposed_again(model, space):
    cfg = BatchConfig(("retention_pct", True), k=2, min_distance=0.5)
    first = propose_from_space(model, space, cfg, risk="mean").table
    measured = first.iloc[:1].assign(retention_pct=88.0, record_id="demo-b01-01", source="lab:demo/batch-01")
    second = propose_from_space(model, space, cfg, measured=measured, risk="mean")
    pts = coordinates(model, second.table, "retention_pct")
    made = coordinates(model, measured, "retention_pct")
    assert (np.linalg.norm(pts - made[0], axis=1) >= MADE_SHARE * second.min_distance).all()  # no near-repeat
    ei = propose_from_space(model, space, BatchConfig(("retention_pct", True), k=2, acquisition="ei"), measured=measured)
    assert ei.best == 88.0  # the lab's own best is the incumbent


def test_out_of_domain_candidates_only_when_allowed(model):
    frame = pd.DataFrame([{"cathode": "NCM811", "coating": c, "coating_wt_pct": 1.0, "regen_method": "none",
                           "electrolyte": "liquid", "cell_type": "half", "v_min": 2.8, "v_max": 4.3, "cycle_c_rate": 1.0,
                           "cycles": 100} for c in ("Al2O3", "CeO2")]).astype(str)
    inside = propose(model, frame, BatchConfig(("retention_pct", True), k=2, min_distance=0.0))
    assert list(inside.table["coating"]) == ["Al2O3"] and inside.n_eligible == 1
    both = propose(model, frame, BatchConfig(("retention_pct", True), k=2, min_distance=0.0, allow_out_of_domain=True))
    assert len(both.table) == 2


def test_the_fill_in_table_goes_back_in_through_data_add(model, space, tmp_path):
    batch = propose_from_space(model, space, BatchConfig(("retention_pct", True), k=3), risk="mean")
    table = fill_in_table(batch, lab="demo", batch_name="batch-03", objective=("retention_pct", True),
                          acquisition_name="ucb")
    assert list(table["record_id"]) == ["demo-batch-03-01", "demo-batch-03-02", "demo-batch-03-03"]
    assert set(table["source"]) == {"lab:demo/batch-03"}
    assert table[["capacity_mah_g", "retention_pct", "rct_ohm"]].isna().all().all()
    assert "retention_pct_pred" in table and "proposed by cathodeml recommend --batch" in table["notes"].iloc[0]
    path = tmp_path / "batch-03.csv"
    table.to_csv(path, index=False)
    with pytest.raises(RecipeValidationError, match="has no measured target"):
        LabStore().add(path, "demo")  # not measured yet: refused, nothing stored
    assert not LabStore().exists("demo")
    table.assign(retention_pct=[91.0, 88.5, 90.2]).drop(index=2).to_csv(path, index=False)  # one was not made
    added = LabStore().add(path, "demo")
    stored = LabStore().get("demo").load()
    assert added.version.rows == 2 and "retention_pct_pred" not in stored  # predictions are not stored
    assert next_batch_name("demo", stored) == "batch-04"
    assert next_batch_name("demo", None) == "batch-01"


def test_another_targets_narrow_domain_does_not_exclude_a_candidate(tmp_path):
    """A lab's few EIS rows make a validated Rct model that has only seen Al2O3; a LiAlO2 coating
    the retention model knows stays eligible for a retention batch (and its notes say why Rct
    would not trust it)."""
    from cathodeml.data.rules import check_frame
    from cathodeml.training.config import TrainConfig
    from cathodeml.training.datasets import load_data
    from cathodeml.training.train import train
    from tests.conftest import synthetic_recipes
    from tests.lab_tables import lab_table, write

    papers = synthetic_recipes(n_sources=4, per_source=6)
    papers[["rct_ohm", "rct_after_cycles"]] = None
    papers.loc[papers["coating"] == "Al2O3", "coating"] = "LiAlO2"
    LabStore().add(write(lab_table(3, 4), tmp_path / "lab.csv"), "demo")  # 12 Rct rows, 3 batches, Al2O3
    data = load_data([str(write(papers, tmp_path / "papers.csv")), "lab:demo"])
    model = train(TrainConfig(xgboost={"n_estimators": 40}, targets=("retention_pct", "rct_ohm")), data.frame,
                  evaluate=False).model
    frame = check_frame(pd.DataFrame([{"cathode": "NCM811", "coating": "LiAlO2", "coating_wt_pct": 1.0,
                                       "regen_method": "none", "electrolyte": "liquid", "cell_type": "half",
                                       "v_min": 2.8, "v_max": 4.3, "cycle_c_rate": 1.0, "cycles": 100,
                                       "rct_after_cycles": 100}]).astype(str)).frame
    batch = propose(model, frame, BatchConfig(("retention_pct", True), k=1), validate=False)
    assert len(batch.table) == 1 and not batch.table["in_domain"].iloc[0]
    assert "rct_ohm model: coating element Li never seen" in batch.table["domain_notes"].iloc[0]
    rct = propose(model, frame, BatchConfig(("rct_ohm", False), k=1), validate=False)
    assert rct.table.empty  # for an Rct batch the Rct model's domain does decide
