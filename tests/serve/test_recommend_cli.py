"""recommend / screen from the command line on a tiny model."""

import pandas as pd
import yaml
from typer.testing import CliRunner

from cathodeml.cli import app
from tests.serve.test_recommend import SPACE


def test_cli_recommend_and_screen(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    space = tmp_path / "space.yaml"
    space.write_text(yaml.safe_dump(SPACE | {"constraints": ["coating_wt_pct <= 2"]}))
    res = CliRunner().invoke(app, ["recommend", "--space", str(space), "-o", "rec.csv", "--model", str(tiny_model_dir),
                                   "--trials", "30", "--n", "5", "--tracking-uri", f"sqlite:///{tmp_path / 'm.db'}"])
    assert res.exit_code == 0, res.output
    rec = pd.read_csv(tmp_path / "rec.csv")
    assert 0 < len(rec) <= 5 and "top_treatments" in rec and (tmp_path / "rec.png").stat().st_size > 1000
    assert (rec["coating_wt_pct"].dropna() <= 2).all()
    assert "MLflow: run" in res.output
    res = CliRunner().invoke(app, ["screen", "--space", str(space), "-o", "top.csv", "--model", str(tiny_model_dir),
                                   "--top", "4", "--objective", "capacity_mah_g:max"])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(tmp_path / "top.csv")) == 4


def test_cli_bad_space_is_a_clear_error(tiny_model_dir, tmp_path):
    space = tmp_path / "space.yaml"
    space.write_text(yaml.safe_dump(SPACE | {"ranges": {"coating_wt_pct": {"min": 1}}}))
    res = CliRunner().invoke(app, ["recommend", "--space", str(space), "-o", "x.csv", "--model", str(tiny_model_dir)])
    assert res.exit_code == 1
    assert "ranges.coating_wt_pct: expected {min: …, max: …, step: …}" in res.output
