"""``Recipe``: one sample as a small, immutable, validated value object.

Modelled on pymatgen's ``Composition``: construction validates everything (the same rules as the
file reader, see :mod:`cathodeml.data.rules`), the object is frozen, and derived values such as
the cathode's transition-metal fractions are computed once and cached.

>>> r = Recipe(cathode="NCM811", coating="LiAlO2", coating_wt_pct=1.0, v_min=2.8, v_max=4.3)
>>> r.ni
0.8
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, model_validator

from cathodeml.data.cathode import CathodeComposition, parse_cathode
from cathodeml.data.coatings import CoatingPart, parse_coating
from cathodeml.data.columns import (
    CANONICAL,
    SPECS,
    CellType,
    CoatingMethod,
    Electrolyte,
    History,
    Morphology,
    RegenMethod,
)
from cathodeml.data.rules import check_frame

Num = StrictFloat | StrictInt | None


class RecipeError(ValueError):
    """Raised with every broken rule of a recipe, one per line."""


class Recipe(BaseModel):
    """A cathode sample: starting material, treatments, test protocol and (optionally) results.

    Field names are the canonical column names of ``shared/recipe-columns.md`` (units in the
    names). ``None`` means unknown. Numbers must be numbers: ``"4.3"`` is rejected, not coerced.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", use_enum_values=False)

    record_id: str | None = None
    source: str | None = None
    sample_label: str | None = None
    notes: str | None = None

    cathode: str | None = Field(None, description=SPECS["cathode"].description)
    ni_frac: Num = None
    co_frac: Num = None
    mn_frac: Num = None
    al_frac: Num = None
    morphology: Morphology | None = None
    history: History | None = None
    li_loss_pct: Num = None

    regen_method: RegenMethod | None = None
    regen_li_source: str | None = None
    regen_temp_c: Num = None
    regen_time_h: Num = None
    sinter_temp_c: Num = None
    sinter_time_h: Num = None

    dopant: str | None = None
    dopant_mol_pct: Num = None

    coating: str | None = None
    coating_wt_pct: Num = None
    coating_thickness_nm: Num = None
    coating_method: CoatingMethod | None = None
    anneal_temp_c: Num = None
    anneal_time_h: Num = None

    electrolyte: Electrolyte | None = None
    cell_type: CellType | None = None
    v_min: Num = None
    v_max: Num = None
    test_temp_c: Num = None
    capacity_c_rate: Num = None
    cycle_c_rate: Num = None
    cycles: StrictInt | None = None
    rct_after_cycles: StrictInt | None = None

    capacity_mah_g: Num = None
    retention_pct: Num = None
    rct_ohm: Num = None

    @model_validator(mode="after")
    def _rules(self) -> Recipe:
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
        row: dict[str, Any] = {}
        for k, v in self._values().items():
            row[k] = np.nan if v is None else getattr(v, "value", v)
        return row


def recipes_to_frame(recipes: list[Recipe]) -> pd.DataFrame:
    """Stack recipes into a typed canonical frame, typed exactly as :func:`read_recipes` types."""
    return check_frame(pd.DataFrame([r._raw() for r in recipes], columns=list(CANONICAL))).frame
