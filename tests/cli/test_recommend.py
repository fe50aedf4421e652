"""`cathodeml recommend` and `cathodeml screen` from the command line."""

import pandas as pd
import yaml
from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.tracking.store import client
from tests.recommend.test_search import SPACE

runner = CliRunner()


def test_recommend_writes_table_plot_and_run(model_dir, tracking_uri, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    space = tmp_path / "space.yaml"
    space.write_text(yaml.safe_dump(SPACE | {"constraints": ["coating_wt_pct <= 2"]}))
    res = runner.invoke(app, ["recommend", "--space", str(space), "-o", "rec.csv", "--model", str(model_dir),
                              "--trials", "30", "--n", "5", "--tracking-uri", tracking_uri])
    assert res.exit_code == 0, res.output
    rec = pd.read_csv(tmp_path / "rec.csv")
    assert 0 < len(rec) <= 5 and "top_treatments" in rec and (tmp_path / "rec.png").stat().st_size > 1000
    assert (rec["coating_wt_pct"].dropna() <= 2).all()
    assert not rec.drop(columns="top_treatments").duplicated().any()
    run_id = res.output.split("MLflow: run ")[1].split("(")[1].split(")")[0]  # "name" (id)
    assert client(tracking_uri).get_run(run_id).data.params["model"] == str(model_dir)


def test_screen_keeps_the_top_k(model_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    space = tmp_path / "space.yaml"
    space.write_text(yaml.safe_dump(SPACE))
    res = runner.invoke(app, ["screen", "--space", str(space), "-o", "top.csv", "--model", str(model_dir),
                              "--top", "4", "--objective", "capacity_mah_g:max", "--chunksize", "5"])
    assert res.exit_code == 0, res.output
    top = pd.read_csv(tmp_path / "top.csv")
    assert len(top) == 4 and top["capacity_mah_g_lower"].is_monotonic_decreasing
    assert "screened 12 candidates" in res.output


def test_bad_space_and_bad_objective_are_clear_errors(model_dir, tmp_path):
    space = tmp_path / "space.yaml"
    space.write_text(yaml.safe_dump(SPACE | {"ranges": {"coating_wt_pct": {"min": 1}}}))
    res = runner.invoke(app, ["recommend", "--space", str(space), "-o", "x.csv", "--model", str(model_dir)])
    assert res.exit_code == 1
    assert "ranges.coating_wt_pct: expected {min: …, max: …, step: …}" in res.output
    space.write_text(yaml.safe_dump(SPACE))
    res = runner.invoke(app, ["screen", "--space", str(space), "-o", "x.csv", "--objective", "retention_pct:max,rct_ohm:min"])
    assert res.exit_code == 2 and "screen ranks by one objective" in res.output
    res = runner.invoke(app, ["recommend", "--space", str(space), "-o", str(space)])
    assert res.exit_code == 2 and "refusing to overwrite the input file" in res.output
