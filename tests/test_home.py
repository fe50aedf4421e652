"""Where runs live by default: one fact, created on first use, never at import."""

from pathlib import Path

from cathodeml.home import DEFAULT_RUNS_DIR, runs_dir, sqlite_uri


def test_default_and_override():
    assert runs_dir() == DEFAULT_RUNS_DIR == Path("cathodeml-runs")
    assert runs_dir("elsewhere") == Path("elsewhere")


def test_sqlite_uri_is_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sqlite_uri(Path("runs/mlflow.db")) == f"sqlite:///{tmp_path.resolve()}/runs/mlflow.db"
    assert not (tmp_path / "runs").exists()  # naming a place creates nothing
