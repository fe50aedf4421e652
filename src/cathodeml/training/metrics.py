"""Regression and interval metrics, computed the same way for every model and split."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score


def interval_coverage(y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of true values inside [lower, upper] (bounds inclusive)."""
    y, lower, upper = map(np.asarray, (y, lower, upper))
    return float(np.mean((y >= lower) & (y <= upper))) if len(y) else float("nan")


def regression_metrics(y: np.ndarray, pred: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> dict[str, float]:
    """MAE, RMSE, R², interval coverage and mean width, n."""
    n = len(y)
    if n == 0:
        return {"mae": np.nan, "rmse": np.nan, "r2": np.nan, "coverage": np.nan, "width": np.nan, "n": 0}
    return {
        "mae": float(mean_absolute_error(y, pred)),
        "rmse": float(np.sqrt(mean_squared_error(y, pred))),
        "r2": float(r2_score(y, pred)) if n > 1 else float("nan"),
        # No interval (too few rows to calibrate one) is "not measured", not "0 % covered".
        "coverage": interval_coverage(y, lower, upper) if np.isfinite(lower).all() else float("nan"),
        "width": float(np.mean(np.asarray(upper) - np.asarray(lower))),
        "n": int(n),
    }
