"""Benchmark: featurize 1,000,000 candidate recipes (20 cathodes × 50 coatings × grids).

Run on demand:  python benchmarks/featurize_1m.py   (results go to docs/benchmarks.md by hand)
Goal (issue 4): ≤ 5 s on the 2-core machine for RecipeFeaturizer.transform.
"""

from __future__ import annotations

import itertools
import platform
import time

import numpy as np
import pandas as pd

from cathodeml.data.rules import check_frame
from cathodeml.features import RecipeFeaturizer

CATHODES = ["NCM523", "NCM622", "NCM811", "NCM90", "NCA", "NCMA", "NCM71515", "NCM111", "LNO", "NCM83",
            "LiNi0.88Co0.09Al0.03O2", "LiNi0.6Co0.2Mn0.2O2", "LiNi0.8Co0.1Mn0.1O2", "LiNi0.9Co0.05Mn0.05O2",
            "LiNi0.94Co0.06O2", "LiNi0.7Co0.1Mn0.2O2", "LiNi0.85Co0.1Mn0.05O2", "LiNi0.5Co0.2Mn0.3O2",
            "LiNi0.92Co0.04Mn0.04O2", "LiNi0.8Co0.15Al0.05O2"]
COATINGS = ["Al2O3", "ZrO2", "TiO2", "SiO2", "Nb2O5", "WO3", "MgO", "CeO2", "La2O3", "Y2O3", "SnO2", "ZnO",
            "V2O5", "Ta2O5", "B2O3", "MoO3", "LiAlO2", "LiNbO3", "Li2ZrO3", "Li3PO4", "LiBO2", "Li2B4O7",
            "Li2TiO3", "Li4Ti5O12", "LiTaO3", "Li2SiO3", "Li2WO4", "AlPO4", "FePO4", "AlF3", "LiF", "MgF2",
            "Li3InCl6", "Li3YCl6", "PEDOT", "polyimide", "PVDF", "polyaniline", "polypyrrole", "spandex",
            "carbon", "graphene", "rGO", "HPU", "Al2O3+LiF", "TiO2+LiF", "LiAlO2+Al2O3", "LZO", "LWO", "LBO"]
WT = [0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.5, 10.0]
ANNEAL = [300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200]  # 20×50×10×10×10 = 1,000,000


def build() -> pd.DataFrame:
    grid = list(itertools.product(CATHODES, COATINGS, WT, ANNEAL, [4.3, 4.4, 4.5, 4.6, 4.7, 4.2, 4.25, 4.35, 4.45, 4.55]))
    frame = pd.DataFrame(grid, columns=["cathode", "coating", "coating_wt_pct", "anneal_temp_c", "v_max"])
    frame["v_min"] = 2.8
    frame["capacity_c_rate"] = 0.1
    frame["cycle_c_rate"] = 1.0
    frame["cycles"] = 100
    frame["electrolyte"] = "liquid"
    frame["coating_method"] = "wet_chemical"
    frame["anneal_time_h"] = 4.0
    return frame


def main() -> None:
    frame = build()
    print(f"{len(frame):,} rows; {platform.processor() or platform.machine()}, python {platform.python_version()}")
    f = RecipeFeaturizer().fit(frame.head(10))
    f.transform(frame.head(1000))  # warm caches (imports, element tables)
    t = time.perf_counter()
    typed = check_frame(frame).frame
    t_check = time.perf_counter() - t
    times = []
    for _ in range(3):
        t = time.perf_counter()
        X = f.transform(typed)
        times.append(time.perf_counter() - t)
        del X
    X = f.transform(typed)
    print(f"validate: {t_check:.2f} s   featurize: first call {times[0]:.2f} s, then {times[1]:.2f} / {times[2]:.2f} s"
          f"   -> {X.shape} {X.dtype}, {X.nbytes / 1e6:.0f} MB")
    assert np.isfinite(X[:, 0]).all()


if __name__ == "__main__":
    main()
