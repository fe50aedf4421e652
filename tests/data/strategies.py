"""Hypothesis strategies for recipe cells, headers and whole tables, and the fuzz profiles.

Profiles: ``ci`` (the default: every test's own example count) and ``thorough`` (10× as many),
chosen with ``HYPOTHESIS_PROFILE=thorough``. ``examples(n)`` scales a test's CI count.
"""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from cathodeml.data.elements import SYMBOLS
from cathodeml.schema import ALIASES, CANONICAL, SPECS

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
_SCALE = {"ci": 1, "thorough": 10}
for _name in _SCALE:
    settings.register_profile(
        _name, deadline=None, derandomize=False, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )
settings.load_profile(PROFILE if PROFILE in _SCALE else "ci")


def examples(ci: int) -> int:
    """A test's example count under the active profile."""
    return ci * _SCALE.get(PROFILE, 1)


SHORTHAND = ["NCM811", "NMC622", "NCM523", "NMC532", "NCM90", "NCM83", "NCA", "NCA88", "NCMA", "NCMA90", "LNO",
             "NCM111", "NCM71515", "ncm811", "NCM812", "NCM9", "NCM" + "1" * 12]
FORMULAS = ["LiNi0.8Co0.1Mn0.1O2", "Li(Ni0.8Co0.1Mn0.1)0.99Ti0.01O2", "LiNi0.88Co0.09Al0.03O2", "LiCoO2",
            "Li1.2Ni0.13Co0.13Mn0.54O2", "Li0.98Mg0.02Ni0.94Co0.06O2", "LiNi0.8Co0.1MN0.1O2", "LiNi0.8Co0.1Mn0.1O",
            "LiNi08Co01Mn01O2", "Li[Ni0.5Co0.2Mn0.3]O2", "LiNi0.8Co0.1Mn0.1O1.98F0.02"]
COATINGS = ["Al2O3", "LiAlO2", "LiAIO2", "LiA1O2", "Li3PO4", "PEDOT", "spandex", "carbon", "Al2O3+LiF", "LZO",
            "Li1.3Al0.3Ti1.7(PO4)3", "none", "Unobtainium", "UO2", "S", "Al2O3+", "TiO2+rGO"]
NUMBERS = ["0", "1", "-1", "4.3", "2.8", "100", "1e19", "1e308", "1e400", "inf", "-inf", "nan", "NaN", "1" + "0" * 30,
           "4,3", "4.3 V", "90%", "=A1*2", "#DIV/0!", "1e-300", "5e-324", "0.5", "60.0", "60.5", "", " ", "NA", "null"]


def _pool_formulas(rng: random.Random, n: int) -> list[str]:
    """Formulas of random real elements (any Z): half of them layered oxides (Li, metals summing to 1, O2)."""
    out = []
    for _ in range(n):
        elements = rng.sample(SYMBOLS, rng.randint(1, 4))
        if rng.random() < 0.5:
            metals = ["Ni", *(e for e in elements if e not in ("Li", "O", "Ni"))]
            shares = [rng.randint(1, 9) for _ in metals]
            out.append("Li" + "".join(f"{m}{s / sum(shares):.4f}" for m, s in zip(metals, shares)) + "O2")
        else:
            amounts = ["", "0.1", "0.8", "1", "2", "0.05", "08", "1.5", f"{rng.uniform(0, 3):.3g}"]
            out.append("".join(e + rng.choice(amounts) for e in elements) + rng.choice(["", "O2", "O"]))
    return out


# Cells are drawn from pools built once (cheap to draw: generation, not the reader, dominated the
# fuzz's time), plus a free-text branch so hypothesis still explores and shrinks.
_RNG = random.Random(20261201)
FORMULA_POOL = FORMULAS + _pool_formulas(_RNG, 300)
NUMBER_POOL = NUMBERS + [repr(_RNG.uniform(-1e3, 1e3)) for _ in range(60)] + [
    repr(10.0 ** _RNG.uniform(-320, 307)) for _ in range(40)] + [str(_RNG.randint(-(10**25), 10**25)) for _ in range(20)]
CATHODE_POOL = SHORTHAND + FORMULA_POOL + ["", "NCM", "Li", "ncm 811", "LiNiO2 ", "NCM811\x00"]
COATING_POOL = COATINGS + _pool_formulas(_RNG, 60) + ["+".join(_RNG.sample(COATINGS, 2)) for _ in range(20)] + [""]
DOPANT_POOL = ["", "none", "D", "T", "X", "al", "MN", "Al,", "Al,Al"] + [
    ",".join(_RNG.sample(SYMBOLS, _RNG.randint(1, 3))) for _ in range(60)]
TEXT_POOL = ["", " ", "x", "°C", "µm", "—", "\ufeff", "a\nb", '"', "'", "\x00", "4\x0045", "=1/0", "=SUM(A1:A3)",
             "#N/A", "Liquid", "none", "NA", "日本語", "🙂", "a;b", "a,b", "a\tb", "|"]
_free_text = st.text(max_size=8)


