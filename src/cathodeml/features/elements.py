"""Element-property statistics from matminer's shipped Magpie element tables.

Why not ``matminer.featurizers.composition.ElementProperty`` itself? It computes exactly these
statistics, but importing it costs ~4.5 s (it pulls in the whole featurizer stack), paid by every
``predict`` and every service start. We read the *same data files* matminer ships
(``matminer/utils/data_files/magpie_elementdata/*.table``, no download) and compute the same two
statistics it defines — the fraction-weighted mean and the weighted average absolute deviation
(``avg_dev``) — plus minimum and maximum. ``tests/features/test_elements.py`` checks every number
against ``ElementProperty`` so the two cannot drift apart.

Missing table entries are imputed with the mean over all elements, as matminer's
``MagpieData(impute_nan=True)`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

import numpy as np

#: The Magpie properties used for every element-statistics block (chosen for what governs
#: layered-oxide and coating behaviour: size, electronegativity, valence, bonding strength).
PROPERTIES: tuple[str, ...] = (
    "Number",
    "AtomicWeight",
    "Electronegativity",
    "CovalentRadius",
    "NValence",
    "NdValence",
    "MeltingT",
    "FirstIonizationEnergy",
)
STATS: tuple[str, ...] = ("mean", "avg_dev", "minimum", "maximum")

#: Transition-metal-site elements that can change oxidation state inside a layered oxide's usual
#: window (2.5–4.5 V vs Li/Li⁺) and so carry capacity. Everything else put on the TM site — Mn⁴⁺,
#: Al, Mg, Ti, Zr, W, B, Nb, Mo, Ta, La, Y, … — is electrochemically inactive there: it can
#: stabilise the lattice, but it dilutes capacity.
REDOX_ACTIVE: frozenset[str] = frozenset({"Ni", "Co", "Fe", "Cr", "V", "Cu"})


def is_redox_active(symbol: str) -> bool:
    return symbol in REDOX_ACTIVE

CITATION = (
    "@article{ward_agrawal_choudary_wolverton_2016, title={A general-purpose machine learning framework for "
    "predicting properties of inorganic materials}, volume={2}, DOI={10.1038/npjcompumats.2017.28}, "
    "journal={npj Computational Materials}, author={Ward, Logan and Agrawal, Ankit and Choudhary, Alok and "
    "Wolverton, Christopher}, year={2016}}"
)


@lru_cache(maxsize=1)
def _symbols() -> tuple[str, ...]:
    from pymatgen.core import Element

    return tuple(Element.from_Z(z).symbol for z in range(1, 119))


@lru_cache(maxsize=1)
def property_table() -> dict[str, np.ndarray]:
    """{property: array indexed by Z-1} read from matminer's data files, NaNs imputed."""
    base = resources.files("matminer.utils.data_files").joinpath("magpie_elementdata")
    table: dict[str, np.ndarray] = {}
    for prop in PROPERTIES:
        lines = base.joinpath(f"{prop}.table").read_text().splitlines()
        vals = np.full(118, np.nan)
        for z in range(118):
            try:
                vals[z] = float(lines[z])
            except (ValueError, IndexError):
                pass
        vals[np.isnan(vals)] = np.nanmean(vals)
        table[prop] = vals
    return table


@lru_cache(maxsize=1)
def _z_of() -> dict[str, int]:
    return {s: i for i, s in enumerate(_symbols())}


def element_values(symbol: str) -> np.ndarray:
    """The property vector of one element (order of :data:`PROPERTIES`)."""
    z = _z_of()[symbol]
    table = property_table()
    return np.array([table[p][z] for p in PROPERTIES])


def element_stats(amounts: Mapping[str, float], stats: tuple[str, ...] = STATS) -> np.ndarray:
    """Statistics of each property over a composition ``{symbol: amount}``.

    Returns ``len(PROPERTIES) * len(stats)`` numbers, property-major (as matminer orders them).
    """
    symbols = [s for s, a in amounts.items() if a > 0]
    if not symbols:
        return np.full(len(PROPERTIES) * len(stats), np.nan)
    w = np.array([amounts[s] for s in symbols], dtype=float)
    w = w / w.sum()
    values = np.stack([element_values(s) for s in symbols])  # (n_elements, n_props)
    mean = w @ values
    out = []
    for j in range(len(PROPERTIES)):
        col = values[:, j]
        for st in stats:
            if st == "mean":
                out.append(mean[j])
            elif st == "avg_dev":
                out.append(float(w @ np.abs(col - mean[j])))
            elif st == "minimum":
                out.append(col.min())
            elif st == "maximum":
                out.append(col.max())
            else:
                raise ValueError(f"unknown statistic {st!r}; known: {', '.join(STATS)}")
    return np.asarray(out, dtype=float)


def stat_labels(prefix: str, stats: tuple[str, ...] = STATS) -> list[str]:
    return [f"{prefix}_{st}_{p}" for p in PROPERTIES for st in stats]
