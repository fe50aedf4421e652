"""Which MLflow store a command talks to: the option, else $MLFLOW_TRACKING_URI, else the runs
folder's sqlite file — handed to an explicit client, never set globally."""

from pathlib import Path

import pytest

from cathodeml.tracking.store import ENV, artifact_location, client, is_embedded, masked, resolve_tracking_uri


def test_the_option_beats_the_environment_which_beats_the_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("CATHODEML_HOME", str(tmp_path / "home"))
    assert resolve_tracking_uri() == f"sqlite:///{tmp_path.resolve()}/home/runs/mlflow.db" and is_embedded()
    assert resolve_tracking_uri(runs_dir="r") == f"sqlite:///{tmp_path.resolve()}/r/mlflow.db"
    monkeypatch.setenv(ENV, "http://127.0.0.1:5000")
    assert resolve_tracking_uri() == "http://127.0.0.1:5000" and not is_embedded()
    assert resolve_tracking_uri("sqlite:///x.db") == "sqlite:///x.db" and not is_embedded("sqlite:///x.db")
    assert not (tmp_path / "home").exists()  # resolving creates nothing


@pytest.mark.parametrize(
    ("uri", "expected"),
    [("sqlite:////data/runs/mlflow.db", "file:///data/runs/artifacts"),
     ("sqlite:////data/m.db?timeout=20", "file:///data/artifacts"),
     ("sqlite:///:memory:", None), ("http://127.0.0.1:5000", None), ("postgresql://u:p@db/mlflow", None)],
)
def test_a_sqlite_store_keeps_its_artifacts_beside_its_file(uri, expected):
    assert artifact_location(uri) == expected


def test_a_relative_sqlite_file_is_resolved_where_it_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert artifact_location("sqlite:///runs/m.db") == (tmp_path.resolve() / "runs" / "artifacts").as_uri()


def test_passwords_are_masked_in_messages():
    assert masked("postgresql://alice:s3cret@db:5432/mlflow") == "postgresql://alice:***@db:5432/mlflow"
    assert masked("sqlite:////tmp/m.db") == "sqlite:////tmp/m.db"


def test_the_client_uses_the_uri_for_tracking_and_registry(tracking_uri):
    c = client(tracking_uri)
    assert c.tracking_uri == tracking_uri and c._registry_uri == tracking_uri
    assert [e.name for e in c.search_experiments()] == ["Default"]
    assert Path(tracking_uri.removeprefix("sqlite:///")).is_file()
