"""recommend / screen runs in MLflow: their own experiment, a readable name, lineage tags, a description."""

from __future__ import annotations

from cathodeml.recommend.accounting import SearchReport
from cathodeml.recommend.runs import EXPERIMENT, log_search
from cathodeml.tracking.store import client


def test_search_runs_go_to_their_own_experiment_with_lineage(tmp_path):
    uri = f"sqlite:///{tmp_path / 'm.db'}"
    space, table = tmp_path / "coatings.yaml", tmp_path / "rec.csv"
    space.write_text("fixed: {cathode: NCM811}\n", encoding="utf-8")
    table.write_text("coating\nAl2O3\n", encoding="utf-8")
    report = SearchReport(grid_size=48, trials=30, asked=5, evaluated=21, feasible=9)
    rec = log_search("recommend", space, {"objectives": "retention_pct:max", "trials": 30}, [space, table],
                     model_uri="models:/cathodeml/4", report=report, tracking_uri=uri)
    scr = log_search("screen", space, {"objective": "capacity_mah_g:max"}, [table], model_uri="/models/a", tracking_uri=uri)
    c = client(uri)
    exp = c.get_experiment(rec.experiment_id)
    assert exp.name == EXPERIMENT == "cathodeml-recommend" and scr.experiment_id == rec.experiment_id
    assert exp.tags["mlflow.experimentKind"] == "custom_model_development"  # the UI opens on its runs
    run = c.get_run(rec.run_id)
    assert run.info.run_name == "recommend coatings: retention_pct:max"
    tags = run.data.tags
    assert tags["cathodeml.command"] == "recommend" and tags["cathodeml.model_uri"] == "models:/cathodeml/4"
    assert tags["cathodeml.space_file"] == "coatings.yaml" and len(tags["cathodeml.space_sha256"]) == 64
    assert "coatings.yaml" in tags["mlflow.note.content"] and "evaluated 21 distinct recipes" in tags["mlflow.note.content"]
    assert run.data.metrics["evaluated"] == 21 and run.data.params["trials"] == "30"
    assert {a.path for a in c.list_artifacts(rec.run_id)} == {"coatings.yaml", "rec.csv", "search_report.json"}
    assert c.get_run(scr.run_id).data.tags["cathodeml.command"] == "screen"
    assert c.get_experiment_by_name("cathodeml") is None  # nothing in the training experiment
