import numpy as np
import pytest

from cathodeml.models.transforms import MIN_FADE, TRANSFORMS, get_transform


@pytest.mark.parametrize("name,values", [("identity", [1.0, 150.0, 230.0]), ("log10", [3.0, 80.0, 5000.0]),
                                         ("fade", [20.0, 80.0, 99.5])])
def test_round_trip(name, values):
    tf = TRANSFORMS[name]
    np.testing.assert_allclose(tf.inverse(tf.forward(np.array(values))), values, rtol=1e-9)


def test_fade_is_the_log_of_the_capacity_lost_and_decreasing():
    tf = get_transform("fade")
    assert tf.forward(np.array([90.0]))[0] == pytest.approx(np.log(0.1))
    assert not tf.increasing
    z = tf.forward(np.array([60.0, 80.0, 95.0]))
    assert np.all(np.diff(z) < 0)  # more retention, less loss
    # 100 % is read as the smallest representable loss; the inverse never exceeds 100 %
    assert tf.forward(np.array([100.0]))[0] == pytest.approx(np.log(MIN_FADE))
    assert tf.inverse(np.array([5.0]))[0] == 0.0 or tf.inverse(np.array([5.0]))[0] <= 100.0


def test_unknown_transform_is_named():
    with pytest.raises(ValueError, match="transform 'sqrt' is not one of identity, log10, fade"):
        get_transform("sqrt")