def _numbers_in_range(column: str, rng: random.Random) -> list[str]:
    """Valid numbers of a column: its bounds, values just inside them, random ones; whole for int columns."""
    spec = SPECS[column]
    lo = spec.lo if spec.lo is not None else -1e6
    hi = spec.hi if spec.hi is not None else 1e6
    values = [hi, (lo + hi) / 2, rng.uniform(lo, hi), rng.uniform(lo, hi), hi - 1e-9 * (hi - lo)]
    values += [lo + 5e-324, lo + 1e-300] if spec.lo_open else [lo, lo + 1e-12]
    if spec.kind == "int":
        return [str(int(v)) for v in values if lo <= int(v) <= hi] + [f"{int(hi)}.0"]
    return [repr(v) for v in values]


_GOOD_CATHODES = [c for c in SHORTHAND[:13]] + [f for f in FORMULA_POOL if f.startswith("Li") and f.endswith("O2")]
_GOOD_COATINGS = ["Al2O3", "LiAlO2", "Li3PO4", "PEDOT", "spandex", "carbon", "Al2O3+LiF", "LZO", "TiO2+rGO", "none",
                  "Li1.3Al0.3Ti1.7(PO4)3", "MgF2", "Li3InCl6", "ZrO2+LiNbO3+carbon", "graphene", ""]
_GOOD_DOPANTS = ["", "none"] + [",".join(_RNG.sample(SYMBOLS, _RNG.randint(1, 3))) for _ in range(60)]


def good_cells(column: str, rng: random.Random) -> list[str]:
    """Cells that should pass a column's own rule (cross-column rules may still refuse a row)."""
    spec = SPECS[column]
    if column in ("cathode", "coating", "dopant"):
        return {"cathode": _GOOD_CATHODES, "coating": _GOOD_COATINGS, "dopant": _GOOD_DOPANTS}[column]
    if spec.kind in ("float", "int"):
        return _numbers_in_range(column, rng) + [""]
    if spec.kind == "enum":
        return [*spec.choices, ""]
    return TEXT_POOL


def bad_cells(column: str) -> list[str]:
    """Cells a scientist (or a broken export) could put in a column by mistake."""
    spec = SPECS[column]
    if column in ("cathode", "coating", "dopant"):
        return {"cathode": CATHODE_POOL, "coating": COATING_POOL, "dopant": DOPANT_POOL}[column]
    if spec.kind in ("float", "int"):
        return NUMBER_POOL
    if spec.kind == "enum":
        return ["Liquid", "other ", "none", "?"]
    return TEXT_POOL


def random_text(rng: random.Random) -> str:
    """A short random string over ASCII, Latin-1, symbols and a few astral characters."""
    alphabet = "abcXYZ019.,;-+ %°µ\t\"'" + "éßΩ—日🙂\x00\x7f"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))


def pick(rng: random.Random, pool: list) -> object:
    """A pool value, or (one time in eight) random text: cheap cells for big tables."""
    return random_text(rng) if rng.random() < 0.125 else rng.choice(pool)


@st.composite
def recipe_rows(draw, min_rows: int = 1, max_rows: int = 12) -> tuple[list[str], list[dict[str, str]]]:
    """(columns, rows of raw cells) over a random subset of canonical columns (cathode usually in).

    Hypothesis draws the sizes and a seed; columns and cells come from the pools through
    ``random.Random(seed)`` (drawing each cell through hypothesis cost more than reading the table).
    """
    rng = random.Random(draw(st.integers(0, 2**32)))
    columns = rng.sample(CANONICAL, draw(st.integers(1, 14)))  # (unique lists drawn by hypothesis were often rejected)
    if "cathode" not in columns and draw(st.integers(0, 4)):
        columns.insert(0, "cathode")
    bad = draw(st.sampled_from([0.0, 0.03, 0.1, 0.3]))  # share of cells drawn from the mistakes
    rows = [{c: str(pick(rng, bad_cells(c) if rng.random() < bad else good_cells(c, rng))) for c in columns}
            for _ in range(draw(st.integers(min_rows, max_rows)))]
    return columns, rows


HEADER_POOL: list[object] = [*CANONICAL, *(c.upper() for c in CANONICAL), *(c.replace("_", " ") for c in CANONICAL),
                             *(c[:-1] for c in CANONICAL), *sorted(ALIASES), "", " ", "2024", 2024, 4.5, -1, "Unnamed: 3",
                             "my_comment", "notes2", "x", "cathode ", "\ufeffcathode", "v max (V)", "Capacity (mAh/g)"]
JUNK_POOL: list[object] = [*NUMBER_POOL, *CATHODE_POOL[:80], *COATING_POOL[:40], *TEXT_POOL, None, 0, 1, -3, 10**20,
                           1.5, float("nan"), float("inf"), True]


def header_cell() -> st.SearchStrategy[object]:
    """Header names: canonical, near misses, aliases, junk, numbers, blanks."""
    return st.one_of(st.sampled_from(HEADER_POOL), _free_text)
