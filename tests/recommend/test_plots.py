"""The Pareto picture of a recommendation."""

import numpy as np
import pandas as pd

from cathodeml.recommend.plots import plot_pareto
from tests.test_plotting import png_size


def _table(coatings):
    ret = np.array([80.0, 85.0, 90.0])
    cap = np.array([200.0, 195.0, 190.0])
    return pd.DataFrame({"coating": coatings, "retention_pct_pred": ret, "retention_pct_lower": ret - 3,
                         "retention_pct_upper": ret + 3, "capacity_mah_g_pred": cap, "capacity_mah_g_lower": cap - 9,
                         "capacity_mah_g_upper": cap + 9})


def test_two_objectives_one_png(tmp_path):
    path = plot_pareto(_table(["Al2O3", None, "LiAlO2"]), [("retention_pct", True), ("capacity_mah_g", True)],
                       tmp_path / "p" / "rec.png")
    assert png_size(path) == (768, 576)  # 6.4 × 4.8 in at 120 dpi


def test_one_objective_and_no_coating_column(tmp_path):
    path = plot_pareto(_table(["a", "b", "c"]).drop(columns="coating"), [("retention_pct", True)], tmp_path / "one.png")
    assert path.stat().st_size > 1000
