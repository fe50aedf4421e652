"""The coverage report counts what a table can teach: targets, coating classes, Ni bands, routes."""

import pandas as pd

from cathodeml.data.info import coverage, ni_fraction
from cathodeml.data.rules import check_frame


def _typed(rows: list[dict]) -> pd.DataFrame:
    return check_frame(pd.DataFrame(rows).astype(str).replace({"nan": "", "None": ""})).frame


ROWS = [
    {"source": "10.1/a", "cathode": "NCM811", "coating": "Al2O3", "regen_method": "none", "electrolyte": "liquid",
     "capacity_mah_g": 200, "retention_pct": 90},
    {"source": "10.1/a", "cathode": "NCM811", "coating": "", "regen_method": "none", "electrolyte": "liquid",
     "capacity_mah_g": 195},
    {"source": "10.1/b", "cathode": "LiNi0.6Co0.2Mn0.2O2", "coating": "LiNbO3", "regen_method": "hydrothermal",
     "electrolyte": "solid_sulfide", "retention_pct": 80},
    {"source": "10.1/c", "cathode": "NCA", "ni_frac": 0.8, "coating": "Al2O3+LiF", "regen_method": "",
     "rct_ohm": 45.0},
    {"source": "10.1/c", "cathode": "LiNi0.9Co0.05Mn0.05O2", "coating": "PEDOT", "regen_method": "none",
     "electrolyte": "", "retention_pct": 85},
]


def test_counts():
    cov = coverage(_typed(ROWS))
    assert (cov.rows, cov.sources) == (5, 3)
    assert cov.per_target == {"capacity_mah_g": 2, "retention_pct": 3, "rct_ohm": 1}
    assert cov.per_coating_class == {"li_ion_conductor": 1, "mixed": 1, "oxide": 1, "polymer": 1, "uncoated": 1}
    assert cov.per_regen_method == {"hydrothermal": 1, "none": 3, "unknown": 1}
    assert cov.per_electrolyte == {"liquid": 2, "solid_sulfide": 1, "unknown": 2}


def test_ni_bands_use_stated_fraction_else_the_formula():
    frame = _typed(ROWS)
    assert ni_fraction(frame).round(2).tolist() == [0.8, 0.8, 0.6, 0.8, 0.9]
    cov = coverage(frame)
    assert cov.per_ni_band == {"<0.5": 0, "0.5–0.6": 0, "0.6–0.7": 1, "0.7–0.8": 0, "0.8–0.9": 3, "≥0.9": 1,
                               "unknown": 0}


def test_column_coverage_is_a_share():
    cov = coverage(_typed(ROWS))
    assert cov.column_coverage["source"] == 1.0
    assert cov.column_coverage["rct_ohm"] == 0.2
