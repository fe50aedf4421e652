"""`train` on the synthetic table of known trends: the model beats its baselines, intervals are
ordered, treatment effects are scored, results repeat, and `evaluate=False` gives the same model.

Most tests read one shared cross-validated training (``synthetic_training``); the few that must
train again use small models.
"""

import hashlib

import numpy as np
import pandas as pd
import pytest

from cathodeml.data.dataset import load_datacard
from cathodeml.training.config import TrainConfig
from cathodeml.training.train import cv_table, load_training_data, train, tune_target
from tests.conftest import FAST_XGB, SYNTHETIC_CONFIG_KW, TINY_SPACE, synthetic_frame


@pytest.fixture(scope="module")
def frame():
    return synthetic_frame()


@pytest.mark.parametrize("target", ["capacity_mah_g", "retention_pct"])
def test_the_model_beats_the_mean_on_new_papers(synthetic_training, frame, target):
    g = synthetic_training.metrics[target]["grouped"]
    assert g["xgboost"]["mae"] < g["dummy"]["mae"], f"{target}: grouped-CV MAE {g['xgboost']['mae']:.3g} vs mean {g['dummy']['mae']:.3g}"
    assert g["xgboost"]["n"] == len(frame)


def test_every_split_model_and_metric_is_reported(synthetic_training):
    m = synthetic_training.metrics
    assert set(m) == {"capacity_mah_g", "retention_pct", "rct_ohm"}
    assert set(m["retention_pct"]) == {"grouped", "random"}
    assert set(m["retention_pct"]["grouped"]) == {"xgboost", "dummy", "ridge"}
    assert set(m["retention_pct"]["grouped"]["xgboost"]) == {"mae", "rmse", "r2", "coverage", "width", "n"}
    table = cv_table(m)
    assert len(table) == 3 * 2 * 3 and {"target", "split", "model", "mae", "coverage"} <= set(table.columns)


def test_predictions_are_ordered_intervals(synthetic_training, frame):
    pred = synthetic_training.model.predict(frame)
    for t in ("capacity_mah_g", "retention_pct", "rct_ohm"):
        assert (pred[f"{t}_lower"] <= pred[f"{t}_pred"]).all(), t
        assert (pred[f"{t}_pred"] <= pred[f"{t}_upper"]).all(), t
    assert (pred["rct_ohm_lower"] > 0).all(), "log-space interval back-transformed stays positive"


def test_treatment_effects_are_scored_against_the_papers_controls(synthetic_training):
    effects = synthetic_training.treatment_effects
    for t in ("capacity_mah_g", "retention_pct"):
        te = effects[t]["grouped"]
        assert te["xgboost"]["n_pairs"] > 0, t
        assert te["xgboost"]["mae"] < te["dummy"]["mae"], f"{t}: the model must predict treatment effects better than none"
    # The mean predicts one value per test fold, and a paper's treated and control rows share a fold
    # under grouped CV: it predicts no difference, so it never has the sign of a measured one
    # (capacity: no two synthetic values tie, unlike retention clipped at 100 %).
    assert effects["capacity_mah_g"]["grouped"]["dummy"]["sign_agreement"] == 0.0
    # synthetic Rct: coated rows measured after 100 cycles, uncoated before cycling — no pair shares a protocol
    assert effects["rct_ohm"]["grouped"]["xgboost"]["n_pairs"] == 0


def test_same_seed_same_metrics_and_model(synthetic_training, frame):
    # Targets are trained independently: retention alone must repeat the shared run's retention.
    again = train(TrainConfig(**SYNTHETIC_CONFIG_KW, targets=("retention_pct",)), frame)
    assert again.metrics["retention_pct"] == synthetic_training.metrics["retention_pct"]
    np.testing.assert_array_equal(again.model.targets["retention_pct"].predict_interval(again.model.featurize(frame)),
                                  synthetic_training.model.targets["retention_pct"].predict_interval(again.model.featurize(frame)))


def test_evaluate_false_fits_the_same_final_model_without_cv(synthetic_training, frame):
    res = train(TrainConfig(**SYNTHETIC_CONFIG_KW), frame, evaluate=False)
    assert res.metrics == {} and res.oof == {} and res.treatment_effects == {}
    assert res.model.meta["metrics"] == {}
    pd.testing.assert_frame_equal(res.model.predict(frame), synthetic_training.model.predict(frame))


def test_tuning_is_nested_and_seeded(frame):
    cfg = TrainConfig(xgboost=FAST_XGB, targets=("capacity_mah_g",), n_splits=2,
                      tuning={"n_trials": 1, "search_space": TINY_SPACE})
    a, b = train(cfg, frame), train(cfg, frame)
    assert a.best_params == b.best_params and a.metrics == b.metrics
    assert a.best_params["capacity_mah_g"]["max_depth"] in (2, 3)
    assert a.best_params["capacity_mah_g"]["n_estimators"] == FAST_XGB["n_estimators"]  # the config's, under the search
    assert a.model.meta["targets"]["capacity_mah_g"]["params"] == a.best_params["capacity_mah_g"]


def test_a_target_with_too_few_rows_is_left_out_and_none_is_an_error(frame):
    few = frame.assign(rct_ohm=np.where(np.arange(len(frame)) < 2, 50.0, np.nan))
    res = train(TrainConfig(xgboost=FAST_XGB, targets=("retention_pct", "rct_ohm"), n_splits=2), few, evaluate=False)
    assert set(res.model.targets) == {"retention_pct"}
    with pytest.raises(ValueError, match="no target among \\('rct_ohm',\\) has at least 3 measured rows"):
        train(TrainConfig(targets=("rct_ohm",)), few, evaluate=False)


def test_metadata_says_what_was_trained_on(synthetic_training, frame, synthetic_csv):
    meta = synthetic_training.model.meta
    assert meta["data_sha256"] == hashlib.sha256(synthetic_csv.read_bytes()).hexdigest()  # the fixture's CSV
    assert (meta["n_rows"], meta["n_sources"]) == (60, 6)
    assert meta["targets"]["rct_ohm"]["transform"] == "log10" and meta["targets"]["retention_pct"]["transform"] == "fade"
    assert meta["targets"]["capacity_mah_g"]["transform"] == "identity"
    assert meta["targets"]["retention_pct"]["n_train"] == 60
    assert meta["feature_set_version"] == synthetic_training.model.featurizer.feature_set_version_


def test_shipped_training_data_is_labelled_and_fingerprinted():
    data = load_training_data(None)
    card = load_datacard()
    assert data.label == f"cathodeml-literature v{card.version}"
    assert data.sha256 == card.sha256 and len(data.frame) == card.row_count


def test_tune_target_fills_a_named_study(frame):
    cfg = TrainConfig(xgboost=FAST_XGB, n_splits=2, tuning={"n_trials": 2, "search_space": TINY_SPACE})
    tuned = tune_target(cfg, frame, "retention_pct", "lab")
    assert (tuned.study_name_, tuned.n_trials_) == ("lab-retention_pct", 2)
    with pytest.raises(ValueError, match="rct_ohm: 0 measured rows; tuning needs at least 3"):
        tune_target(cfg, frame.assign(rct_ohm=np.nan), "rct_ohm", "lab")
