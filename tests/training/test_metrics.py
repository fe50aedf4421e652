import numpy as np
import pytest

from cathodeml.training.metrics import interval_coverage, regression_metrics


def test_interval_coverage_counts_inclusive_bounds():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    lo = np.array([0.0, 2.0, 3.5, 0.0])
    hi = np.array([2.0, 2.5, 4.0, 3.9])
    # inside: 1 in [0,2], 2 in [2,2.5] (edge), 3 not in [3.5,4], 4 not in [0,3.9]
    assert interval_coverage(y, lo, hi) == 0.5


def test_metrics_on_a_known_case():
    y = np.array([1.0, 2.0, 3.0])
    p = np.array([1.0, 2.0, 5.0])
    m = regression_metrics(y, p, p - 1, p + 1)
    assert m["mae"] == pytest.approx(2 / 3)
    assert m["rmse"] == pytest.approx(np.sqrt(4 / 3))
    assert m["r2"] == pytest.approx(1 - 4 / 2)
    assert m["coverage"] == pytest.approx(2 / 3)
    assert m["width"] == pytest.approx(2.0)
    assert m["n"] == 3


def test_missing_interval_is_not_zero_coverage():
    y = np.array([1.0, 2.0])
    m = regression_metrics(y, y, np.full(2, np.nan), np.full(2, np.nan))
    assert np.isnan(m["coverage"])
