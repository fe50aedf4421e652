"""`pipeline.run`: everything `cathodeml train` does, from a notebook — one MLflow run with the
config (which round-trips), the dataset, metrics, plots, one child run per Optuna trial, and the
packaged model, registered."""

import math
from pathlib import Path

from cathodeml.training.config import TrainConfig
from cathodeml.training.pipeline import run
from tests.conftest import FAST_XGB


def _run(tracked):
    return tracked.client.get_run(tracked.result.run_id)


def test_the_logged_config_gives_back_the_same_config(tracked_run, tmp_path):
    local = tracked_run.client.download_artifacts(tracked_run.result.run_id, "config.yaml", str(tmp_path))
    logged = TrainConfig.from_yaml(local)
    assert logged == tracked_run.config.with_default_storage()
    assert logged.tuning.storage.endswith("runs/optuna.db")  # the study's storage is part of what was run


def test_parameters_name_the_data_and_the_feature_set(tracked_run):
    params = _run(tracked_run).data.params
    assert params["seed"] == "42" and params["n_splits"] == "2"
    assert params["data_label"] == str(tracked_run.csv)
    assert params["feature_set_version"] == tracked_run.result.result.model.featurizer.feature_set_version_


def test_metrics_are_the_results_and_unmeasured_ones_are_left_out(tracked_run):
    logged = _run(tracked_run).data.metrics
    metrics = tracked_run.result.result.metrics
    assert logged["retention_pct.grouped.xgboost.mae"] == metrics["retention_pct"]["grouped"]["xgboost"]["mae"]
    assert logged["retention_pct.random.ridge.coverage"] == metrics["retention_pct"]["random"]["ridge"]["coverage"]
    flat = [(t, s, m, k) for t, ss in metrics.items() for s, ms in ss.items() for m, ks in ms.items() for k, v in ks.items()
            if not math.isnan(v)]
    assert len(logged) == len(flat)


def test_one_child_run_per_trial_of_the_final_study(tracked_run):
    client, run_id = tracked_run.client, tracked_run.result.run_id
    runs = client.search_runs([_run(tracked_run).info.experiment_id])
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == run_id]
    assert [r.info.run_name for r in children] == ["retention_pct-trial-0"]  # not the nested CV's trials
    for child in children:
        assert child.info.status == "FINISHED" and "grouped_cv_mae" in child.data.metrics
        assert child.data.params["max_depth"] in ("2", "3")


def test_artifacts_and_dataset_input(tracked_run):
    client, run_id = tracked_run.client, tracked_run.result.run_id
    top = {a.path for a in client.list_artifacts(run_id)}
    assert {"config.yaml", "cv_table.csv", "metrics.json", "treatment_effects.json", "best_params.json",
            "treatment_importance.json", "plots"} <= top
    assert {a.path for a in client.list_artifacts(run_id, "plots")} == {
        "plots/parity_retention_pct.png", "plots/global_treatment_importance.png"}
    (dataset,) = _run(tracked_run).inputs.dataset_inputs
    assert dataset.dataset.digest == tracked_run.result.data.sha256[:16]
    assert dataset.dataset.name == str(tracked_run.csv)


def test_the_model_is_registered_from_this_run(tracked_run):
    assert tracked_run.result.model_uri == "models:/cathodeml/1"
    version = tracked_run.client.get_model_version("cathodeml", "1")
    assert version.run_id == tracked_run.result.run_id
    assert _run(tracked_run).info.status == "FINISHED"


def test_artifacts_live_beside_the_store_not_in_the_working_directory(tracked_run):
    store = tracked_run.tracking_uri.removeprefix("sqlite:///")
    assert any((Path(store).parent / "artifacts").rglob("MLmodel"))
    assert tracked_run.cwd_files == [], "a run must not write into the folder it was started from"


def test_without_out_the_files_are_kept_in_mlflow_only(tracked_run):
    assert tracked_run.result.paths == {}
    assert tracked_run.tmp_files == [], "the temporary folder of the files is removed once they are logged"


def test_without_tracking_only_the_files_are_written(tracked_run, tmp_path):
    cfg = TrainConfig(data=str(tracked_run.csv), targets=("retention_pct",), n_splits=2, xgboost=FAST_XGB,
                      tracking={"enabled": False}, out=str(tmp_path / "out"), runs_dir=str(tmp_path / "runs"))
    res = run(cfg)
    assert (res.run_id, res.model_uri, res.tracking_uri) == (None, None, None)
    for name in ("model/cathodeml_model.joblib", "metrics.json", "cv_table.csv", "treatment_effects.json",
                 "plots/parity_retention_pct.png"):
        assert (tmp_path / "out" / name).is_file(), name
    assert res.paths["model"] == tmp_path / "out" / "model"
    assert not (tmp_path / "runs").exists()  # no study to keep, no store
