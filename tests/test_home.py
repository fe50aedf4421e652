"""One home for runs and datasets: $CATHODEML_HOME, else the platform's user data directory;
created on first use, never at import."""

from pathlib import Path

import platformdirs

from cathodeml.home import ENV, datasets_dir, home_dir, runs_dir, sqlite_uri


def test_the_environment_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, str(tmp_path / "h"))
    assert home_dir() == tmp_path / "h"
    assert runs_dir() == tmp_path / "h" / "runs" and datasets_dir() == tmp_path / "h" / "datasets"
    assert not (tmp_path / "h").exists()  # naming a place creates nothing


def test_without_it_the_platform_user_data_directory(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert home_dir() == Path(platformdirs.user_data_dir("cathodeml", appauthor=False))
    assert "cathodeml" in str(home_dir())


def test_explicit_folders_override_the_home():
    assert runs_dir("elsewhere") == Path("elsewhere") and datasets_dir("d") == Path("d")


def test_the_same_home_from_every_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    a = runs_dir()
    monkeypatch.chdir(Path("/"))
    assert runs_dir() == a and a.is_absolute()


def test_sqlite_uri_is_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sqlite_uri(Path("runs/mlflow.db")) == f"sqlite:///{tmp_path.resolve()}/runs/mlflow.db"
    assert not (tmp_path / "runs").exists()
