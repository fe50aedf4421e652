"""`cathodeml explain FILE --out DIR`: files written, top treatments printed."""

import pandas as pd
from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.features.base import GROUPS
from tests.conftest import synthetic_recipes


def test_explain_end_to_end(model_dir, tmp_path):
    src = tmp_path / "r.csv"
    synthetic_recipes(n_sources=1, per_source=4, seed=9).to_csv(src, index=False)
    res = CliRunner().invoke(app, ["explain", str(src), "--out", str(tmp_path / "ex"), "--model", str(model_dir),
                                   "--waterfalls", "0", "--show", "2"])
    assert res.exit_code == 0, res.output
    assert "top treatments per recipe" in res.output and "syn-0-1" in res.output and "syn-0-3" not in res.output
    for name in ("treatments.csv", "features.csv", "counterfactuals.csv", "global_treatment_importance.png",
                 "beeswarm_retention_pct.png"):
        assert (tmp_path / "ex" / name).stat().st_size > 0, name
    assert not (tmp_path / "ex" / "waterfalls").exists()  # --waterfalls 0
    assert len(pd.read_csv(tmp_path / "ex" / "treatments.csv")) == 4 * 3 * len(GROUPS)


def test_explain_a_bad_file_lists_its_problems(model_dir, write_csv, tmp_path):
    src = write_csv([{"cathode": "NCM811", "v_max": "45"}])
    res = CliRunner().invoke(app, ["explain", str(src), "--out", str(tmp_path / "ex"), "--model", str(model_dir)])
    assert res.exit_code == 1 and "row 2, column v_max: '45' is outside" in res.output
    assert not (tmp_path / "ex").exists()
