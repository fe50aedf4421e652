"""`cathodeml predict`: chunked, input kept verbatim, same numbers as the in-memory model."""

import hashlib

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.data.io import read_recipes
from cathodeml.models import CathodeModel
from cathodeml.models.persistence import load_local_model
from tests.conftest import synthetic_recipes


def test_cli_predict_matches_model_and_keeps_input(tiny_model_dir, tmp_path):
    src = tmp_path / "cand.csv"
    synthetic_recipes(n_sources=2, per_source=12, seed=3).drop(columns=["capacity_mah_g"]).assign(my_note="x").to_csv(src, index=False)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "pred.csv"
    res = CliRunner().invoke(app, ["predict", str(src), "-o", str(out), "--model", str(tiny_model_dir), "--chunksize", "7"])
    assert res.exit_code == 0, res.output
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    got = pd.read_csv(out)
    raw = pd.read_csv(src)
    assert list(got.columns[: raw.shape[1]]) == list(raw.columns)
    pd.testing.assert_frame_equal(got[raw.columns], raw)
    expected = load_local_model(tiny_model_dir).predict(read_recipes(src))
    for c in ("retention_pct_pred", "retention_pct_lower", "capacity_mah_g_pred", "rct_ohm_upper"):
        np.testing.assert_allclose(got[c], expected[c], rtol=1e-5)
    assert got["in_domain"].dtype == bool


def test_cli_predict_bad_file_lists_problems_and_writes_nothing(tiny_model_dir, tmp_path):
    src = tmp_path / "bad.csv"
    pd.DataFrame({"cathode": ["NCM811"] * 12, "v_max": ["4.3"] * 11 + ["43"]}).to_csv(src, index=False)
    out = tmp_path / "pred.csv"
    res = CliRunner().invoke(app, ["predict", str(src), "-o", str(out), "--model", str(tiny_model_dir), "--chunksize", "5"])
    assert res.exit_code == 1
    assert "row 13, column v_max: '43' is outside" in res.output
    assert not out.exists()


def test_cli_predict_refuses_to_overwrite_input(tiny_model_dir, tmp_path):
    src = tmp_path / "c.csv"
    pd.DataFrame({"cathode": ["NCM811"]}).to_csv(src, index=False)
    res = CliRunner().invoke(app, ["predict", str(src), "-o", str(src), "--model", str(tiny_model_dir)])
    assert res.exit_code == 2 and "refusing to overwrite the input file" in res.output
