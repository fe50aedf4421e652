"""`cathodeml train` and `cathodeml tune`: a config file that round-trips through a run, options
over it, a shared study whose best parameters `train --study-name` uses, clear errors."""

import json
from pathlib import Path

import optuna
import yaml
from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.cli.train import build_config
from cathodeml.models.persistence import load_local_model
from cathodeml.tracking.store import client
from cathodeml.training.config import TrainConfig
from tests.conftest import FAST_XGB, TINY_SPACE

runner = CliRunner()


def _config(tmp_path, csv, **extra) -> Path:
    doc = {"data": str(csv), "targets": ["retention_pct"], "n_splits": 2, "xgboost": FAST_XGB,
           "tuning": {"search_space": TINY_SPACE}, "runs_dir": str(tmp_path / "runs")} | extra
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_the_config_file_round_trips_through_a_run(synthetic_csv, tracking_uri, tmp_path):
    path = _config(tmp_path, synthetic_csv, out=str(tmp_path / "out"),
                   tracking={"uri": tracking_uri, "experiment": "lab", "registered_model": "lab-model"})
    res = runner.invoke(app, ["train", "--config", str(path)])
    assert res.exit_code == 0, res.output
    assert "grp MAE" in res.output and "registered models:/lab-model/1" in res.output
    c = client(tracking_uri)
    (run,) = [r for r in c.search_runs([c.get_experiment_by_name("lab").experiment_id])]
    logged = c.download_artifacts(run.info.run_id, "config.yaml", str(tmp_path))
    assert TrainConfig.from_yaml(logged) == TrainConfig.from_yaml(path)  # the run ran what the file says …
    assert build_config(logged) == build_config(path)  # … and its logged file, fed back, says the same
    assert (tmp_path / "out" / "model" / "cathodeml_model.joblib").is_file()


def test_options_override_the_file(synthetic_csv, tmp_path):
    path = _config(tmp_path, synthetic_csv, seed=3, tuning={"n_trials": 4, "study_name": "s"})
    cfg = build_config(path, seed=7, n_trials=1, tracking_uri="sqlite:///x.db", no_mlflow=True, targets=None)
    assert (cfg.seed, cfg.tuning.n_trials, cfg.tuning.study_name) == (7, 1, "s")
    assert (cfg.tracking.uri, cfg.tracking.enabled) == ("sqlite:///x.db", False)
    assert cfg.n_splits == 2 and cfg.targets == ("retention_pct",)  # from the file


def test_tune_into_a_shared_study_then_train_with_its_best_parameters(synthetic_csv, tmp_path):
    path = _config(tmp_path, synthetic_csv)
    storage = f"sqlite:///{tmp_path / 'optuna.db'}"
    res = runner.invoke(app, ["tune", "--target", "retention_pct", "--study-name", "lab", "--storage", storage,
                              "--n-trials", "2", "--config", str(path)])
    assert res.exit_code == 0, res.output
    assert "study lab-retention_pct: 2 trials, best grouped-CV MAE" in res.output
    best = optuna.load_study(study_name="lab-retention_pct", storage=storage).best_params
    res = runner.invoke(app, ["train", "--config", str(path), "--study-name", "lab", "--storage", storage,
                              "--no-mlflow", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    params = load_local_model(tmp_path / "out").meta["targets"]["retention_pct"]["params"]
    assert params == FAST_XGB | best, "train --study-name must use the shared study's best parameters"
    assert len(optuna.load_study(study_name="lab-retention_pct", storage=storage).trials) == 2  # used, not extended
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["retention_pct"]["grouped"]


def test_unknown_target_and_bad_file_are_usage_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["train", "--targets", "voltage", "--no-mlflow", "--out", "o"])
    assert result.exit_code == 2 and "unknown target(s) ['voltage']" in result.output
    (tmp_path / "bad.yaml").write_text("seed: abc\n", encoding="utf-8")
    result = runner.invoke(app, ["train", "--config", "bad.yaml"])
    assert result.exit_code == 2 and "seed: Input should be a valid integer" in result.output
    result = runner.invoke(app, ["train", "--no-mlflow"])
    assert result.exit_code == 2 and "--no-mlflow needs --out" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]  # nothing trained, nothing written
