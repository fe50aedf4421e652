"""Two trainings at once on a new sqlite MLflow store both succeed (issue 14, item 5)."""

import subprocess
import sys

import mlflow

from tests.conftest import synthetic_recipes

TINY = "targets: [retention_pct]\nn_splits: 2\nxgboost: {n_estimators: 5}\n"


def test_two_trainings_at_once_on_a_new_sqlite_store(tmp_path):
    data = tmp_path / "recipes.csv"
    synthetic_recipes(n_sources=3, per_source=6).to_csv(data, index=False)
    config = tmp_path / "tiny.yaml"
    config.write_text(TINY)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    cmd = [sys.executable, "-m", "cathodeml.cli", "train", "--data", str(data), "--config", str(config),
           "--tracking-uri", uri]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    for p, out in zip(procs, outputs):
        assert p.returncode == 0, out[-3000:]
        assert "Traceback" not in out
    client = mlflow.MlflowClient(uri)
    versions = client.search_model_versions("name='cathodeml'")
    assert sorted(int(v.version) for v in versions) == [1, 2]
