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
    w, h = png_size(path)
    assert w > h > 400, "one landscape picture"


def test_one_objective_and_no_coating_column(tmp_path):
    path = plot_pareto(_table(["a", "b", "c"]).drop(columns="coating"), [("retention_pct", True)], tmp_path / "one.png")
    assert path.stat().st_size > 1000
"""The Pareto picture: axes in units that say which way is better; one recommended row is enough."""

import warnings

import pandas as pd

from cathodeml.recommend.plots import pareto_figure


def test_axes_say_which_way_is_better_and_a_single_row_plots():
    row = pd.DataFrame({"coating": ["Al2O3"], "retention_pct_pred": [91.0], "retention_pct_lower": [80.0],
                        "retention_pct_upper": [99.0], "rct_ohm_pred": [70.0], "rct_ohm_lower": [50.0],
                        "rct_ohm_upper": [90.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # a one-row Series handed to matplotlib warned
        ax = pareto_figure(row, [("retention_pct", True), ("rct_ohm", False)]).axes[0]
    assert ax.get_xlabel().startswith("predicted retention [%] — better →")
    assert ax.get_ylabel() == "predicted Rct [Ω] — better ←" and ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.texts] == ["#1"]
