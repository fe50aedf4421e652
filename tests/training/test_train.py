"""End to end on a tiny synthetic table: training, determinism, CLI, MLflow round trip."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.data.io import read_recipes
from cathodeml.models import CathodeModel
from cathodeml.models.persistence import load_local_model
from cathodeml.training.config import TrainConfig
from cathodeml.training.reports import write_outputs
from cathodeml.training.train import train

FAST = {"n_estimators": 60}


@pytest.fixture
def frame(synthetic_csv):
    return read_recipes(synthetic_csv, dataset=True)


def test_train_end_to_end_beats_the_mean(frame, tmp_path):
    res = train(TrainConfig(xgboost=FAST), frame)
    for target in ("capacity_mah_g", "retention_pct"):
        g = res.metrics[target]["grouped"]
        assert g["xgboost"]["mae"] < g["dummy"]["mae"]
        assert g["xgboost"]["n"] == len(frame)
    paths = write_outputs(res, tmp_path / "out")
    metrics = json.loads(paths["metrics"].read_text())
    assert set(metrics["retention_pct"]) == {"grouped", "random"}
    assert set(metrics["retention_pct"]["grouped"]) == {"xgboost", "dummy", "ridge"}
    assert set(metrics["retention_pct"]["grouped"]["xgboost"]) == {"mae", "rmse", "r2", "coverage", "width", "n"}
    loaded = load_local_model(paths["model"])
    pd.testing.assert_frame_equal(loaded.predict(frame), res.model.predict(frame))
    assert (tmp_path / "out" / "plots" / "parity_retention_pct.png").stat().st_size > 1000


def test_same_seed_same_metrics_and_model(frame):
    a = train(TrainConfig(xgboost=FAST, targets=("retention_pct",)), frame)
    b = train(TrainConfig(xgboost=FAST, targets=("retention_pct",)), frame)
    assert a.metrics == b.metrics
    pd.testing.assert_frame_equal(a.model.predict(frame), b.model.predict(frame))


def test_predictions_are_ordered_intervals(frame):
    res = train(TrainConfig(xgboost=FAST), frame)
    pred = res.model.predict(frame)
    for t in ("capacity_mah_g", "retention_pct", "rct_ohm"):
        assert (pred[f"{t}_lower"] <= pred[f"{t}_pred"]).all()
        assert (pred[f"{t}_pred"] <= pred[f"{t}_upper"]).all()
    assert (pred["rct_ohm_lower"] > 0).all()  # log-space interval back-transformed


def test_treatment_effect_is_evaluated(frame):
    res = train(TrainConfig(xgboost=FAST, targets=("retention_pct",)), frame)
    te = res.treatment_effects["retention_pct"]["grouped"]["xgboost"]
    assert te["n_pairs"] > 0 and 0 <= te["sign_agreement"] <= 1


def test_tuning_is_nested_and_seeded(frame):
    cfg = TrainConfig(xgboost=FAST, targets=("capacity_mah_g",), tuning={"n_trials": 2})
    a = train(cfg, frame)
    b = train(cfg, frame)
    assert a.best_params == b.best_params and a.metrics == b.metrics


def test_cli_train_writes_model_and_logs_to_mlflow(synthetic_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    result = CliRunner().invoke(app, ["train", "--data", str(synthetic_csv), "--out", "out", "--tracking-uri", uri,
                                      "--n-trials", "1", "--targets", "retention_pct"])
    assert result.exit_code == 0, result.output
    assert "grp MAE" in result.output and "registered models:/cathodeml/1" in result.output
    import mlflow

    from cathodeml.tracking.pyfunc import to_signature_frame

    client = mlflow.MlflowClient(uri)
    runs = client.search_runs([client.get_experiment_by_name("cathodeml").experiment_id])
    children = [r for r in runs if "mlflow.parentRunId" in r.data.tags]
    assert len(children) == 1 and len(runs) == 2
    (parent,) = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]  # readable, tagged, described
    assert parent.info.run_name == f"train {synthetic_csv.name}, 60 rows, 1 Optuna trial per target"
    assert parent.data.tags["cathodeml.model_uri"] == "models:/cathodeml/1"
    assert "retention_pct" in parent.data.tags["mlflow.note.content"] and "MAE" in parent.data.tags["mlflow.note.content"]
    assert client.get_experiment_by_name("cathodeml").tags["mlflow.experimentKind"] == "custom_model_development"
    assert "mlflow ui --backend-store-uri" in result.output and "#/experiments/" in result.output
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    pyfunc = mlflow.pyfunc.load_model("models:/cathodeml/1")
    frame = read_recipes(synthetic_csv)
    direct = load_local_model(tmp_path / "out" / "model").predict(frame)
    via_mlflow = pyfunc.predict(to_signature_frame(frame))
    pd.testing.assert_frame_equal(via_mlflow.reset_index(drop=True), direct, check_dtype=False)
    assert {"in_domain", "domain_notes"} <= set(via_mlflow.columns)


def test_cli_train_rejects_unknown_target(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["train", "--targets", "voltage", "--no-mlflow", "--out", "o"])
    assert result.exit_code == 2
    assert "unknown target(s) ['voltage']" in result.output
