"""The canonical recipe columns, once, as data.

Every table cathodeml reads or writes (the shipped dataset, a user's CSV, ``predict`` input and
output) uses the column names of ``shared/recipe-columns.md``. This module is the one place that
knows them: their kind, unit, allowed range or vocabulary, and the hint a scientist sees when a
value breaks a rule. The pydantic :class:`~cathodeml.data.recipe.Recipe` and the frame validator
both read these specs, so a rule is written once and enforced the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Morphology(StrEnum):
    polycrystalline = "polycrystalline"
    single_crystal = "single_crystal"


class History(StrEnum):
    pristine = "pristine"
    spent = "spent"
    delithiated = "delithiated"


class RegenMethod(StrEnum):
    none = "none"
    hydrothermal = "hydrothermal"
    molten_salt = "molten_salt"
    solid_state = "solid_state"
    electrochemical = "electrochemical"
    surface_reconstruction = "surface_reconstruction"
    other = "other"


class CoatingMethod(StrEnum):
    wet_chemical = "wet_chemical"
    sol_gel = "sol_gel"
    ald = "ald"
    mld = "mld"
    dry = "dry"
    cvd = "cvd"
    sputtering = "sputtering"
    other = "other"


class Electrolyte(StrEnum):
    liquid = "liquid"
    solid_sulfide = "solid_sulfide"
    solid_halide = "solid_halide"
    solid_oxide = "solid_oxide"
    solid_polymer = "solid_polymer"


class CellType(StrEnum):
    half = "half"
    full = "full"


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column: what it holds and the rule a value must obey.

    ``kind`` is ``str`` (free text), ``enum`` (one of ``choices``), ``float`` or ``int``.
    ``lo``/``hi`` bound numeric values (inclusive unless ``lo_open``); ``hint`` is appended to a
    range error because the usual cause of an out-of-range value is a unit slip.
    """

    name: str
    kind: str
    section: str
    unit: str = ""
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    choices: tuple[str, ...] = ()
    hint: str = ""
    description: str = ""

    def range_text(self) -> str:
        """Human form of the allowed range, e.g. ``2.0–5.0 V``."""
        unit = f" {self.unit}" if self.unit and self.unit not in ("-",) else ""
        if self.lo is not None and self.hi is not None:
            left = f"> {self.lo:g}" if self.lo_open else f"{self.lo:g}"
            if self.lo_open:
                return f"{left} and ≤ {self.hi:g}{unit}"
            return f"{left}–{self.hi:g}{unit}"
        if self.lo is not None:
            return f"{'>' if self.lo_open else '≥'} {self.lo:g}{unit}"
        if self.hi is not None:
            return f"≤ {self.hi:g}{unit}"
        return "any value"


def _enum(e: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in e)


_T = "temperature in °C — is it in K?"
_H = "time in hours — is it in minutes?"

