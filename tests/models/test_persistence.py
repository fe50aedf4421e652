"""A model directory: the pickled model and its readable metadata; clear errors otherwise."""

import json

import joblib
import pandas as pd
import pytest

from cathodeml.data.dataset import load_datacard
from cathodeml.errors import ModelNotFoundError
from cathodeml.models.persistence import META_FILE, MODEL_FILE, find_model_file, load_local_model, save_model


def test_directory_holds_the_model_and_its_metadata(model, model_dir, shipped_frame):
    assert sorted(p.name for p in model_dir.iterdir()) == sorted([MODEL_FILE, META_FILE])
    meta = json.loads((model_dir / META_FILE).read_text())
    assert meta["feature_set_version"] == model.featurizer.feature_set_version_
    assert meta["n_rows"] == len(shipped_frame)
    assert meta["data_sha256"] == load_datacard().sha256  # the model says which data it saw
    loaded = load_local_model(model_dir)
    pd.testing.assert_frame_equal(loaded.predict(shipped_frame.head(20)), model.predict(shipped_frame.head(20)))


def test_found_from_the_file_the_folder_or_a_train_out_folder(model_dir, tmp_path):
    out = tmp_path / "run"
    (out / "model").mkdir(parents=True)
    (out / "model" / MODEL_FILE).write_bytes((model_dir / MODEL_FILE).read_bytes())
    for where in (model_dir, model_dir / MODEL_FILE, out):
        assert find_model_file(where) is not None, where
    assert find_model_file(tmp_path / "empty") is None


def test_missing_model_says_what_to_pass(tmp_path):
    with pytest.raises(ModelNotFoundError, match="pass a directory written by `cathodeml train --out DIR`"):
        load_local_model(tmp_path)


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    joblib.dump({"not": "a model"}, tmp_path / MODEL_FILE)
    with pytest.raises(ModelNotFoundError, match="does not hold a CathodeModel"):
        load_local_model(tmp_path)


def test_save_creates_the_folder(model, tmp_path):
    d = save_model(model, tmp_path / "a" / "b")
    assert (d / MODEL_FILE).is_file() and json.loads((d / META_FILE).read_text()) == json.loads(json.dumps(model.meta, default=str))
