"""The smooth curve replacing a staircase: monotone where the steps are, exact bookkeeping."""

import numpy as np

from cathodeml.models.smoothing import SmoothCurve, split_values, staircase


def test_smooth_curve_passes_through_segment_midpoints_and_stays_monotone():
    thresholds = np.array([1.0, 2.0], dtype=np.float32)
    values = np.array([0.0, 1.0, 3.0])  # steps at 1 and 2, a monotone staircase
    curve = SmoothCurve.fit(thresholds, values, lo=0.0, hi=3.0)
    np.testing.assert_allclose(curve.knots_x, [0.5, 1.5, 2.5])
    np.testing.assert_allclose(curve.knots_y, [0.0, 1.0, 3.0])
    t = np.linspace(-1, 4, 101)
    smooth = curve.correction(t) + values[np.searchsorted(thresholds, t.astype(np.float32), side="right")]
    assert np.all(np.diff(smooth) >= -1e-12)
    # at a segment midpoint the correction is zero; beyond the range the curve is flat
    np.testing.assert_allclose(curve.correction(np.array([1.5])), [0.0], atol=1e-12)
    assert smooth[0] == smooth[1] and smooth[-1] == smooth[-2]


def test_a_value_on_a_split_belongs_to_the_segment_above():
    curve = SmoothCurve.fit(np.array([1.0], dtype=np.float32), np.array([0.0, 2.0]), 0.0, 2.0)
    # staircase value at t = 1 is the upper segment's (XGBoost sends x < split left)
    assert curve.correction(np.array([1.0]))[0] == np.interp(1.0, curve.knots_x, curve.knots_y) - 2.0


def test_unknown_values_get_no_correction():
    curve = SmoothCurve.fit(np.array([1.0], dtype=np.float32), np.array([0.0, 2.0]), 0.0, 2.0)
    assert curve.correction(np.array([np.nan]))[0] == 0.0


def test_split_values_and_staircase_read_a_real_booster():
    from xgboost import XGBRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(0, 3, size=(200, 2)).astype(np.float32)
    y = np.floor(X[:, 0]) + 0.1 * X[:, 1]
    m = XGBRegressor(n_estimators=20, max_depth=2, interaction_constraints="[[0], [1]]").fit(X, y)
    splits = split_values(m.get_booster(), 0)
    assert len(splits) >= 2 and np.all(np.diff(splits) > 0)
    steps = staircase(m.predict, np.array([0.0, 1.5], dtype=np.float32), 0, splits)
    assert len(steps) == len(splits) + 1 and steps[-1] > steps[0] + 1.5  # the 0→2+ rise of floor(x)