COLUMNS: tuple[ColumnSpec, ...] = (
    # provenance
    ColumnSpec("record_id", "str", "provenance", description="stable unique id of the row"),
    ColumnSpec("source", "str", "provenance", description="DOI (lower-case, no URL prefix) or URL; CV grouping key"),
    ColumnSpec("sample_label", "str", "provenance", description="the sample's name in the source"),
    ColumnSpec("notes", "str", "provenance", description="free text; for literature rows the supporting quote"),
    # starting material
    ColumnSpec("cathode", "str", "cathode", description="formula or shorthand (NCM811, NCA, NCM90 ...)"),
    ColumnSpec("ni_frac", "float", "cathode", "-", 0.0, 1.0, hint="a fraction 0–1 — is it in %?"),
    ColumnSpec("co_frac", "float", "cathode", "-", 0.0, 1.0, hint="a fraction 0–1 — is it in %?"),
    ColumnSpec("mn_frac", "float", "cathode", "-", 0.0, 1.0, hint="a fraction 0–1 — is it in %?"),
    ColumnSpec("al_frac", "float", "cathode", "-", 0.0, 1.0, hint="a fraction 0–1 — is it in %?"),
    ColumnSpec("morphology", "enum", "cathode", choices=_enum(Morphology)),
    ColumnSpec("history", "enum", "cathode", choices=_enum(History)),
    ColumnSpec("li_loss_pct", "float", "cathode", "%", 0.0, 100.0, hint="a percentage 0–100"),
    # regeneration
    ColumnSpec("regen_method", "enum", "regeneration", choices=_enum(RegenMethod)),
    ColumnSpec("regen_li_source", "str", "regeneration", description="e.g. LiOH, LiOH-LiNO3, Li2CO3"),
    ColumnSpec("regen_temp_c", "float", "regeneration", "°C", -50.0, 1500.0, hint=_T),
    ColumnSpec("regen_time_h", "float", "regeneration", "h", 0.0, 1000.0, hint=_H),
    ColumnSpec("sinter_temp_c", "float", "regeneration", "°C", -50.0, 1500.0, hint=_T),
    ColumnSpec("sinter_time_h", "float", "regeneration", "h", 0.0, 1000.0, hint=_H),
    # doping
    ColumnSpec("dopant", "str", "doping", description="element symbols, comma-separated"),
    ColumnSpec("dopant_mol_pct", "float", "doping", "mol %", 0.0, 50.0, hint="mol % on the TM site — is it a fraction?"),
    # coating
    ColumnSpec("coating", "str", "coating", description="formula or named material; several joined with +"),
    ColumnSpec("coating_wt_pct", "float", "coating", "wt %", 0.0, 50.0, hint="mass % relative to the cathode"),
    ColumnSpec("coating_thickness_nm", "float", "coating", "nm", 0.0, 5000.0, hint="thickness in nm — is it in µm or Å?"),
    ColumnSpec("coating_method", "enum", "coating", choices=_enum(CoatingMethod)),
    ColumnSpec("anneal_temp_c", "float", "coating", "°C", -50.0, 1500.0, hint=_T),
    ColumnSpec("anneal_time_h", "float", "coating", "h", 0.0, 1000.0, hint=_H),
    # test protocol
    ColumnSpec("electrolyte", "enum", "protocol", choices=_enum(Electrolyte)),
    ColumnSpec("cell_type", "enum", "protocol", choices=_enum(CellType)),
    ColumnSpec("v_min", "float", "protocol", "V", 1.5, 5.0, hint="is it in V vs Li/Li+?"),
    ColumnSpec("v_max", "float", "protocol", "V", 1.5, 5.0, hint="is it in V?"),
    ColumnSpec("test_temp_c", "float", "protocol", "°C", -50.0, 150.0, hint=_T),
    ColumnSpec("capacity_c_rate", "float", "protocol", "C", 0.0, 100.0, lo_open=True, hint="a C-rate such as 0.1 or 1"),
    ColumnSpec("cycle_c_rate", "float", "protocol", "C", 0.0, 100.0, lo_open=True, hint="a C-rate such as 0.1 or 1"),
    ColumnSpec("cycles", "int", "protocol", "cycles", 1.0, 100000.0),
    ColumnSpec("rct_after_cycles", "int", "protocol", "cycles", 0.0, 100000.0),
    # targets
    ColumnSpec("capacity_mah_g", "float", "target", "mAh/g", 0.0, 350.0, lo_open=True, hint="initial discharge capacity in mAh/g"),
    ColumnSpec("retention_pct", "float", "target", "%", 0.0, 120.0, hint="a percentage — is it a fraction?"),
    ColumnSpec("rct_ohm", "float", "target", "ohm", 0.0, 1.0e6, lo_open=True, hint="resistance in ohm"),
)

SPECS: dict[str, ColumnSpec] = {c.name: c for c in COLUMNS}
CANONICAL: tuple[str, ...] = tuple(c.name for c in COLUMNS)
TARGETS: tuple[str, ...] = ("capacity_mah_g", "retention_pct", "rct_ohm")

#: The protocol columns that describe how each target was measured. The others belong to another
#: target's measurement (the C-rate of the capacity test says nothing about Rct): treatment pairs
#: are matched on these, and a target's applicability domain ignores the others.
TARGET_PROTOCOL: dict[str, tuple[str, ...]] = {
    "capacity_mah_g": ("v_min", "v_max", "test_temp_c", "capacity_c_rate", "electrolyte", "cell_type"),
    "retention_pct": ("v_min", "v_max", "test_temp_c", "cycle_c_rate", "cycles", "electrolyte", "cell_type"),
    "rct_ohm": ("v_min", "v_max", "test_temp_c", "rct_after_cycles", "electrolyte", "cell_type"),
}
FRACTIONS: tuple[str, ...] = ("ni_frac", "co_frac", "mn_frac", "al_frac")
PREDICTION_SUFFIXES: tuple[str, ...] = ("_pred", "_lower", "_upper")
PREDICTION_COLUMNS: tuple[str, ...] = tuple(
    f"{t}{s}" for t in TARGETS for s in PREDICTION_SUFFIXES
) + ("in_domain", "domain_notes")
NUMERIC: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind in ("float", "int"))
