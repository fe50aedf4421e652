"""`cathodeml predict` (errors; the numbers are in tests/serve/test_batch.py) and `cathodeml featurize`."""

import pandas as pd
import pytest
from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.data.io import read_recipes
from cathodeml.features import RecipeFeaturizer

runner = CliRunner()
ROWS = [{"record_id": "a", "cathode": "NCM811", "coating": "LiAlO2", "coating_wt_pct": "1", "v_min": "2.8",
         "v_max": "4.3", "capacity_c_rate": "0.1", "cycles": "100"},
        {"record_id": "b", "cathode": "NCA", "v_max": "4.4"}]


def test_featurize_writes_record_id_and_the_named_features(write_csv, tmp_path):
    src = write_csv(ROWS)
    out = tmp_path / "features.csv"
    res = runner.invoke(app, ["featurize", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out)
    names = list(RecipeFeaturizer().fit(read_recipes(src)).get_feature_names_out())
    assert list(got.columns) == ["record_id", *names]
    assert f"2 rows × {len(names)} features" in res.output
    assert got["record_id"].tolist() == ["a", "b"]
    a = got.iloc[0]
    assert a["cathode_ni_frac"] == pytest.approx(0.8) and a["coating_class_li_ion_conductor"] == 1
    assert a["protocol_window_v"] == pytest.approx(1.5) and a["protocol_log10_cycles"] == pytest.approx(2.0)
    assert got.iloc[1]["cathode_al_frac"] == pytest.approx(0.05) and got.iloc[1]["coating_present"] == 0


def test_featurize_numbers_rows_without_ids(write_csv, tmp_path):
    src = write_csv([{k: v for k, v in r.items() if k != "record_id"} for r in ROWS])
    res = runner.invoke(app, ["featurize", str(src), "-o", str(tmp_path / "f.csv")])
    assert res.exit_code == 0, res.output
    assert pd.read_csv(tmp_path / "f.csv")["record_id"].tolist() == [1, 2]


def test_featurize_refuses_bad_files_and_overwriting_them(write_csv, tmp_path):
    bad = write_csv([ROWS[0] | {"v_max": "4,3"}])
    res = runner.invoke(app, ["featurize", str(bad), "-o", str(tmp_path / "f.csv")])
    assert res.exit_code == 1 and "row 2, column v_max: '4,3' is not a number" in res.output
    assert not (tmp_path / "f.csv").exists()
    res = runner.invoke(app, ["featurize", str(bad), "-o", str(bad)])
    assert res.exit_code == 2 and "refusing to overwrite the input file" in res.output


def test_predict_missing_file_and_missing_model(tmp_path, monkeypatch, write_csv):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    res = runner.invoke(app, ["predict", "nope.csv", "-o", "out.csv"])
    assert res.exit_code == 1 and "nope.csv: no such file" in res.output
    res = runner.invoke(app, ["predict", str(write_csv(ROWS)), "-o", "out.csv"])
    assert res.exit_code == 1 and "run `cathodeml train` first or pass --model DIR_OR_URI" in res.output


def test_predict_with_the_shipped_model(model_dir, model, write_csv, tmp_path):
    src = write_csv(ROWS)
    res = runner.invoke(app, ["predict", str(src), "-o", str(tmp_path / "p.csv"), "--model", str(model_dir)])
    assert res.exit_code == 0, res.output
    assert "2 recipes with capacity_mah_g, retention_pct, rct_ohm predictions (90% intervals)" in res.output
    got = pd.read_csv(tmp_path / "p.csv")
    expected = model.predict(read_recipes(src))
    pd.testing.assert_series_equal(got["retention_pct_pred"], expected["retention_pct_pred"], rtol=1e-5, check_dtype=False)
