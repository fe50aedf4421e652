"""`cathodeml serve`: the service is built around the loaded model and handed to the server.

The server loop itself is replaced by a stand-in that keeps what it was given (a real server on
loopback is started in tests/serve/test_api.py, test_shutdown.py and test_workers.py); the assertions
are on the app cathodeml built, or on the app a worker builds from what it was handed."""

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cathodeml.cli import app

RECIPE = {"cathode": "NCM811", "v_min": 2.8, "v_max": 4.3}


def test_serve_builds_the_app_around_the_model(model_dir, model, monkeypatch):
    import cathodeml.serve.server as server

    given = {}
    monkeypatch.setattr(server, "run", lambda application, host, port, **kw: given.update(app=application, host=host, port=port))
    res = CliRunner().invoke(app, ["serve", "--model", str(model_dir), "--port", "8123", "--max-batch", "2"])
    assert res.exit_code == 0, res.output
    assert (given["host"], given["port"]) == ("127.0.0.1", 8123)
    assert f"serving {model_dir} on http://127.0.0.1:8123" in res.output
    http = TestClient(given["app"])
    info = http.get("/model").json()
    assert info["model_uri"] == "local model directory" and info["data_sha256"] == model.meta["data_sha256"]
    assert http.post("/predict", json=[RECIPE] * 3).status_code == 413  # --max-batch reached the app


def test_workers_get_the_model_uri_and_the_limits(model_dir, model, monkeypatch):
    import cathodeml.serve.workers as workers

    given = {}
    monkeypatch.setattr(workers, "run_workers", lambda spec, n: given.update(spec=spec, n=n) or 0)
    res = CliRunner().invoke(app, ["serve", "--model", str(model_dir), "--workers", "2", "--max-batch", "2"])
    assert res.exit_code == 0, res.output
    assert given["n"] == 2 and "with 2 worker processes" in res.output
    http = TestClient(workers.build_app(given["spec"]))  # what each worker process builds
    assert http.get("/model").json()["data_sha256"] == model.meta["data_sha256"]
    assert http.post("/predict", json=[RECIPE] * 3).status_code == 413
    assert http.post("/predict", json=[RECIPE]).status_code == 200


def test_workers_must_be_at_least_one(model_dir):
    res = CliRunner().invoke(app, ["serve", "--model", str(model_dir), "--workers", "0"])
    assert res.exit_code == 2


def test_serve_without_a_model_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    res = CliRunner().invoke(app, ["serve"])
    assert res.exit_code == 1 and "run `cathodeml train` first" in res.output
