"""`cathodeml serve`: the service is built around the loaded model and handed to uvicorn.

The server loop (``cathodeml.serve.server.run``) is replaced by a stand-in that keeps what it was
given (a real server on loopback is started in tests/serve/test_api.py and test_shutdown.py); the
assertions are on the app cathodeml built."""

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cathodeml.cli import app


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
    assert info["model_uri"] == "local model directory"  # no filesystem path leaves the server
    assert info["data_sha256"] == model.meta["data_sha256"]
    recipe = {"cathode": "NCM811", "v_min": 2.8, "v_max": 4.3}
    assert http.post("/predict", json=[recipe] * 3).status_code == 413  # --max-batch reached the app


def test_serve_without_a_model_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    res = CliRunner().invoke(app, ["serve"])
    assert res.exit_code == 1 and "run `cathodeml train` first" in res.output
