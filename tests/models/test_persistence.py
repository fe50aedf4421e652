"""Model directories: written atomically, verified against their sha256 manifest before unpickling."""

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time

import pytest

from cathodeml.errors import ModelIntegrityError
from cathodeml.models.persistence import MANIFEST_FILE, MODEL_FILE, load_local_model, save_model
import joblib
import pandas as pd

from cathodeml.data.dataset import load_datacard
from cathodeml.errors import ModelNotFoundError
from cathodeml.models.persistence import META_FILE, find_model_file



@pytest.fixture
def copied_model_dir(tiny_model_dir, tmp_path):
    d = tmp_path / "model"
    shutil.copytree(tiny_model_dir / "model", d)
    return d


def test_save_writes_a_manifest_of_every_file(copied_model_dir, tmp_path):
    out = save_model(load_local_model(copied_model_dir), tmp_path / "saved")
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    assert set(manifest["files"]) == {MODEL_FILE, "model.json"}
    assert all(len(h) == 64 for h in manifest["files"].values())
    assert sorted(p.name for p in out.iterdir()) == sorted([MODEL_FILE, "model.json", MANIFEST_FILE])


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty"])
def test_a_damaged_model_file_is_refused_with_a_clear_message(copied_model_dir, damage):
    f = copied_model_dir / MODEL_FILE
    data = f.read_bytes()
    f.write_bytes({"flip": data[:100] + bytes([data[100] ^ 1]) + data[101:], "truncate": data[: len(data) // 2],
                   "empty": b""}[damage])
    with pytest.raises(ModelIntegrityError, match="sha256 manifest"):
        load_local_model(copied_model_dir)


class _Payload:
    def __reduce__(self):
        return (os.system, (f"touch {os.environ['CATHODEML_TEST_MARKER']}",))


def test_an_unlisted_pickle_is_never_unpickled(copied_model_dir, tmp_path, monkeypatch):
    """Replacing the model file with a crafted pickle: refused before it can run."""
    marker = tmp_path / "pwned"
    monkeypatch.setenv("CATHODEML_TEST_MARKER", str(marker))
    (copied_model_dir / MODEL_FILE).write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(ModelIntegrityError):
        load_local_model(copied_model_dir)
    assert not marker.exists()


def test_a_directory_without_manifest_is_refused(copied_model_dir):
    (copied_model_dir / MANIFEST_FILE).unlink()
    with pytest.raises(ModelIntegrityError, match="no sha256 manifest"):
        load_local_model(copied_model_dir)
    with pytest.raises(ModelIntegrityError):
        load_local_model(copied_model_dir / MODEL_FILE)  # the file itself: same check on its folder


def test_save_refuses_to_replace_a_folder_that_is_not_a_model(copied_model_dir, tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.docx").write_text("years of work")
    with pytest.raises(ModelIntegrityError, match="not a cathodeml model"):
        save_model(load_local_model(copied_model_dir), folder)
    assert (folder / "thesis.docx").read_text() == "years of work"


_WRITER = """
import sys
from cathodeml.models.persistence import load_local_model, save_model
m = load_local_model(sys.argv[1])
m.meta["padding"] = "x" * 40_000_000  # ~40 MB: each save takes long enough to be killed in the middle
i = 0
while True:
    print(f"saving {i}", flush=True)
    save_model(m, sys.argv[2])
    i += 1
"""


def test_kill_9_while_saving_leaves_the_previous_model_loadable(copied_model_dir, tmp_path):
    target = tmp_path / "target"
    save_model(load_local_model(copied_model_dir), target)  # the previous good model
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(copied_model_dir), str(target)],
                            stdout=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:  # the second save is under way: the first one completed
            if line.startswith("saving 1"):
                break
        time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    loaded = load_local_model(target)  # the previous model or the new one, whole either way
    assert loaded.targets
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("model", "target")]
    assert all(n.startswith(".target.") for n in leftovers)  # at most a staging folder, hidden beside it


# ---- the directory and how it is found ---------------------------------------------------------


def test_directory_holds_the_model_and_its_metadata(model, model_dir, shipped_frame):
    assert sorted(p.name for p in model_dir.iterdir()) == sorted([MODEL_FILE, META_FILE, MANIFEST_FILE])
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


def test_save_creates_the_folder(model, tmp_path):
    d = save_model(model, tmp_path / "a" / "b")
    assert (d / MODEL_FILE).is_file() and json.loads((d / META_FILE).read_text()) == json.loads(json.dumps(model.meta, default=str))


def test_a_model_of_another_feature_set_is_refused_by_name(copied_model_dir, tmp_path):
    """A model trained before its featurizers changed (e.g. before the coating amount got two more
    features) must not fail mid-predict with a broadcast error: loading says to retrain it."""
    import copy

    model = copy.deepcopy(load_local_model(copied_model_dir))
    model.featurizer.feature_set_version_ = "0123456789abcdef"  # what an older feature set stored
    out = save_model(model, tmp_path / "older")
    with pytest.raises(ModelIntegrityError, match=r"trained on another feature set \(fingerprint 0123456789abcdef.*retrain"):
        load_local_model(out)
