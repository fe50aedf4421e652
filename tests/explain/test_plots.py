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
    w, h = png_size(path)
    assert w > 2.5 * h, "3 targets side by side"


def test_beeswarm_grows_with_the_features_shown(exp, tmp_path):
    small = plot_beeswarm(exp, "retention_pct", tmp_path / "b5.png", top=5)
    large = plot_beeswarm(exp, "retention_pct", tmp_path / "b15.png", top=15)
    assert png_size(small)[0] == png_size(large)[0]
    assert png_size(large)[1] > png_size(small)[1] + 0.3 * 120 * 10, "one row per feature shown"


def test_waterfall_per_recipe(exp, tmp_path):
    path = plot_waterfall(exp, "rct_ohm", 3, tmp_path / "w" / "0004_rct_ohm.png")
    w, h = png_size(path)
    assert 1.2 * h < w < 3 * h


def test_features_behind_the_explanation(exp):
    assert exp_features(exp) is exp.X
    exp_without = type(exp)(exp.feature_names, exp.feature_groups, exp.recipes, exp.targets, X=None)
    assert exp_features(exp_without).shape == exp.X.shape and np.isnan(exp_features(exp_without)).all()
