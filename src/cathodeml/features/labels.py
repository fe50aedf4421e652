"""Names a scientist reads: ``Ni fraction``, ``coating amount [wt %]``, ``upper cut-off voltage [V]``.

Feature names (``cathode_ni_frac``, ``protocol_log10_capacity_c_rate``) are identifiers; plots and
reports show :func:`feature_label` instead. A label is built from the recipe column a feature
reads — its human name from :data:`COLUMN_NAMES`, its unit from :mod:`cathodeml.schema` — or from
the feature's pattern (one-hot ``regen_method_hydrothermal`` → ``regeneration: hydrothermal``,
Magpie statistics ``coating_magpie_mean_Electronegativity`` → ``coating: mean electronegativity``);
the few derived features have their own entry in :data:`DERIVED`.
"""

from __future__ import annotations

import re

from cathodeml.schema import SPECS

#: Human names of the recipe columns features read (units are added from the schema).
COLUMN_NAMES: dict[str, str] = {
    "ni_frac": "Ni fraction", "co_frac": "Co fraction", "mn_frac": "Mn fraction", "al_frac": "Al fraction",
    "li_loss_pct": "Li loss", "regen_temp_c": "regeneration temperature", "regen_time_h": "regeneration time",
    "sinter_temp_c": "sintering temperature", "sinter_time_h": "sintering time", "dopant_mol_pct": "dopant amount",
    "coating_wt_pct": "coating amount", "coating_thickness_nm": "coating thickness",
    "anneal_temp_c": "anneal temperature", "anneal_time_h": "anneal time",
    "v_min": "lower cut-off voltage", "v_max": "upper cut-off voltage", "test_temp_c": "test temperature",
    "capacity_c_rate": "capacity-test C-rate", "cycle_c_rate": "cycling C-rate", "cycles": "cycles",
    "rct_after_cycles": "cycles before the Rct measurement",
}
#: One-hot prefixes → what the category is.
CATEGORIES: dict[str, str] = {
    "protocol_electrolyte": "electrolyte", "cathode_history": "history", "regen_method": "regeneration",
    "coating_method": "coating method", "coating_class": "coating class", "regen_li": "Li source",
}
#: Features derived from several columns, or flags.
DERIVED: dict[str, str] = {
    "cathode_other_tm_frac": "other TM fraction", "cathode_li_excess": "Li excess",
    "cathode_tm_complete": "TM fractions complete", "cathode_inactive_tm_frac": "inactive TM fraction",
    "cathode_single_crystal": "single-crystal morphology",
    "coating_present": "coated", "coating_n_components": "coating components", "coating_contains_li": "coating contains Li",
    "coating_named_material": "named coating material (polymer, carbon …)",
    "coating_wt_pct_est": "coating amount, estimated [wt %]", "coating_thickness_nm_est": "coating thickness, estimated [nm]",
    "coating_amount_protective": "coating amount up to the blocking one [share of it]",
    "coating_amount_blocking": "coating amount beyond the blocking one [share of it]",
    "coating_wt_measured": "coating amount stated", "coating_thickness_measured": "coating thickness stated",
    "coating_amount_known": "coating amount known", "regen_applied": "regenerated",
    "regen_li_n_salts": "Li source: number of salts",
    "dopant_present": "doped", "dopant_n_elements": "dopant elements",
    "dopant_inactive_mol_pct": "inactive dopant amount [mol %]", "dopant_active_mol_pct": "active dopant amount [mol %]",
    "protocol_window_v": "voltage window [V]", "protocol_half_cell": "half cell",
    "protocol_log10_capacity_c_rate": "capacity-test C-rate [log10 C]",
    "protocol_log10_cycle_c_rate": "cycling C-rate [log10 C]", "protocol_log10_cycles": "cycles [log10]",
    "protocol_log10_1p_rct_after_cycles": "cycles before the Rct measurement [log10(1 + n)]",
}
#: Magpie element properties (matminer's names) → name [unit].
PROPERTIES: dict[str, str] = {
    "Number": "atomic number", "AtomicWeight": "atomic weight [u]", "Electronegativity": "electronegativity (Pauling)",
    "CovalentRadius": "covalent radius [pm]", "NValence": "valence electrons", "NdValence": "d valence electrons",
    "MeltingT": "melting point [K]", "FirstIonizationEnergy": "first ionisation energy [eV]",
}
STATISTICS: dict[str, str] = {"mean": "mean", "avg_dev": "spread of", "minimum": "lowest", "maximum": "highest"}
#: Words written in capitals (coating methods, Li sources).
_ACRONYMS = {"ald": "ALD", "mld": "MLD", "cvd": "CVD", "li": "Li"}
_MAGPIE = re.compile(r"^(?P<part>[a-z]+)_magpie_(?P<stat>mean|avg_dev|minimum|maximum)_(?P<prop>\w+)$")


def column_label(column: str) -> str:
    """``upper cut-off voltage [V]``: a recipe column's human name with its unit from the schema."""
    unit = SPECS[column].unit if column in SPECS else ""
    name = COLUMN_NAMES.get(column, column.replace("_", " "))
    return f"{name} [{unit}]" if unit and unit != "-" and column not in ("cycles", "rct_after_cycles") else name


def _words(text: str) -> str:
    return " ".join(_ACRONYMS.get(w, w) for w in text.replace("li_ion", "Li-ion").replace("sol_gel", "sol-gel").split("_"))


def feature_label(name: str) -> str:
    """The human label of one feature (the name with underscores as spaces when none is known)."""
    if name in DERIVED:
        return DERIVED[name]
    for prefix in ("cathode_", "protocol_", ""):
        column = name.removeprefix(prefix) if prefix and name.startswith(prefix) else name
        if column in COLUMN_NAMES:
            return column_label(column)
    m = _MAGPIE.match(name)
    if m and m["prop"] in PROPERTIES:
        return f"{m['part']}: {STATISTICS[m['stat']]} {PROPERTIES[m['prop']]}"
    for prefix, what in sorted(CATEGORIES.items(), key=lambda kv: -len(kv[0])):
        if name.startswith(prefix + "_"):
            return f"{what}: {_words(name.removeprefix(prefix + '_'))}"
    return name.replace("_", " ")
