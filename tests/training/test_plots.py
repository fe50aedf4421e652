"""Parity plots of out-of-fold predictions."""

import numpy as np

from cathodeml.training.cv import OutOfFold
from cathodeml.training.plots import parity_plot
from tests.test_plotting import png_size


def test_parity_plot_skips_unpredicted_rows(tmp_path):
    y = np.array([150.0, 170.0, 190.0, 200.0])
    oof = OutOfFold(y, np.array([155.0, np.nan, 185.0, 230.0]), np.array([140.0, np.nan, 175.0, 220.0]),
                    np.array([170.0, np.nan, 195.0, 240.0]), np.array([0, -1, 1, 1]))
    metrics = oof.metrics()
    assert metrics["n"] == 3 and metrics["coverage"] == 2 / 3  # the last row lies outside its interval
    path = parity_plot(oof, "capacity_mah_g", metrics, tmp_path / "p" / "parity.png")
    w, h = png_size(path)
    assert abs(w - h) < 0.1 * w, "a parity plot is square-ish (equal axes)"
