import numpy as np
from sklearn.linear_model import LinearRegression

from cathodeml.models.conformal import PointOnly, fit_conformal, predict_interval


def test_coverage_is_close_to_nominal_on_fresh_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=2000)
    groups = np.repeat(np.arange(40), 50)
    reg = fit_conformal(LinearRegression(), X[:1000], y[:1000], groups[:1000], 0.9, 0)
    _, lo, hi = predict_interval(reg, X[1000:])
    cov = np.mean((y[1000:] >= lo) & (y[1000:] <= hi))
    assert 0.86 <= cov <= 0.94
    # width ≈ 2 × 1.645 σ for Gaussian noise of σ = 1
    assert np.mean(hi - lo) == np.float64(np.mean(hi - lo))
    assert 2.9 < np.mean(hi - lo) < 3.8


def test_too_few_rows_give_point_only_with_nan_bounds():
    X = np.arange(8, dtype=float).reshape(-1, 1)
    reg = fit_conformal(LinearRegression(), X, 2 * X[:, 0], None, 0.9, 0)
    assert isinstance(reg, PointOnly)
    p, lo, hi = predict_interval(reg, X)
    np.testing.assert_allclose(p, 2 * X[:, 0], atol=1e-9)
    assert np.isnan(lo).all() and np.isnan(hi).all()
