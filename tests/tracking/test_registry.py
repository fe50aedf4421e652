"""Loading a model from what a user types after --model: a folder, a file or an MLflow URI."""

import pandas as pd
import pytest

from cathodeml import load_model
from cathodeml.errors import ModelNotFoundError
from cathodeml.tracking.registry import is_mlflow_uri, latest_version_uri
from cathodeml.tracking.registry import load_model as registry_load
from tests.conftest import synthetic_frame


def test_load_from_out_dir_and_model_subdir(tiny_model_dir, synthetic_training):
    frame = synthetic_frame(n_sources=1, per_source=5, seed=2)
    for where in (tiny_model_dir, tiny_model_dir / "model", tiny_model_dir / "model" / "cathodeml_model.joblib"):
        m = load_model(where)
        assert m.meta["data_sha256"] == synthetic_training.data_sha256 != ""
        pd.testing.assert_frame_equal(m.predict(frame), synthetic_training.model.predict(frame))


def test_missing_model_says_what_to_do(tmp_path):
    with pytest.raises(ModelNotFoundError, match="pass a directory written by `cathodeml train --out DIR`"):
        load_model(tmp_path)


def test_no_local_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    with pytest.raises(ModelNotFoundError, match="run `cathodeml train` first"):
        load_model()
    assert list(tmp_path.iterdir()) == []  # looking creates no store


def test_mlflow_uris_are_recognised():
    assert all(map(is_mlflow_uri, ("models:/cathodeml/1", "models:/cathodeml@champion", "runs:/abc/model")))
    assert not is_mlflow_uri("cathodeml-model") and not is_mlflow_uri(None)


def test_registered_version_alias_and_latest_load_the_trained_model(tracked_run):
    frame = synthetic_frame(n_sources=1, per_source=5, seed=2)
    expected = tracked_run.result.result.model.predict(frame)
    uri = tracked_run.tracking_uri
    tracked_run.client.set_registered_model_alias("cathodeml", "champion", "1")
    assert latest_version_uri(uri) == "models:/cathodeml/1"
    for model_uri in ("models:/cathodeml/1", "models:/cathodeml@champion", None):
        pd.testing.assert_frame_equal(registry_load(model_uri, tracking_uri=uri).predict(frame), expected)


def test_the_environment_names_the_store(tracked_run, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracked_run.tracking_uri)
    assert load_model("models:/cathodeml/1").meta == tracked_run.result.result.model.meta


@pytest.mark.parametrize(("model_uri", "fragment"), [
    ("models:/cathodeml/99", "models:/cathodeml/99: cannot load a cathodeml model from MLflow"),
    ("models:/cathodeml", "write models:/NAME/VERSION or models:/NAME@ALIAS"),
])
def test_a_wrong_uri_says_which_and_why(tracked_run, model_uri, fragment):
    with pytest.raises(ModelNotFoundError, match=fragment):
        registry_load(model_uri, tracking_uri=tracked_run.tracking_uri)


def test_no_registered_model_in_a_store(tracking_uri):
    with pytest.raises(ModelNotFoundError, match="no registered model 'cathodeml' at sqlite:"):
        registry_load(None, tracking_uri=tracking_uri)
