"""Request bodies of the REST service: generated from the recipe schema and the service's limits.

The limits appear in the OpenAPI document (``maximum`` of ``trials`` and ``n``), and a value
past one is a 422 whose message names the setting to raise.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, create_model

from cathodeml.data.recipe import field_definitions, whole_number
from cathodeml.data.ruletable import EXACT_INT
from cathodeml.recommend.search import MAX_SEED
from cathodeml.schema import COLUMNS
from cathodeml.serve.settings import ServiceSettings

INPUT_COLUMNS = tuple(c for c in COLUMNS if c.section != "target")
#: The fields a recipe is predicted from (extra keys of a request are accepted and ignored).
INPUT_NAMES = frozenset(c.name for c in INPUT_COLUMNS)

#: Integers within ±2^53 only: the rules read numbers as float64, which would silently round a larger one.
ExactInt = Annotated[StrictInt, Field(ge=-EXACT_INT, le=EXACT_INT)]


def recipe_fields() -> dict[str, Any]:
    """The recipe schema's input fields, integers bounded to what survives the trip through float64
    (an integral float such as ``60.0`` is the integer 60 in an ``int`` column)."""
    fields = field_definitions(INPUT_COLUMNS)
    for c in INPUT_COLUMNS:
        if c.kind == "int":
            fields[c.name] = (whole_number(EXACT_INT) | None, fields[c.name][1])
        elif c.kind == "float":
            fields[c.name] = (StrictFloat | ExactInt | None, fields[c.name][1])
    return fields


#: One recipe in a request: every canonical input column optional, JSON types enforced strictly
#: (``"4.3"`` for a number is a 422, not a silent conversion); extra keys are accepted and ignored,
#: except near misses of a column's name (``Coating``), which ``POST /predict`` refuses.
RecipeIn = create_model("RecipeIn", __config__=ConfigDict(extra="allow"), **recipe_fields())  # type: ignore[call-overload]
RecipeIn.__doc__ = ("A recipe in canonical columns (units in the names, docs/serving.md); omitted or null = unknown. "
                    "Other keys are ignored, but a near miss of a column (Coating, voltage_high) is a 422 naming it.")

Scalar = StrictStr | StrictInt | StrictFloat | StrictBool | None
#: Column names a space may use (listed in the OpenAPI document, so clients and fuzzers see them).
InputName = Literal[tuple(c.name for c in INPUT_COLUMNS)]  # type: ignore[valid-type]
NumericName = Literal[tuple(c.name for c in INPUT_COLUMNS if c.kind in ("float", "int"))]  # type: ignore[valid-type]
Number = Annotated[StrictFloat | StrictInt, Field(allow_inf_nan=False)]


class RangeIn(BaseModel):
    """An inclusive grid ``min, min+step, …, max`` (its size is counted, never listed, before use)."""

    model_config = ConfigDict(extra="forbid")
    min: Number
    max: Number
    step: Annotated[StrictFloat | StrictInt, Field(gt=0, allow_inf_nan=False)]


class SpaceIn(BaseModel):
    """A search space, as in the YAML file (docs/recommend.md)."""

    model_config = ConfigDict(extra="forbid")
    fixed: dict[InputName, Scalar] = Field(default_factory=dict, description="recipe columns applied to every candidate")
    protocol: dict[InputName, Scalar] = Field(default_factory=dict, description="the test protocol of the predictions")
    choices: dict[InputName, list[Scalar]] = Field(default_factory=dict, description="options per column ('none' = without)")
    ranges: dict[NumericName, RangeIn] = Field(default_factory=dict, description="numeric grids per column")
    constraints: list[StrictStr] = Field(default_factory=list, description="'COLUMN OP NUMBER', e.g. 'coating_wt_pct <= 2'")


def _at_most(limit: int, setting: str, what: str):
    def check(v: int) -> int:
        if v > limit:
            raise ValueError(f"{v:,} {what} exceed the limit of {limit:,} ({setting})")
        return v

    return AfterValidator(check)


def recommend_request(settings: ServiceSettings) -> type[BaseModel]:
    """The body of ``POST /recommend`` under these limits."""
    trials = Annotated[int, Field(ge=1, json_schema_extra={"maximum": settings.max_trials}),
                       _at_most(settings.max_trials, "max_trials", "trials")]
    n = Annotated[int, Field(ge=1, json_schema_extra={"maximum": settings.max_n}),
                  _at_most(settings.max_n, "max_n", "recipes")]
    fields: dict[str, Any] = {
        "space": (SpaceIn, ...),
        "objectives": (StrictStr, Field("retention_pct:max,capacity_mah_g:max", max_length=200)),
        "n": (n, 20),
        "trials": (trials, min(400, settings.max_trials)),
        "risk": (Literal["pessimistic", "mean", "optimistic"], "pessimistic"),
        "allow_out_of_domain": (bool, False),
        "seed": (int, Field(42, ge=0, le=MAX_SEED)),
    }
    model = create_model("RecommendRequest", __config__=ConfigDict(extra="forbid"), **fields)
    model.__doc__ = "Body of POST /recommend: the space (as in the YAML file) and the search settings."
    return model
