"""Lineage in the MLflow store: each dataset a dataset input (name, digest, rows per source), the
versions as run and model-version tags, and the runs of a lab found again by those tags."""

from __future__ import annotations

import json

from cathodeml.data.labs import LabStore
from cathodeml.home import runs_dir
from cathodeml.tracking.lineage import lineage_tags, log_datasets, model_versions_using, runs_using, tag_model_version
from cathodeml.tracking.runs import start_run
from cathodeml.training.datasets import load_data
from tests.lab_tables import lab_table, write


def test_datasets_are_inputs_and_tags_and_the_runs_are_found_again(tmp_path):
    LabStore().add(write(lab_table(2, 3), tmp_path / "lab.csv"), "demo")
    data = load_data(["literature", "lab:demo"])
    with start_run("cathodeml", "lineage-test") as run:
        log_datasets(run, data.parts, [data.frame[data.origin == p.name] for p in data.parts])
        run.client.create_registered_model("cathodeml")
        mv = run.client.create_model_version("cathodeml", source=str(tmp_path), run_id=run.run_id)
        tag_model_version(run.client, f"models:/cathodeml/{mv.version}", lineage_tags(data.parts))
    stored = run.client.get_run(run.run_id)
    inputs = {d.dataset.name: d for d in stored.inputs.dataset_inputs}
    assert set(inputs) == {data.parts[0].label, "lab:demo@1"}
    lab = inputs["lab:demo@1"]
    assert lab.dataset.digest == LabStore().get("demo").version().sha256[:16]
    profile = json.loads(lab.dataset.profile)
    assert profile["num_rows"] == 6 and profile["rows_per_source"] == {"lab:demo/batch-01": 3, "lab:demo/batch-02": 3}
    assert {t.key: t.value for t in lab.tags}["cathodeml.dataset"] == "lab:demo"
    tags = stored.data.tags
    assert tags["cathodeml.data.lab.demo"] == "1" and tags["cathodeml.data.literature"] == data.parts[0].version
    assert tags["cathodeml.datasets"] == f"{data.parts[0].label} + lab:demo@1"
    version = run.client.get_model_version("cathodeml", mv.version)
    assert version.tags["cathodeml.data.lab.demo"] == "1"
    (use,) = runs_using("demo")
    assert (use.version, use.run_id, use.experiment, use.status) == ("1", run.run_id, "cathodeml", "FINISHED")
    assert model_versions_using("demo") == [(f"models:/cathodeml/{mv.version}", "1")]
    assert runs_using("other") == []


def test_asking_an_empty_home_creates_no_store():
    assert runs_using("demo") == [] and model_versions_using("demo") == []
    assert not (runs_dir() / "mlflow.db").exists()
