"""Response models: built from the model's targets and interval level, described from the schema."""

import pytest
from pydantic import ValidationError

from cathodeml.schema import SPECS, TARGET_UNITS, prediction_columns
from cathodeml.serve.responses import ModelInfo, TargetExplanation, prediction_row, recommended_row
from cathodeml.serve.settings import ServiceSettings


def test_a_prediction_row_lists_exactly_the_models_columns_with_units():
    row = prediction_row(["retention_pct", "capacity_mah_g"], 0.8, domain=True)
    assert list(row.model_fields) == prediction_columns(["capacity_mah_g", "retention_pct"])
    desc = {k: f.description for k, f in row.model_fields.items()}
    assert desc["capacity_mah_g_pred"] == f"predicted {SPECS['capacity_mah_g'].description} [{TARGET_UNITS['capacity_mah_g']}]"
    assert "80% prediction interval" in desc["retention_pct_upper"] and "[%]" in desc["retention_pct_upper"]
    assert "rct_ohm_pred" not in desc
    assert list(prediction_row(["rct_ohm"], 0.9, domain=False).model_fields) == ["rct_ohm_pred", "rct_ohm_lower", "rct_ohm_upper"]


def test_a_prediction_row_takes_null_numbers_but_needs_the_verdict():
    row = prediction_row(["rct_ohm"], 0.9, domain=True)
    ok = row(rct_ohm_pred=12.5, rct_ohm_lower=None, rct_ohm_upper=None, in_domain=False, domain_notes="far")
    assert ok.rct_ohm_lower is None
    with pytest.raises(ValidationError):
        row(rct_ohm_pred=12.5, rct_ohm_lower=None, rct_ohm_upper=None, domain_notes="far")


def test_a_recommendation_keeps_every_column_it_was_given():
    rec = recommended_row(prediction_row(["retention_pct"], 0.9, domain=True))
    row = rec(retention_pct_pred=90.0, retention_pct_lower=85.0, retention_pct_upper=95.0, in_domain=True,
              domain_notes="", coating="Al2O3", coating_wt_pct=1.0, capacity_mah_g=None, some_space_column=3)
    dumped = row.model_dump()
    assert dumped["coating"] == "Al2O3" and dumped["some_space_column"] == 3 and dumped["capacity_mah_g"] is None


def test_model_info_and_explanations_are_typed():
    info = ModelInfo(cathodeml_version="0.1.0", model_uri="local model directory", targets=["rct_ohm"], confidence=0.9,
                     feature_groups={"protocol_v_max": "protocol"}, limits=ServiceSettings())
    assert info.model_dump()["limits"]["max_batch"] == ServiceSettings().max_batch
    with pytest.raises(ValidationError):
        TargetExplanation(base_value=1.0, prediction=2.0, units="%", groups={"coating_amount": "a lot"})
