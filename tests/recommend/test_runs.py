"""A recommendation's lineage in MLflow: its settings and its files."""

from cathodeml.recommend.runs import log_recommendation
from cathodeml.tracking.store import client


def test_settings_and_files_are_logged(tracking_uri, tmp_path):
    space, table = tmp_path / "space.yaml", tmp_path / "rec.csv"
    space.write_text("fixed: {cathode: NCM811}\n", encoding="utf-8")
    table.write_text("coating\nAl2O3\n", encoding="utf-8")
    run_id, uri = log_recommendation({"objectives": "retention_pct:max", "trials": 30}, [space, table],
                                     tracking_uri=tracking_uri)
    assert uri == tracking_uri
    run = client(uri).get_run(run_id)
    assert run.data.params == {"objectives": "retention_pct:max", "trials": "30"}
    assert run.data.tags["cathodeml.command"] == "recommend" and run.info.run_name == "recommend"
    assert run.info.status == "FINISHED"
    assert {a.path for a in client(uri).list_artifacts(run_id)} == {"space.yaml", "rec.csv"}
    assert client(uri).get_experiment(run.info.experiment_id).name == "cathodeml"
