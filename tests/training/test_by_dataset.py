"""Metrics on a lab's own rows (same folds as the headline, beside the lab's own mean and the model
that never saw the lab), and Rct from a lab's EIS: not validated until it has the rows and the
sources, then validated across the lab's batches with an interval."""

from __future__ import annotations

import numpy as np
import pytest

from cathodeml.data.labs import LabStore
from cathodeml.training.by_dataset import LAB_MEAN, LITERATURE_ONLY, annotate, dataset_metrics, validation_status
from cathodeml.training.config import TrainConfig
from cathodeml.training.datasets import load_data
from cathodeml.training.train import train
from tests.conftest import synthetic_recipes
from tests.lab_tables import lab_table, write

CFG = TrainConfig(xgboost={"n_estimators": 40}, n_splits=3)
# Inside what every row has seen, outside the Rct rows (coated with Al2O3 only).
OUTSIDE = dict(cathode="NCM811", coating="LiAlO2", coating_wt_pct=1.0, regen_method="none", electrolyte="liquid",
               cell_type="half", v_min=2.8, v_max=4.3, capacity_c_rate=0.1, cycle_c_rate=1.0, cycles=100,
               rct_after_cycles=100)


@pytest.fixture
def papers(tmp_path):
    """Five 'papers'; Rct measured in one of them only, as in the shipped literature (the others
    coat with LiAlO2 where it and the lab coat with Al2O3)."""
    df = synthetic_recipes(n_sources=5, per_source=6)
    only = df["source"] == "10.0000/synthetic.0"
    df.loc[~only, ["rct_ohm", "rct_after_cycles"]] = None
    df.loc[~only & (df["coating"] == "Al2O3"), "coating"] = "LiAlO2"
    return write(df, tmp_path / "papers.csv")


def _fit(papers, targets, evaluate=True):
    cfg = CFG.updated(targets=list(targets))
    data = load_data([str(papers), "lab:demo"])
    return cfg, data, train(cfg, data.frame, weight=data.weight, evaluate=evaluate)


def test_lab_rows_metrics_are_the_same_folds_beside_their_baselines(papers, tmp_path):
    LabStore().add(write(lab_table(3, 4, rct=False), tmp_path / "lab.csv"), "demo")
    cfg, data, res = _fit(papers, ["capacity_mah_g"])
    by = dataset_metrics(res, data, cfg)["capacity_mah_g"]
    assert set(by) == {str(papers), "lab:demo"} and by["lab:demo"]["n"] == 12
    oof = res.oof["capacity_mah_g"]["grouped"]["xgboost"]
    lab = data.origin[data.frame["capacity_mah_g"].notna().to_numpy()] == "lab:demo"
    assert by["lab:demo"]["grouped"]["xgboost"]["mae"] == pytest.approx(np.mean(np.abs(oof.pred[lab] - oof.y[lab])))
    # the lab's own mean: each fold's lab rows predicted by the lab rows of the other folds
    y, fold = oof.y[lab], oof.fold[lab]
    own = np.array([y[fold != f].mean() for f in fold])
    assert by["lab:demo"]["grouped"][LAB_MEAN]["mae"] == pytest.approx(np.mean(np.abs(own - y)))
    assert {"dummy", "ridge"} <= set(by["lab:demo"]["grouped"])
    assert LAB_MEAN not in by[str(papers)]["grouped"]
    assert by["lab:demo"][LITERATURE_ONLY]["n"] == 12  # the model that never saw a lab row


def test_rct_from_a_lab_is_not_validated_until_it_has_the_rows(papers, tmp_path):
    store = LabStore()
    store.add(write(lab_table(1, 4), tmp_path / "b1.csv"), "demo")  # 6 + 4 = 10 Rct rows from 2 sources
    cfg, data, res = _fit(papers, ["rct_ohm"], evaluate=False)
    status = validation_status(res, cfg, data.frame)["rct_ohm"]
    assert (status["rows"], status["sources"], status["validated"], status["interval"]) == (10, 2, False, False)
    assert "not validated across papers" in status["note"] and "fewer than 11 rows" in status["note"]
    p = res.model.predict(_recipe(res))
    assert np.isnan(p["rct_ohm_lower"]).all()
    assert "rct_ohm model: outside its 10 training recipes (2 sources, fewer than 11 rows, not validated across papers)" \
        in p["domain_notes"].iloc[0]
    assert p["in_domain"].iloc[0]  # a target that is not validated notes but never decides

    store.add(write(lab_table(1, 4, first_batch=2, seed=8), tmp_path / "b2.csv"), "demo")  # 14 rows, 3 sources
    cfg, data, res = _fit(papers, ["rct_ohm"])
    annotate(res, data, cfg)
    status = res.diagnostics["rct_ohm"]["validation"]
    assert (status["rows"], status["sources"], status["validated"], status["interval"]) == (14, 3, True, True)
    assert "validated by grouped CV" in status["note"]
    lab_metrics = res.diagnostics["rct_ohm"]["by_dataset"]["lab:demo"]["grouped"]["xgboost"]
    assert lab_metrics["n"] == 8 and np.isfinite(lab_metrics["mae"])  # validated on the lab's own batches
    p = res.model.predict(_recipe(res))
    assert np.isfinite(p["rct_ohm_lower"]).all() and (p["rct_ohm_lower"] < p["rct_ohm_upper"]).all()
    assert "not validated" not in p["domain_notes"].iloc[0]
    assert "rct_ohm model: coating element Li never seen in training" in p["domain_notes"].iloc[0]
    assert not p["in_domain"].iloc[0]  # now it decides


def _recipe(res):
    import pandas as pd

    from cathodeml.data.rules import check_frame

    return check_frame(pd.DataFrame([OUTSIDE]).astype(str)).frame
