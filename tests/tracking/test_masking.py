"""Credentials in a tracking URI never reach a message (issue 14, item 3)."""

from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.tracking.store import masked

SECRET_URI = "postgresql://alice:s3cr3t-pw@127.0.0.1:1/mlflow"


def test_masked_hides_the_password():
    assert masked(SECRET_URI) == "postgresql://alice:***@127.0.0.1:1/mlflow"
    assert masked("sqlite:///runs/mlflow.db") == "sqlite:///runs/mlflow.db"


def test_train_with_an_unreachable_store_is_a_masked_message(synthetic_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["train", "--data", str(synthetic_csv), "--tracking-uri", SECRET_URI])
    assert res.exit_code == 1, res.output
    assert "s3cr3t-pw" not in res.output and "alice:***@" in res.output
    assert "Traceback" not in res.output


def test_loading_from_an_unreachable_store_is_a_masked_message(synthetic_csv, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", SECRET_URI)
    res = CliRunner().invoke(app, ["predict", str(synthetic_csv), "-o", str(tmp_path / "p.csv"),
                                   "--model", "models:/cathodeml/1"])
    assert res.exit_code == 1 and "s3cr3t-pw" not in res.output and "Traceback" not in res.output
