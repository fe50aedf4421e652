"""`mlflow models serve` on the registered model answers with the numbers of `cathodeml predict`."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cathodeml.cli import app

RECIPES = [
    {"cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": 1.0, "v_min": 2.8, "v_max": 4.3,
     "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100, "electrolyte": "liquid"},
    {"cathode": "NCM622", "v_min": 2.8, "v_max": 4.5, "capacity_c_rate": 1.0, "cycle_c_rate": 1.0, "cycles": 200},
]


def test_mlflow_models_serve_equals_cli_predict(synthetic_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    res = CliRunner().invoke(app, ["train", "--data", str(synthetic_csv), "--tracking-uri", uri,
                                   "--targets", "retention_pct", "--targets", "capacity_mah_g"])
    assert res.exit_code == 0, res.output
    cand = tmp_path / "cand.csv"
    pd.DataFrame(RECIPES).to_csv(cand, index=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    res = CliRunner().invoke(app, ["predict", str(cand), "-o", "pred.csv", "--model", "models:/cathodeml/1"])
    assert res.exit_code == 0, res.output
    cli = pd.read_csv(tmp_path / "pred.csv")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"MLFLOW_TRACKING_URI": uri, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.Popen([sys.executable, "-m", "mlflow", "models", "serve", "-m", "models:/cathodeml/1",
                             "--env-manager", "local", "-p", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                pytest.fail("mlflow models serve did not start: " + proc.stdout.read1(4000).decode(errors="replace"))
            time.sleep(0.5)
        r = httpx.post(f"http://127.0.0.1:{port}/invocations", json={"dataframe_records": RECIPES}, timeout=30)
        assert r.status_code == 200, r.text
        served = pd.DataFrame(r.json()["predictions"])
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    for col in ("capacity_mah_g_pred", "capacity_mah_g_lower", "retention_pct_pred", "retention_pct_upper"):
        np.testing.assert_allclose(served[col], cli[col], rtol=1e-5)
    assert list(served["in_domain"]) == list(cli["in_domain"])
