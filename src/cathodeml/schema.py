"""The canonical recipe columns, the targets' units and the prediction names — once, as data.

Every table cathodeml reads or writes (the shipped dataset, a user's CSV, ``predict`` input and
output) uses the canonical column names of the project's data contract (``recipe-columns.md``,
summarised in the README). This module is the one place that knows them: their kind, unit,
allowed range or vocabulary, the hint a scientist sees when a value breaks a rule, the unit
each target is shown in and the names of the prediction columns. The pydantic
:class:`~cathodeml.data.recipe.Recipe`, the frame validator, the REST request model and the
MLflow signature all read these specs, so a rule is written once and enforced the same way
everywhere.
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
    ColumnSpec("capacity_mah_g", "float", "target", "mAh/g", 0.0, 350.0, lo_open=True, hint="initial discharge capacity in mAh/g",
               description="initial discharge capacity at capacity_c_rate"),
    ColumnSpec("retention_pct", "float", "target", "%", 0.0, 100.0, hint="a percentage of the first cycle's capacity — is it a fraction?",
               description="capacity retention after `cycles` cycles at cycle_c_rate, % of the first cycle's"),
    ColumnSpec("rct_ohm", "float", "target", "ohm", 0.0, 1.0e6, lo_open=True, hint="resistance in ohm",
               description="charge-transfer resistance (EIS) after rct_after_cycles cycles"),
    # the user's own untreated sample (optional inputs: control-anchored predictions)
    ColumnSpec("control_capacity_mah_g", "float", "control", "mAh/g", 0.0, 350.0, lo_open=True,
               hint="initial discharge capacity in mAh/g",
               description="your untreated sample of the same starting material, same protocol"),
    ColumnSpec("control_retention_pct", "float", "control", "%", 0.0, 100.0,
               hint="a percentage of the first cycle's capacity — is it a fraction?",
               description="your untreated sample's retention after the same cycles"),
    ColumnSpec("control_rct_ohm", "float", "control", "ohm", 0.0, 1.0e6, lo_open=True, hint="resistance in ohm",
               description="your untreated sample's Rct at the same rct_after_cycles"),
)

SPECS: dict[str, ColumnSpec] = {c.name: c for c in COLUMNS}
#: The vocabulary type of each ``enum`` column (its members are the column's ``choices``).
ENUM_TYPES: dict[str, type[StrEnum]] = {
    "morphology": Morphology,
    "history": History,
    "regen_method": RegenMethod,
    "coating_method": CoatingMethod,
    "electrolyte": Electrolyte,
    "cell_type": CellType,
}
CANONICAL: tuple[str, ...] = tuple(c.name for c in COLUMNS)
TARGETS: tuple[str, ...] = ("capacity_mah_g", "retention_pct", "rct_ohm")
#: ``control_T``: the user's own untreated sample for target T (optional input columns).
CONTROLS: dict[str, str] = {t: f"control_{t}" for t in TARGETS}
#: The columns of a dataset file (the shipped one, a lab's): every canonical column but the controls,
#: which describe a prediction request, not a measured sample.
DATASET_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.section != "control")

#: The protocol columns that describe how each target was measured. The others belong to another
#: target's measurement (the C-rate of the capacity test says nothing about Rct): treatment pairs
#: are matched on these, and a target's applicability domain ignores the others.
TARGET_PROTOCOL: dict[str, tuple[str, ...]] = {
    "capacity_mah_g": ("v_min", "v_max", "test_temp_c", "capacity_c_rate", "electrolyte", "cell_type"),
    "retention_pct": ("v_min", "v_max", "test_temp_c", "cycle_c_rate", "cycles", "electrolyte", "cell_type"),
    "rct_ohm": ("v_min", "v_max", "test_temp_c", "rct_after_cycles", "electrolyte", "cell_type"),
}
FRACTIONS: tuple[str, ...] = ("ni_frac", "co_frac", "mn_frac", "al_frac")
NUMERIC: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind in ("float", "int"))
#: Every column a recipe may carry as input (all but the measured targets; controls included).
INPUTS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.section != "target")

# ---- reading limits and header aliases -------------------------------------------------------

#: Longest cathode, coating or dopant text read (characters). Real names are < 40; the cap keeps
#: the work per cell bounded (a 3 KB shorthand once cost 29 s of CPU in the digit splitter).
MAX_NAME_CHARS = 100
#: Per column, cell texts that state the column's default and so mean the same as an empty cell:
#: ``coating`` / ``dopant`` empty = none (the data contract's "stating a default" rule).
NONE_TOKENS: dict[str, frozenset[str]] = {
    "coating": frozenset({"none", "uncoated", "no coating"}),
    "dopant": frozenset({"none", "undoped", "no dopant"}),
}
#: Common other names of canonical columns, in the normalised form of
#: :func:`cathodeml.data.headers.normalise` (lower case, ``_`` for spaces, hyphens and ``/``,
#: ``pct`` for ``%``). A header that is one of these is a near miss: an error naming the canonical
#: column(s), never an ignored column. Several targets = the alias is ambiguous; all are named.
ALIASES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("voltage_high", "upper_cutoff_v", "upper_cutoff", "upper_voltage", "v_high", "v_upper",
                     "high_voltage", "cutoff_voltage", "charge_cutoff_v", "max_voltage", "voltage_max",
                     "upper_cut_off_voltage", "upper_cutoff_voltage"), ("v_max",)),
    **dict.fromkeys(("voltage_low", "lower_cutoff_v", "lower_cutoff", "lower_voltage", "v_low", "v_lower",
                     "low_voltage", "discharge_cutoff_v", "min_voltage", "voltage_min",
                     "lower_cut_off_voltage", "lower_cutoff_voltage"), ("v_min",)),
    **dict.fromkeys(("discharge_capacity", "initial_capacity", "initial_discharge_capacity", "capacity",
                     "specific_capacity", "discharge_capacity_mah_g", "initial_capacity_mah_g"), ("capacity_mah_g",)),
    **dict.fromkeys(("retention", "capacity_retention", "capacity_retention_pct", "retention_rate"), ("retention_pct",)),
    **dict.fromkeys(("rct", "r_ct", "charge_transfer_resistance", "rct_ohms", "rct_ω", "rct_ohm_cm2"), ("rct_ohm",)),
    **dict.fromkeys(("cycle_number", "n_cycles", "cycle_count", "number_of_cycles", "cycle_no", "num_cycles"), ("cycles",)),
    **dict.fromkeys(("c_rate", "crate", "rate"), ("capacity_c_rate", "cycle_c_rate")),
    **dict.fromkeys(("test_temperature", "test_temp", "test_temperature_c", "cell_temp_c", "cycling_temp_c"),
                    ("test_temp_c",)),
    **dict.fromkeys(("coating_wt", "coating_amount", "coating_content", "coating_loading", "coating_mass_pct",
                     "coating_wt_percent", "coating_pct"), ("coating_wt_pct",)),
    **dict.fromkeys(("coating_thickness", "thickness", "thickness_nm", "layer_thickness"), ("coating_thickness_nm",)),
    **dict.fromkeys(("coating_process", "deposition_method"), ("coating_method",)),
    **dict.fromkeys(("annealing_temp_c", "annealing_temperature", "anneal_temperature", "anneal_temp",
                     "annealing_temp", "calcination_temp_c"), ("anneal_temp_c",)),
    **dict.fromkeys(("annealing_time_h", "annealing_time", "anneal_time"), ("anneal_time_h",)),
    **dict.fromkeys(("doping", "dopant_element", "doping_element", "dopant_elements"), ("dopant",)),
    **dict.fromkeys(("doping_amount", "dopant_amount", "dopant_pct", "dopant_mol", "doping_mol_pct",
                     "dopant_content", "doping_pct"), ("dopant_mol_pct",)),
    **dict.fromkeys(("cathode_material", "material", "composition", "formula", "active_material"), ("cathode",)),
    **dict.fromkeys(("regen_temp", "regeneration_temp_c", "relithiation_temp_c", "regeneration_temperature"),
                    ("regen_temp_c",)),
    **dict.fromkeys(("regen_time", "regeneration_time_h", "relithiation_time_h"), ("regen_time_h",)),
    **dict.fromkeys(("sinter_temp", "sintering_temp_c", "sintering_temperature"), ("sinter_temp_c",)),
    **dict.fromkeys(("sinter_time", "sintering_time_h", "sintering_time"), ("sinter_time_h",)),
    **dict.fromkeys(("regeneration_method", "regen_route"), ("regen_method",)),
    **dict.fromkeys(("li_source", "lithium_source"), ("regen_li_source",)),
    **dict.fromkeys(("ni", "ni_fraction", "ni_content", "x_ni"), ("ni_frac",)),
    **dict.fromkeys(("co", "co_fraction", "co_content", "x_co"), ("co_frac",)),
    **dict.fromkeys(("mn", "mn_fraction", "mn_content", "x_mn"), ("mn_frac",)),
    **dict.fromkeys(("al", "al_fraction", "al_content", "x_al"), ("al_frac",)),
    **dict.fromkeys(("morph", "particle_morphology"), ("morphology",)),
    **dict.fromkeys(("electrolyte_type",), ("electrolyte",)),
    **dict.fromkeys(("li_loss", "lithium_loss", "li_deficiency", "li_loss_percent"), ("li_loss_pct",)),
    **dict.fromkeys(("doi",), ("source",)),
}


# ---- targets: units and physical bounds ------------------------------------------------------

#: How each target is shown to people (the one place Rct's unit is written).
TARGET_UNITS: dict[str, str] = {"capacity_mah_g": "mAh/g", "retention_pct": "%", "rct_ohm": "Ω"}
TARGET_NAMES: dict[str, str] = {"capacity_mah_g": "capacity", "retention_pct": "retention", "rct_ohm": "Rct"}
#: Which way is better, for colours and words: more capacity and retention, less resistance.
HIGHER_IS_BETTER: dict[str, bool] = {"capacity_mah_g": True, "retention_pct": True, "rct_ohm": False}
#: Targets whose model (and SHAP values) live in log10 space: they span decades.
LOG10_TARGETS: frozenset[str] = frozenset({"rct_ohm"})
#: Physical limits of a prediction: retention is a share of the first cycle's capacity (the same
#: range the reader accepts for a measured value); capacity and resistance are positive.
PHYSICAL_BOUNDS: dict[str, tuple[float, float]] = {
    "capacity_mah_g": (0.0, float("inf")),
    "retention_pct": (SPECS["retention_pct"].lo or 0.0, SPECS["retention_pct"].hi or 100.0),
    "rct_ohm": (0.0, float("inf")),
}


def model_unit(target: str) -> str:
    """The unit of a target in its model's space (SHAP values are in it): ``log10(Ω)`` for Rct."""
    unit = TARGET_UNITS[target]
    return f"log10({unit})" if target in LOG10_TARGETS else unit


