"""``Recipe``: one sample as a small, immutable, validated value object.

Modelled on pymatgen's ``Composition``: construction validates everything (the same rules as the
file reader, see :mod:`cathodeml.data.rules`), the object is frozen, and derived values such as
the cathode's transition-metal fractions are computed once and cached.

The fields are generated from :data:`cathodeml.schema.COLUMNS` (one field per canonical column,
``None`` = unknown), so a column added to the schema is a field here, in the REST request model
and in the MLflow signature without being written again.

>>> r = Recipe(cathode="NCM811", coating="LiAlO2", coating_wt_pct=1.0, v_min=2.8, v_max=4.3)
>>> r.ni
0.8
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import (
    AfterValidator, BaseModel, ConfigDict, Field, StrictFloat, StrictInt, WithJsonSchema, create_model, model_validator,
)

from cathodeml.data.cathode import CathodeComposition, parse_cathode
from cathodeml.data.coatings import CoatingPart, parse_coating
from cathodeml.data.headers import header_problems
from cathodeml.data.rules import check_frame
from cathodeml.data.ruletable import NOT_WHOLE
from cathodeml.errors import RecipeError
from cathodeml.schema import CANONICAL, COLUMNS, ENUM_TYPES, SPECS, ColumnSpec


def whole_number(limit: int | None = None) -> Any:
    """The type of an ``int`` column: an int, or a float with no fractional part (``60.0`` — what
    pandas and JavaScript send for 60 — is the integer 60; ``60.5`` is refused), within ±``limit``."""

    def whole(v: int | float) -> int:
        if isinstance(v, float):
            if not v.is_integer():  # NaN and ±inf too
                raise ValueError(f"{v!r} {NOT_WHOLE}")
            v = int(v)
        if limit is not None and abs(v) > limit:
            raise ValueError(f"{v} is beyond ±{limit} (what a JSON number keeps exactly)")
        return v

    schema = {"type": "integer"} | ({"minimum": -limit, "maximum": limit} if limit is not None else {})
    return Annotated[StrictInt | StrictFloat, AfterValidator(whole), WithJsonSchema(schema)]


def field_type(spec: ColumnSpec) -> Any:
    """The strict JSON type of a column: numbers must be numbers (``"4.3"`` is refused, not coerced)."""
    if spec.kind == "enum":
        return ENUM_TYPES[spec.name] | None
    if spec.kind == "float":
        return StrictFloat | StrictInt | None
    if spec.kind == "int":
        return whole_number() | None
    return str | None


def field_definitions(columns: tuple[ColumnSpec, ...] = COLUMNS) -> dict[str, Any]:
    """``{name: (type, Field(None, description=…))}`` for pydantic's ``create_model``."""
    out = {}
    for c in columns:
        unit = f" [{c.unit}]" if c.unit and c.unit != "-" else ""
        desc = (c.description or c.name.replace("_", " ")) + unit
        if c.kind in ("float", "int") and (c.lo is not None or c.hi is not None):
            desc += f"; {c.range_text()}"
        out[c.name] = (field_type(c), Field(None, description=desc))
    return out


class _RecipeBase(BaseModel):
    """A cathode sample: starting material, treatments, test protocol and (optionally) results."""

    model_config = ConfigDict(frozen=True, extra="ignore", use_enum_values=False)

    @model_validator(mode="before")
    @classmethod
    def _near_misses(cls, data: Any) -> Any:
        """``Recipe(Coating=…)`` fails naming ``coating``; truly unknown keywords stay ignored, as in files."""
        if isinstance(data, dict):
            problems = header_problems([k for k in data if k not in SPECS])
            if problems:
                raise RecipeError("; ".join(str(p) for p in problems))
        return data

    @model_validator(mode="after")
    def _rules(self) -> _RecipeBase:
        result = check_frame(pd.DataFrame([self._raw()]), first_row=1)
        if result.problems:
            msgs = [str(p).removeprefix("row 1, ") for p in result.problems]
            raise RecipeError("; ".join(msgs))
        return self

    def _values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CANONICAL}

    def _raw(self) -> dict[str, str]:
        return {k: ("" if v is None else str(getattr(v, "value", v))) for k, v in self._values().items()}

    # ---- derived values (computed once) -------------------------------------------------
    @cached_property
    def composition(self) -> CathodeComposition | None:
        """The parsed cathode, or ``None`` when only fractions were given."""
        return parse_cathode(self.cathode) if self.cathode else None

    @cached_property
    def ni(self) -> float:
        """Ni fraction on the TM site: the stated ``ni_frac`` if given, else from ``cathode``."""
        if self.ni_frac is not None:
            return float(self.ni_frac)
        return self.composition.ni if self.composition else float("nan")

    @cached_property
    def coating_parts(self) -> tuple[CoatingPart, ...]:
        """The coating's components (empty tuple for an uncoated sample)."""
        return parse_coating(self.coating) if self.coating else ()

    @property
    def is_coated(self) -> bool:
        return bool(self.coating)

    def to_row(self) -> dict[str, Any]:
        """The recipe as a canonical-column dict (enums as plain strings, unknown as NaN)."""
        return {k: np.nan if v is None else getattr(v, "value", v) for k, v in self._values().items()}


Recipe = create_model("Recipe", __base__=_RecipeBase, __module__=__name__, **field_definitions())
Recipe.__doc__ = """A cathode sample: starting material, treatments, test protocol and (optionally) results.

Field names are the canonical column names (units in the names); ``None`` means unknown.
Numbers must be numbers: ``"4.3"`` is rejected, not coerced. Invalid recipes raise a pydantic
``ValidationError`` whose message lists every broken rule. A keyword that is a near miss of a
field (``Coating``, ``v-max``, ``voltage_high``; the rule of :mod:`cathodeml.data.headers`) is an
error naming the field; other unknown keywords are ignored, as unknown file columns are.
"""


def recipes_to_frame(recipes: list[_RecipeBase]) -> pd.DataFrame:
    """Stack recipes into a typed canonical frame, typed exactly as :func:`read_recipes` types."""
    return check_frame(pd.DataFrame([r._raw() for r in recipes], columns=list(CANONICAL))).frame
