"""Response bodies of the REST service, typed for the OpenAPI document.

Every field's description comes from :mod:`cathodeml.schema` (units, what a column holds), so
``/docs`` says what ``capacity_mah_g_lower`` is in the same words as the CLI and the files. The
prediction row is built per app from the model's own targets and interval level: its document
lists exactly the columns this model returns.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from cathodeml.schema import prediction_columns, prediction_descriptions
from cathodeml.serve.schemas import recipe_fields
from cathodeml.serve.settings import ServiceSettings


def prediction_row(targets: list[str], confidence: float | None, domain: bool) -> type[BaseModel]:
    """One prediction: ``T_pred``, ``T_lower``, ``T_upper`` per target (null: no number), the domain verdict."""
    desc = prediction_descriptions(targets, confidence)
    fields: dict[str, Any] = {}
    for col in prediction_columns(targets, domain=domain):
        kind = {"in_domain": bool, "domain_notes": str}.get(col, float | None)
        fields[col] = (kind, Field(..., description=desc[col]))
    model = create_model("Prediction", **fields)
    model.__doc__ = "The predictions of one recipe, in the order of the request."
    return model


def recommended_row(prediction: type[BaseModel]) -> type[BaseModel]:
    """One recommended recipe: its columns (as the space fixed or chose them) and its predictions."""
    base = type("RecommendationBase", (prediction,), {"model_config": ConfigDict(extra="allow"), "__module__": __name__})
    model = create_model("Recommendation", __base__=base, **recipe_fields())
    model.__doc__ = "A recipe of the Pareto set: the candidate's columns (all of them), its predictions and domain verdict."
    return model


class Health(BaseModel):
    """The service is up and its model loaded."""

    status: str = Field("ok", description="always 'ok' when the service answers")


class TargetExplanation(BaseModel):
    """One target's SHAP attribution of one recipe: ``base_value + sum(groups) = prediction``."""

    base_value: float = Field(..., description="the model's mean output over its training data, in `units`")
    prediction: float = Field(..., description="the model-space prediction (log10 of Ω for Rct), in `units`")
    units: str = Field(..., description="the unit of base_value, prediction and groups (log10(Ω) for Rct)")
    groups: dict[str, float] = Field(..., description="signed SHAP sum per treatment group (cathode, coating_chemistry, "
                                                      "coating_amount, coating_process, regeneration, doping, protocol)")


class ModelInfo(BaseModel):
    """What model this service runs, and the limits it enforces."""

    model_config = ConfigDict(protected_namespaces=())

    cathodeml_version: str = Field(..., description="version of cathodeml serving")
    model_uri: str = Field(..., description="the MLflow URI of the model (password masked), or 'local model "
                                            "directory' (a path is never shown)")
    targets: list[str] = Field(..., description="the targets this model predicts")
    confidence: float | None = Field(..., description="level of the prediction intervals (0.9 = 90 %)")
    feature_set_version: str | None = Field(None, description="fingerprint of the features the model reads")
    data_sha256: str | None = Field(None, description="sha256 of the training table")
    trained_at: str | None = Field(None, description="when the model was trained (ISO 8601)")
    n_rows: int | None = Field(None, description="training recipes")
    metrics: dict[str, Any] | None = Field(None, description="grouped cross-validation metrics per target")
    feature_groups: dict[str, str] = Field(..., description="{feature: treatment group} of the model's features")
    limits: ServiceSettings = Field(..., description="the limits in force (413/422/503 beyond them)")

