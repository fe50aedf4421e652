"""One MLflow run through an explicit client: closed as FINISHED or FAILED, children nested,
parameters and metrics batched, files kept beside the store."""

import math

import pandas as pd
import pytest

from cathodeml.tracking.runs import start_run
from cathodeml.tracking.store import client


def test_a_run_finishes_or_fails_with_its_block(tracking_uri):
    with start_run("exp", "ok", tracking_uri=tracking_uri, tags={"k": "v"}, description="what it is") as good:
        pass
    with pytest.raises(RuntimeError), start_run("exp", "bad", tracking_uri=tracking_uri) as bad:
        raise RuntimeError("boom")
    c = client(tracking_uri)
    assert c.get_run(good.run_id).info.status == "FINISHED" and c.get_run(bad.run_id).info.status == "FAILED"
    tags = c.get_run(good.run_id).data.tags
    assert tags["k"] == "v" and tags["mlflow.note.content"] == "what it is"
    assert good.experiment_id == bad.experiment_id  # the experiment is created once, then found


def test_children_are_nested_and_fail_on_their_own(tracking_uri):
    with start_run("exp", "parent", tracking_uri=tracking_uri) as parent:
        with parent.child("ok", {"target": "t"}) as ok:
            ok.log_metrics({"m": 1.0})
        with pytest.raises(ValueError), parent.child("bad") as bad:
            raise ValueError
    c = client(tracking_uri)
    for r, status in ((ok, "FINISHED"), (bad, "FAILED")):
        run = c.get_run(r.run_id)
        assert run.data.tags["mlflow.parentRunId"] == parent.run_id and run.info.status == status
    assert c.get_run(parent.run_id).info.status == "FINISHED"


def test_parameters_and_metrics_in_batches(tracking_uri):
    params = {f"p{i:03d}": i for i in range(150)} | {"long": "x" * 7000, "listed": [1, 2]}
    with start_run("exp", "many", tracking_uri=tracking_uri) as r:
        r.log_params(params)
        r.log_metrics({f"m{i}": float(i) for i in range(600)} | {"not_measured": math.nan})
    data = client(tracking_uri).get_run(r.run_id).data
    assert len(data.params) == 152 and data.params["p149"] == "149" and data.params["listed"] == "[1, 2]"
    assert len(data.params["long"]) == 6000  # MLflow's limit
    assert len(data.metrics) == 600 and "not_measured" not in data.metrics  # NaN = not measured


def test_files_text_and_dataset(tracking_uri, tmp_path):
    f = tmp_path / "table.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    with start_run("exp", "files", tracking_uri=tracking_uri) as r:
        r.log_artifact(f, "tables")
        r.log_text("hello", "note.txt")
        r.log_dict({"a": 1}, "d.json")
        r.log_dataset(pd.DataFrame({"a": [1, 2]}), source=str(f), digest="0123456789abcdef0123", name="lab table")
    c = client(tracking_uri)
    assert {a.path for a in c.list_artifacts(r.run_id)} == {"tables", "note.txt", "d.json"}
    (ds,) = c.get_run(r.run_id).inputs.dataset_inputs
    assert (ds.dataset.name, ds.dataset.digest) == ("lab table", "0123456789abcdef")
    assert [t.value for t in ds.tags if t.key == "mlflow.data.context"] == ["training"]
    store_dir = tmp_path / "store"
    assert (store_dir / "artifacts").is_dir(), "artifacts beside the sqlite file"


def test_the_embedded_store_is_created_in_the_runs_folder(tmp_path, monkeypatch, _migrated_store):
    import shutil

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    (tmp_path / "runs").mkdir()
    shutil.copy(_migrated_store, tmp_path / "runs" / "mlflow.db")  # (skips the migrations)
    with start_run("exp", "embedded", runs_dir="runs") as r:
        pass
    assert r.tracking_uri == f"sqlite:///{(tmp_path / 'runs' / 'mlflow.db').resolve()}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs"]
    assert client(r.tracking_uri).get_experiment(r.experiment_id).artifact_location == (tmp_path / "runs" / "artifacts").resolve().as_uri()
