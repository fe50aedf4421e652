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


def _jobs(exp, out):
    return [(plot_waterfall, ("retention_pct", i, out / f"w{i}.png")) for i in range(4)] + [
        (plot_beeswarm, (t, out / f"b_{t}.png")) for t in exp.targets]


class Count:
    def __init__(self):
        self.n = 0

    def start(self, total, description):
        pass

    def advance(self):
        self.n += 1

    def stop(self):
        pass


def test_plots_drawn_by_two_processes_are_the_plots_drawn_by_one(exp, tmp_path, monkeypatch):
    import cathodeml.explain.report as report

    monkeypatch.setattr(report, "_plot_workers", lambda: 2)
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    monkeypatch.setattr(report, "MIN_PARALLEL_PLOTS", 10**6)
    report.draw_all(exp, _jobs(exp, one), Count())
    monkeypatch.setattr(report, "MIN_PARALLEL_PLOTS", 1)
    progress = Count()
    report.draw_all(exp, _jobs(exp, two), progress)
    assert progress.n == len(_jobs(exp, two)), "progress advances once per plot"
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir()) and len(names) == 7
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_a_plot_that_fails_in_a_worker_fails_the_report(exp, tmp_path, monkeypatch):
    import cathodeml.explain.report as report

    monkeypatch.setattr(report, "_plot_workers", lambda: 2)
    monkeypatch.setattr(report, "MIN_PARALLEL_PLOTS", 1)
    late = [(plot_waterfall, ("retention_pct", i % 4, tmp_path / f"late{i}.png")) for i in range(12)]
    jobs = [(plot_waterfall, ("retention_pct", 10**6, tmp_path / "nope.png"))] + late
    with pytest.raises(IndexError):
        report.draw_all(exp, jobs, Count())
    assert not (tmp_path / "nope.png").exists()
    written = len(list(tmp_path.glob("late*.png")))
    assert written <= 6, f"{written} of 12 plots drawn after the failure: the queued ones must be cancelled"


def test_two_reports_drawn_at_once_each_get_their_own_plots(exp, tmp_path, monkeypatch):
    import threading

    import cathodeml.explain.report as report

    monkeypatch.setattr(report, "_plot_workers", lambda: 2)
    monkeypatch.setattr(report, "MIN_PARALLEL_PLOTS", 1)
    for attempt in range(2):  # a race: two chances to lose it (the old code lost ~1 plot in 3 each time)
        dirs = [tmp_path / f"{attempt}{name}" for name in "ab"]
        for d in dirs:
            d.mkdir()
        jobs = {d: [(plot_waterfall, ("retention_pct", i, d / f"{i}.png")) for i in range(4)] for d in dirs}
        threads = [threading.Thread(target=report.draw_all, args=(exp, jobs[d], Count())) for d in dirs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for d in dirs:
            assert sorted(p.name for p in d.iterdir()) == sorted(f"{i}.png" for i in range(4)), d.name


def test_a_long_recipe_id_keeps_the_waterfall_title_on_the_figure(model, shipped_frame):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from cathodeml.explain.plots import waterfall_figure

    frame = shipped_frame.head(1).copy()
    frame["record_id"] = "lab-notebook-2026-batch-07-sample-" + "x" * 40
    one = Explainer(model).explain(frame, validate=False)
    fig = waterfall_figure(one, "retention_pct", 0)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    title = fig.axes[0].title.get_window_extent(canvas.get_renderer())
    assert title.x0 >= 0 and title.x1 <= fig.bbox.width, (title, fig.bbox.width)
    assert fig.axes[0].get_title().startswith("recipe lab-notebook-2026-batch-07-sample-xxxxxxxxxxxxx…\n")
