import numpy as np

from cathodeml.models.anchoring import Anchor


def anchor(mode):
    return Anchor("retention_pct", mode, median_effect=-0.5, halfwidth=0.8, n_pairs=20,
                  mae_model=7.0, mae_constant=6.0, mae_absolute=8.0)


def test_modes():
    zc, effect = np.array([-1.0, -2.0]), np.array([-0.2, 0.3])
    np.testing.assert_allclose(anchor("model").anchored(zc, effect), [-1.2, -1.7])
    np.testing.assert_allclose(anchor("constant").anchored(zc, effect), [-1.5, -2.5])
    np.testing.assert_allclose(anchor("constant").anchored(zc, effect, np.array([True, False])), [-1.5, -2.0])


def test_note_says_what_was_done():
    assert "median literature effect" in anchor("constant").note()
    assert "predicted effect of this treatment" in anchor("model").note()
    assert anchor("model").to_dict()["n_pairs"] == 20
