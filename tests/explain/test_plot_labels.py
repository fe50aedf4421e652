"""Plots a scientist can read: units on every axis, colour by better/worse, no interval claims without one."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex

from cathodeml.explain.attribution import Explainer
from cathodeml.explain.plots import BAD, GOOD, waterfall_figure, waterfall_steps
from cathodeml.models.persistence import load_local_model
from cathodeml.schema import HIGHER_IS_BETTER
from cathodeml.training.cv import OutOfFold
from cathodeml.training.plots import NEUTRAL, parity_figure
from tests.conftest import synthetic_frame


@pytest.fixture(scope="module")
def explanation(tiny_model_dir):
    frame = synthetic_frame(n_sources=1, per_source=4)  # rows 0 and 2 uncoated, 1 and 3 coated
    return Explainer(load_local_model(tiny_model_dir)).explain(frame)


def test_waterfall_is_in_target_units_coloured_by_better_or_worse(explanation):
    for target, te in explanation.targets.items():
        fig = waterfall_figure(explanation, target, 1)
        ax = fig.axes[0]
        bars = [p for p in ax.patches if p.get_height() > 0]
        assert ax.get_xlabel().startswith({"capacity_mah_g": "capacity [mAh/g]", "retention_pct": "retention [%]",
                                           "rct_ohm": "Rct [Ω]"}[target])
        deltas = np.array([b.get_width() for b in bars])
        base, pred = te.in_target_units(te.base_value), te.in_target_units(te.prediction[1])
        assert deltas.sum() == pytest.approx(pred - base, rel=1e-4, abs=1e-4)  # steps add up in target units
        for b, d in zip(bars, deltas):
            better = (d > 0) == HIGHER_IS_BETTER[target]
            assert to_hex(b.get_facecolor()) == (GOOD if better else BAD)  # a lower Rct is green
        assert ax.get_xscale() == ("log" if target == "rct_ohm" else "linear")


def test_waterfall_of_an_uncoated_recipe_has_one_no_coating_bar(explanation):
    labels = [label for label, _ in waterfall_steps(explanation, "retention_pct", 0)]
    assert not {"coating chemistry", "coating amount", "coating process"} & set(labels)
    assert "no coating" in labels
    coated = [label for label, _ in waterfall_steps(explanation, "retention_pct", 1)]
    assert "no coating" not in coated


def test_parity_without_interval_claims_none():
    y = np.array([60.0, 70.0, 300.0, 700.0])
    nan = np.full(4, np.nan)
    fig = parity_figure(OutOfFold(y, y * 1.1, nan, nan, np.zeros(4)), "rct_ohm",
                        {"mae": 0.1, "r2": 0.8, "coverage": float("nan"), "n": 4}, split="random")
    ax = fig.axes[0]
    assert "no interval (too few rows)" in ax.get_title() and "nan" not in ax.get_title()
    colours = {to_hex(c) for coll in ax.collections for c in coll.get_facecolors()}
    assert colours == {to_hex(NEUTRAL)}  # one neutral colour: no point is "outside" an interval that is not there
    assert ax.get_xlabel() == "measured Rct [Ω]" and ax.get_xscale() == "log"
