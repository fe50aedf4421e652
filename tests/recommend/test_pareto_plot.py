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
