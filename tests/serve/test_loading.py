import pytest

from cathodeml import load_model
from cathodeml.errors import ModelNotFoundError


def test_load_from_out_dir_and_model_subdir(tiny_model_dir):
    a = load_model(tiny_model_dir)
    b = load_model(tiny_model_dir / "model")
    assert a.meta["data_sha256"] == b.meta["data_sha256"]


def test_missing_model_says_what_to_do(tmp_path):
    with pytest.raises(ModelNotFoundError, match="pass a directory written by `cathodeml train --out DIR`"):
        load_model(tmp_path)


def test_no_local_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    with pytest.raises(ModelNotFoundError, match="run `cathodeml train` first"):
        load_model()
