import numpy as np
from sklearn.linear_model import LinearRegression

from cathodeml.models.conformal import conformal_halfwidth


def test_coverage_is_close_to_nominal_on_fresh_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=2000)
    groups = np.repeat(np.arange(40), 50)
    q = conformal_halfwidth(LinearRegression(), X[:1000], y[:1000], groups[:1000], 0.9, 0)
    point = LinearRegression().fit(X[:1000], y[:1000]).predict(X[1000:])
    cov = np.mean(np.abs(y[1000:] - point) <= q)
    assert 0.86 <= cov <= 0.94
    # width ≈ 2 × 1.645 σ for Gaussian noise of σ = 1
    assert 2.9 < 2 * q < 3.8


def test_too_few_rows_give_no_interval():
    X = np.arange(8, dtype=float).reshape(-1, 1)
    assert np.isnan(conformal_halfwidth(LinearRegression(), X, 2 * X[:, 0], None, 0.9, 0))
