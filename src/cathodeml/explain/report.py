"""``cathodeml explain``'s files: attributions, counterfactuals and plots in one folder.

Each file is written atomically; none may be one of the inputs (checked before any is written).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pandas as pd

import cathodeml.atomic as atomic
from cathodeml.explain.attribution import Explainer, Explanation
from cathodeml.explain.counterfactuals import counterfactuals
from cathodeml.explain.plots import plot_beeswarm, plot_global_importance, plot_waterfall
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.progress import Progress

TABLES = ("treatments.csv", "features.csv", "counterfactuals.csv")


def report_paths(out_dir: Path, targets, n_waterfalls: int) -> list[Path]:
    """Every file :func:`write_explanation` writes for these targets and waterfall count."""
    paths = [out_dir / n for n in TABLES] + [out_dir / "global_treatment_importance.png"]
    paths += [out_dir / f"beeswarm_{t}.png" for t in targets]
    paths += [out_dir / "waterfalls" / f"{i + 1:04d}_{t}.png" for t in targets for i in range(n_waterfalls)]
    return paths


def write_explanation(model: CathodeModel, typed: pd.DataFrame, out_dir: Path, *, waterfalls: int = 10,
                      inputs: tuple[Path, ...] = (), progress: Progress | None = None) -> Explanation:
    """treatments.csv, features.csv, counterfactuals.csv, the global bar chart, a beeswarm per
    target and waterfalls for the first ``waterfalls`` recipes; returns the explanation.
    ``inputs`` (the recipe file) are refused as outputs before anything is computed; ``progress``
    advances once per step (attributions, counterfactuals, tables, each plot). Every file is
    written atomically."""
    progress = progress or Progress()
    n_waterfalls = min(waterfalls, len(typed))
    for p in report_paths(out_dir, model.targets, n_waterfalls):
        atomic.check_not_input(p, *inputs)
    progress.start(4 + len(model.targets) * (1 + n_waterfalls), f"explaining {len(typed)} recipes")
    try:
        exp = Explainer(model).explain(typed, validate=False)
        progress.advance()
        cf = counterfactuals(model, typed, validate=False)
        progress.advance()
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, table in zip(TABLES, (exp.treatments(), exp.features(), cf)):
            atomic.write_csv(table, out_dir / name, index=False, float_format="%.6g")
        progress.advance()
        jobs: list[tuple[Callable[..., Any], tuple]] = [(plot_global_importance, (out_dir / "global_treatment_importance.png",))]
        for t in exp.targets:
            jobs.append((plot_beeswarm, (t, out_dir / f"beeswarm_{t}.png")))
            jobs += [(plot_waterfall, (t, i, out_dir / "waterfalls" / f"{i + 1:04d}_{t}.png")) for i in range(n_waterfalls)]
        draw_all(exp, jobs, progress)
    finally:
        progress.stop()
    return exp


#: In a forked plotting process: the explanation and the jobs (set by the pool's initializer;
#: with the fork start method its arguments are inherited, not pickled).
_SHARED: tuple[Explanation, list] | None = None
#: Fewer plots than this are drawn in this process: forking costs more than it saves.
MIN_PARALLEL_PLOTS = 6


def _share(exp: Explanation, jobs: list) -> None:
    global _SHARED
    _SHARED = (exp, jobs)


def _draw(k: int) -> None:
    exp, jobs = _SHARED  # type: ignore[misc]
    func, args = jobs[k]
    func(exp, *args)


def _plot_workers() -> int:
    # Linux only: macOS offers fork too, but a forked child of a process that has used its system
    # frameworks may crash; there and on Windows the plots are drawn in this process.
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(2, len(os.sched_getaffinity(0)))  # the cores this process may use


def draw_all(exp: Explanation, jobs: list[tuple[Callable[..., Any], tuple]], progress: Progress) -> None:
    """Draw every plot ``func(exp, *args)``; on a multi-core Linux machine two forked processes
    share them. Drawing is matplotlib's pure-Python layout and Agg rendering, one figure at a time
    per process (22 figures for 6 recipes: ~2 s of ``explain``'s ~4 s), and the figures are
    independent. Forked processes inherit the explanation instead of receiving it pickled; they
    draw and write PNGs only (no OpenMP, no model). Files are written atomically either way."""
    workers = _plot_workers()
    if workers < 2 or len(jobs) < MIN_PARALLEL_PLOTS:
        for func, args in jobs:
            func(exp, *args)
            progress.advance()
        return
    # Each pool hands its own jobs to its own workers (initializer): two reports drawn at once
    # from two threads never draw each other's plots.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_share,
                               initargs=(exp, jobs))
    try:
        for done in as_completed([pool.submit(_draw, k) for k in range(len(jobs))]):
            done.result()  # a plot's error is raised here, as in the sequential path
            progress.advance()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # no more plots after a failure (or Ctrl-C)
        raise
    pool.shutdown(wait=True)
