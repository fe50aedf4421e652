"""The MLflow model: models-from-code, cathodeml among its requirements, the signature of the
recipe columns, and the same predictions when a fresh process loads it from the registry."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cathodeml import __version__
from cathodeml.schema import COLUMNS, PREDICTION_COLUMNS
from cathodeml.tracking.pyfunc import CODE_FILE, input_schema, output_schema, pip_requirements, to_signature_frame
from tests.conftest import synthetic_frame

RECIPES = pd.DataFrame([
    {"cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": 1.0, "v_min": 2.8, "v_max": 4.3,
     "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100, "electrolyte": "liquid"},
    {"cathode": "NCM622", "v_min": 2.8, "v_max": 4.5, "capacity_c_rate": 1.0, "cycle_c_rate": 1.0, "cycles": 200},
])


@pytest.fixture(scope="module")
def logged_model(tracked_run, tmp_path_factory) -> Path:
    """The registered model's files, downloaded."""
    from cathodeml.tracking.registry import download

    return download("models:/cathodeml/1", tracked_run.tracking_uri, tmp_path_factory.mktemp("logged"))


def test_saved_from_code(logged_model):
    flavor = yaml.safe_load((logged_model / "MLmodel").read_text())["flavors"]["python_function"]
    assert flavor["loader_module"] == "mlflow.pyfunc.loaders.code_model"
    assert Path(flavor["model_code_path"]).name == CODE_FILE.name == "pyfunc_model.py"
    assert (logged_model / "pyfunc_model.py").read_text() == CODE_FILE.read_text()
    assert "cathode_model" in flavor["artifacts"]


def test_requirements_list_cathodeml_and_its_runtime(logged_model):
    reqs = (logged_model / "requirements.txt").read_text().split()
    assert f"cathodeml=={__version__}" in reqs
    assert {r.split("==")[0] for r in reqs} >= {"mlflow", "xgboost", "scikit-learn", "mapie", "pandas", "pymatgen"}
    assert pip_requirements()[0] == f"cathodeml=={__version__}"


def test_loads_in_a_fresh_process_and_predicts_like_the_model(tracked_run, tmp_path):
    frame = to_signature_frame(pd.concat([RECIPES, synthetic_frame(n_sources=1, per_source=4, seed=8)], ignore_index=True))
    frame.to_pickle(tmp_path / "in.pkl")
    script = textwrap.dedent("""
        import sys
        import mlflow.pyfunc
        import pandas as pd

        model = mlflow.pyfunc.load_model("models:/cathodeml/1")
        model.predict(pd.read_pickle(sys.argv[1])).to_pickle(sys.argv[2])
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env |= {"MLFLOW_TRACKING_URI": tracked_run.tracking_uri, "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "in.pkl"), str(tmp_path / "out.pkl")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    served = pd.read_pickle(tmp_path / "out.pkl")
    direct = tracked_run.result.result.model.predict(frame)
    pd.testing.assert_frame_equal(served.reset_index(drop=True), direct, check_dtype=False)
    assert {"in_domain", "domain_notes"} <= set(served.columns)
    assert not (tmp_path / "mlruns").exists() and not (tmp_path / "mlflow.db").exists()


def test_signature_lists_every_input_column_optional_and_the_predictions():
    inputs = input_schema().to_dict()
    assert [c["name"] for c in inputs] == [c.name for c in COLUMNS if c.section != "target"]
    assert not any(c["required"] for c in inputs)
    assert {c["name"]: c["type"] for c in inputs}["cycles"] == "double"  # whole numbers may be unknown (NaN)
    assert [c["name"] for c in output_schema(("capacity_mah_g", "retention_pct", "rct_ohm")).to_dict()] == list(PREDICTION_COLUMNS)


def test_signature_frame_types():
    out = to_signature_frame(synthetic_frame(n_sources=1, per_source=2))
    assert out["cycles"].dtype == "float64" and out["v_max"].dtype == "float64"
    assert out["coating"].tolist() == [None, "Al2O3"]  # unknown text is None, not NaN
    assert "capacity_mah_g" not in out  # targets are never inputs
