"""The files of a training run (what `train --out` writes), readable without cathodeml."""

import json

import pandas as pd

from cathodeml.models.persistence import load_local_model
from tests.conftest import synthetic_frame
from tests.test_plotting import png_size


def test_out_folder_holds_model_metrics_table_effects_and_plots(tiny_model_dir, synthetic_training):
    names = {p.relative_to(tiny_model_dir).as_posix() for p in tiny_model_dir.rglob("*") if p.is_file()}
    assert {"model/cathodeml_model.joblib", "model/model.json", "model/manifest.json", "metrics.json", "treatment_effects.json",
            "diagnostics.json", "cv_table.csv", "plots/parity_capacity_mah_g.png", "plots/parity_retention_pct.png",
            "plots/parity_rct_ohm.png"} == names
    assert json.loads((tiny_model_dir / "metrics.json").read_text()) == json.loads(json.dumps(synthetic_training.metrics))
    effects = json.loads((tiny_model_dir / "treatment_effects.json").read_text())
    assert effects["retention_pct"]["grouped"]["xgboost"]["n_pairs"] == synthetic_training.treatment_effects["retention_pct"]["grouped"]["xgboost"]["n_pairs"]
    diagnostics = json.loads((tiny_model_dir / "diagnostics.json").read_text())
    sub = diagnostics["subgroups_and_domain"]["retention_pct"]["subgroups"]
    assert sub["coated"]["n"] + sub["uncoated"]["n"] == 60  # every row is coated or not
    assert set(diagnostics["subgroups_and_domain"]["retention_pct"]["domain"]) >= {"in_domain_share", "mae_in", "mae_out"}
    table = pd.read_csv(tiny_model_dir / "cv_table.csv")
    assert len(table) == 18 and set(table["split"]) == {"grouped", "random"}
    assert png_size(tiny_model_dir / "plots" / "parity_retention_pct.png") == (624, 600)


def test_the_written_model_predicts_like_the_trained_one(tiny_model_dir, synthetic_training):
    frame = synthetic_frame(n_sources=2, per_source=5, seed=4)
    pd.testing.assert_frame_equal(load_local_model(tiny_model_dir).predict(frame), synthetic_training.model.predict(frame))
