"""Explanation pictures: one PNG each, sized by what they show."""

import numpy as np
import pytest

from cathodeml.explain.attribution import Explainer
from cathodeml.explain.plots import exp_features, plot_beeswarm, plot_global_importance, plot_waterfall
from tests.test_plotting import png_size


@pytest.fixture(scope="module")
def exp(model, shipped_frame):
    return Explainer(model).explain(shipped_frame.head(12), validate=False)


def test_global_importance_has_one_panel_per_target(exp, tmp_path):
    path = plot_global_importance(exp, tmp_path / "imp.png")
    assert png_size(path) == (round(4.2 * 3 * 120), round(3.6 * 120))  # 3 targets side by side, 120 dpi


def test_beeswarm_grows_with_the_features_shown(exp, tmp_path):
    small = plot_beeswarm(exp, "retention_pct", tmp_path / "b5.png", top=5)
    large = plot_beeswarm(exp, "retention_pct", tmp_path / "b15.png", top=15)
    assert png_size(small) == (round(9.5 * 120), round((0.38 * 5 + 1.6) * 120))
    assert png_size(large)[1] == round((0.38 * 15 + 1.6) * 120)


def test_waterfall_per_recipe(exp, tmp_path):
    path = plot_waterfall(exp, "rct_ohm", 3, tmp_path / "w" / "0004_rct_ohm.png")
    assert png_size(path) == (round(6.5 * 120), round(3.8 * 120))


def test_features_behind_the_explanation(exp):
    assert exp_features(exp) is exp.X
    exp_without = type(exp)(exp.feature_names, exp.feature_groups, exp.recipes, exp.targets, X=None)
    assert exp_features(exp_without).shape == exp.X.shape and np.isnan(exp_features(exp_without)).all()