def axis_label(target: str, *, model_space: bool = False) -> str:
    """``capacity [mAh/g]``, ``Rct [log10(Ω)]``: a plot axis or a table heading."""
    return f"{TARGET_NAMES[target]} [{model_unit(target) if model_space else TARGET_UNITS[target]}]"


# ---- predictions -----------------------------------------------------------------------------

PREDICTION_SUFFIXES: tuple[str, ...] = ("_pred", "_lower", "_upper")
DOMAIN_COLUMNS: tuple[str, ...] = ("in_domain", "domain_notes")


def prediction_columns(targets: tuple[str, ...] | list[str] = TARGETS, *, domain: bool = True) -> list[str]:
    """``T_pred, T_lower, T_upper`` for each target (in :data:`TARGETS` order), then the domain columns."""
    cols = [f"{t}{s}" for t in TARGETS if t in targets for s in PREDICTION_SUFFIXES]
    return cols + (list(DOMAIN_COLUMNS) if domain else [])


PREDICTION_COLUMNS: tuple[str, ...] = tuple(prediction_columns())
DOMAIN_DESCRIPTIONS: dict[str, str] = {
    "in_domain": "whether the recipe lies inside what the model was trained on (its applicability domain); "
                 "false: read domain_notes before trusting the numbers",
    "domain_notes": "why a prediction may not be trusted, '; '-joined: chemistry or values never seen in training, "
                    "numbers outside the training ranges, distance to the nearest training recipe; empty when none",
}


def prediction_descriptions(targets: tuple[str, ...] | list[str] = TARGETS, confidence: float | None = None) -> dict[str, str]:
    """{prediction column: what it holds, with its unit}: one sentence per column of :func:`prediction_columns`."""
    level = f"{confidence:.0%} " if confidence else ""
    out = {}
    for t in TARGETS:
        if t in targets:
            what, unit = SPECS[t].description, TARGET_UNITS[t]
            out[f"{t}_pred"] = f"predicted {what} [{unit}]"
            out[f"{t}_lower"] = f"lower bound of the {level}prediction interval of {t} [{unit}]; null: no interval"
            out[f"{t}_upper"] = f"upper bound of the {level}prediction interval of {t} [{unit}]; null: no interval"
    return out | DOMAIN_DESCRIPTIONS
