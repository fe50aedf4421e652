"""The next batch: K diverse recipes that balance predicted value and what would be learnt.

``recommend`` finds what the model is *confident* is good (the pessimistic bound). A lab making a
few samples a month also wants to learn: a recipe the model is unsure about may be the best one,
and once measured it teaches the model most. :func:`propose` scores every candidate by an
**acquisition** on its interval and picks K of them greedily under a **diversity rule**:

* ``ucb`` (default) — upper confidence bound: the prediction plus ``kappa`` × the half-width
  of its interval (``kappa`` 1 = the unclipped upper bound of a quantity to maximise, the lower
  one of a quantity to minimise; 0 = the prediction alone);
* ``ei`` — expected improvement over the best value measured so far (the lab's own best, or
  ``best``), the interval read as a normal one (half-width = z·σ at the model's level);
* ``mean`` — the prediction alone (pure exploitation).

**Diversity.** Candidates are taken in order of acquisition; one is kept only if its distance to
every recipe already kept is at least ``min_distance`` — and to every recipe the lab has already
made at least half of it (:data:`MADE_SHARE`: no near-repeats) — in the objective's model
feature space (the features that target's model reads, standardised as the applicability domain
does). Its default is the median distance between a
training recipe and its nearest other one: two picks differ at least as much as two typical
distinct recipes of the training data. When fewer than K candidates pass, the distance is halved
(at most :data:`RELAXATIONS` times), then to 0 (distinct points only), and the one used is
reported. Recipes identical in that space (they differ only in columns the model does not read)
fill the batch only when nothing else is left.

Candidates outside the applicability domain of the objective (:func:`objective_domain`) are left
out unless ``allow_out_of_domain``. The
candidates are a frame (a lab's list of feasible recipes, or a search space's grid: see
:func:`propose_from_space`); :func:`fill_in_table` turns the pick into the CSV a scientist fills
in with the measurements and gives to ``cathodeml data add``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cathodeml.data.labs import LAB_PREFIX
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.recommend.search import feasible
from cathodeml.recommend.space import SearchSpace
from cathodeml.schema import DATASET_COLUMNS, LOG10_TARGETS, SPECS, TARGETS, prediction_columns

ACQUISITIONS = ("ucb", "ei", "mean")
#: How often the diversity distance is halved when too few candidates pass it.
RELAXATIONS = 6
#: A candidate closer than this share of the diversity distance to a recipe already made is a
#: near-repeat (a step in amount or anneal away from a made recipe is further than that).
MADE_SHARE = 0.5


@dataclass(frozen=True)
class BatchConfig:
    objective: tuple[str, bool]  # (target, maximise?)
    k: int = 4
    acquisition: str = "ucb"
    kappa: float = 1.0
    best: float | None = None
    min_distance: float | None = None
    allow_out_of_domain: bool = False
    max_candidates: int = 50_000
    seed: int = 42

    def __post_init__(self) -> None:
        if self.objective[0] not in TARGETS:
            raise ValueError(f"objective {self.objective[0]!r} is not one of {', '.join(TARGETS)}")
        if self.acquisition not in ACQUISITIONS:
            raise ValueError(f"acquisition {self.acquisition!r} is not one of {', '.join(ACQUISITIONS)}")
        if self.k < 1 or self.max_candidates < 1:
            raise ValueError("the batch size and max_candidates must be ≥ 1")
        if self.kappa < 0 or (self.min_distance is not None and self.min_distance < 0):
            raise ValueError("kappa and min_distance must be ≥ 0")


def acquisition(preds: pd.DataFrame, cfg: BatchConfig, confidence: float, best: float | None) -> np.ndarray:
    """Acquisition value of each predicted candidate (higher = pick first).

    It is computed where the interval is symmetric — log10 Ω for Rct, the target's units
    otherwise — with the interval's half-width taken from its wider side: an interval clipped at
    a physical bound (retention's 100 %) keeps its true width, so candidates whose upper bound is
    clipped are not all tied at 100."""
    from scipy.stats import norm

    t, maximise = cfg.objective
    sign = 1.0 if maximise else -1.0
    p, lo, hi = (preds[f"{t}_{s}"].to_numpy(dtype=float) for s in ("pred", "lower", "upper"))
    if t in LOG10_TARGETS:
        with np.errstate(divide="ignore", invalid="ignore"):
            p, lo, hi = np.log10(p), np.log10(lo), np.log10(hi)
            best = None if best is None else float(np.log10(best))
    if cfg.acquisition == "mean":
        return sign * p
    half = np.nan_to_num(np.fmax(hi - p, p - lo))  # no interval (too few rows): no bonus
    if cfg.acquisition == "ucb":
        return sign * p + cfg.kappa * half
    if best is None:
        raise ValueError("expected improvement needs the best value measured so far: give the lab (its rows) or best")
    sigma = half / norm.ppf(0.5 + confidence / 2)
    gain = sign * (p - best)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(sigma > 0, gain / sigma, 0.0)
        ei = np.where(sigma > 0, gain * norm.cdf(u) + sigma * norm.pdf(u), np.maximum(gain, 0.0))
    return ei


def best_measured(measured: pd.DataFrame | None, objective: tuple[str, bool]) -> float | None:
    if measured is None or objective[0] not in measured or measured[objective[0]].notna().sum() == 0:
        return None
    values = measured[objective[0]].astype(float)
    return float(values.max() if objective[1] else values.min())


def objective_domain(model: CathodeModel, frame: pd.DataFrame, target: str) -> np.ndarray:
    """In the domain that matters for a batch on ``target``: what all training rows have seen and,
    when ``target``'s model is validated, what it has seen. Another target's narrower domain (an Rct
    model trained on a lab's few EIS rows) is shown in ``domain_notes`` but does not exclude."""
    from dataclasses import replace

    from cathodeml.features.recipe import as_recipe_frame

    dom = model.domain
    frame = as_recipe_frame(frame.reset_index(drop=True))
    X = model.featurize(frame)
    ok = replace(dom, targets_={}).assess(frame, X)["in_domain"].to_numpy(dtype=bool)
    scope = dom.targets_.get(target)
    if scope is not None and scope.n_sources >= dom.min_sources and scope.n_rows >= dom.min_rows:
        ok &= dom.assess(frame, X, target=target)["in_domain"].to_numpy(dtype=bool)
    return ok


def coordinates(model: CathodeModel, frame: pd.DataFrame, target: str) -> np.ndarray:
    """Recipes as points of ``target``'s model feature space, standardised as its domain does."""
    X = model.featurize(frame)
    scope = model.domain.targets_.get(target) if model.domain is not None else None
    if scope is not None and scope.space is not None:
        return scope.space.scaled(X).astype(np.float64)
    reg = model.targets[target]
    A = np.asarray(X, dtype=np.float64)[:, reg.columns_]
    center = np.nanmedian(A, axis=0) if len(A) else np.zeros(A.shape[1])
    A = np.where(np.isfinite(A), A, np.nan_to_num(center))
    scale = A.std(axis=0)
    return (A - np.nan_to_num(center)) / np.where(scale > 1e-9, scale, 1.0)


def typical_spacing(model: CathodeModel, target: str) -> float:
    """Median distance of a training recipe to its nearest other one (the default ``min_distance``)."""
    scope = model.domain.targets_.get(target) if model.domain is not None else None
    if scope is None or scope.space is None or scope.space.n_unique < 2:
        return 1.0
    return float(np.median(scope.space.loo_distances()))


def _greedy(order: np.ndarray, points: np.ndarray, taken: np.ndarray, k: int, d_min: float) -> list[int]:
    """Positions (from ``order``) kept: each at least ``d_min`` from the kept ones and
    ``MADE_SHARE × d_min`` from the recipes already made (``taken``); at ``d_min`` 0, distinct points."""
    kept: list[int] = []
    made = np.full(len(points), np.inf)
    for row in taken:  # one measured recipe at a time: memory stays O(candidates)
        made = np.minimum(made, np.linalg.norm(points - row, axis=1))
    near = np.full(len(points), np.inf)
    for i in order:
        if d_min == 0:
            fits = min(near[i], made[i]) > 1e-9
        else:
            fits = near[i] >= d_min and made[i] >= MADE_SHARE * d_min
        if fits:
            kept.append(int(i))
            if len(kept) == k:
                break
            near = np.minimum(near, np.linalg.norm(points - points[i], axis=1))
    return kept


@dataclass
class Batch:
    """The picked recipes (candidate columns, predictions, ``acquisition`` and
    ``objective_in_domain``, best first) and how they were picked."""

    table: pd.DataFrame
    min_distance: float  # the diversity distance finally used
    requested_distance: float
    n_candidates: int  # candidates scored
    n_eligible: int  # … in domain (unless allowed) and feasible
    best: float | None  # the incumbent of ``ei`` (the best measured value)


def propose(model: CathodeModel, candidates: pd.DataFrame, cfg: BatchConfig, *, measured: pd.DataFrame | None = None,
            eligible: np.ndarray | None = None, validate: bool = True) -> Batch:
    """Pick ``cfg.k`` diverse candidates by acquisition (see the module docstring).

    ``measured``: recipes the lab has made (its dataset): they set the ``ei`` incumbent and no pick
    is a near-repeat of one. ``eligible``: an extra mask (e.g. a space's
    constraints)."""
    t = cfg.objective[0]
    if t not in model.targets:
        raise ValueError(f"objective {t} is not predicted by this model (it has {', '.join(model.targets)})")
    typed = model.validate(candidates) if validate else candidates.reset_index(drop=True)
    preds = model.predict(typed, validate=False)
    best = cfg.best if cfg.best is not None else best_measured(measured, cfg.objective)
    score = acquisition(preds, cfg, model.confidence, best)
    ok = np.isfinite(score)
    if eligible is not None:
        ok &= np.asarray(eligible, dtype=bool)
    domain_ok = objective_domain(model, typed, t) if model.domain is not None else np.ones(len(typed), bool)
    if not cfg.allow_out_of_domain:
        ok &= domain_ok
    order = np.flatnonzero(ok)[np.argsort(-score[ok], kind="stable")]
    points = coordinates(model, typed, t)
    taken = coordinates(model, measured.reset_index(drop=True), t) if measured is not None and len(measured) else \
        np.zeros((0, points.shape[1]))
    requested = typical_spacing(model, t) if cfg.min_distance is None else float(cfg.min_distance)
    d_min, kept = requested, _greedy(order, points, taken, cfg.k, requested)
    for _ in range(RELAXATIONS):
        if len(kept) >= min(cfg.k, len(order)) or d_min == 0:
            break
        d_min /= 2
        kept = _greedy(order, points, taken, cfg.k, d_min)
    if len(kept) < min(cfg.k, len(order)):
        d_min, kept = 0.0, _greedy(order, points, taken, cfg.k, 0.0)
    if len(kept) < min(cfg.k, len(order)):  # the model cannot tell the rest from a kept or measured recipe
        kept += [int(i) for i in order if int(i) not in kept][: cfg.k - len(kept)]
        kept.sort(key=lambda i: -score[i])
    table = pd.concat([typed.iloc[kept].reset_index(drop=True), preds.iloc[kept].reset_index(drop=True)], axis=1)
    table["acquisition"] = score[kept]
    table["objective_in_domain"] = domain_ok[kept]
    return Batch(table, d_min, requested, len(typed), int(ok.sum()), best)


def propose_from_space(model: CathodeModel, space: SearchSpace, cfg: BatchConfig, *, measured: pd.DataFrame | None = None,
                       risk: str = "pessimistic") -> Batch:
    """:func:`propose` over a search space's grid — all of it, or ``cfg.max_candidates`` grid
    points drawn without replacement (seeded) when it is larger; the space's constraints hold
    (on the ``risk``-adjusted prediction)."""
    if space.size <= cfg.max_candidates:
        index = np.arange(space.size, dtype=np.int64)
    else:
        rng = np.random.default_rng(cfg.seed)
        index = np.sort(rng.choice(space.size, size=cfg.max_candidates, replace=False)).astype(np.int64)
    cands = space.candidates(index)
    preds = model.predict(cands, validate=False)
    ok = feasible(space, cands, preds, risk, True)
    return propose(model, cands, cfg, measured=measured, eligible=ok, validate=False)


_BATCH = re.compile(r"/batch-(\d+)$")


def next_batch_name(lab: str, measured: pd.DataFrame | None) -> str:
    """``batch-NN`` one above the highest ``lab:LAB/batch-NN`` source of the lab's rows."""
    numbers = [0]
    if measured is not None and len(measured):
        for s in measured["source"].dropna().astype(str).unique():
            m = _BATCH.search(s)
            if s.startswith(f"{LAB_PREFIX}{lab}/") and m:
                numbers.append(int(m.group(1)))
    return f"batch-{max(numbers) + 1:02d}"


def fill_in_table(batch: Batch, *, lab: str, batch_name: str, objective: tuple[str, bool], acquisition_name: str,
                  model_label: str = "") -> pd.DataFrame:
    """The batch as a lab table to fill in: canonical dataset columns (``record_id``
    ``LAB-BATCH-NN``, ``source`` ``lab:LAB/BATCH``, recipe and protocol, **empty target
    columns**), then the predictions beside them (``T_pred``/``_lower``/``_upper``, ``in_domain``,
    ``domain_notes``; ``cathodeml data add`` does not store them)."""
    table = batch.table
    out = pd.DataFrame({c: table[c] if c in table else np.nan for c in DATASET_COLUMNS})
    n = len(out)
    out["record_id"] = [f"{lab}-{batch_name}-{i + 1:02d}" for i in range(n)]
    out["source"] = f"{LAB_PREFIX}{lab}/{batch_name}"
    out["sample_label"] = [f"{batch_name}-{i + 1:02d}" for i in range(n)]
    t = objective[0]
    unit = SPECS[t].unit
    out["notes"] = [f"proposed by cathodeml recommend --batch ({acquisition_name}{', ' + model_label if model_label else ''}): "
                    f"pick {i + 1} of {n}, {t} predicted {row[f'{t}_pred']:.4g} {unit} "
                    f"[{row[f'{t}_lower']:.4g}–{row[f'{t}_upper']:.4g}]; replace this note with yours"
                    for i, (_, row) in enumerate(table.iterrows())]
    for target in TARGETS:
        out[target] = np.nan  # to be measured
    preds = [c for c in prediction_columns(TARGETS) if c in table]
    return pd.concat([out, table[preds].reset_index(drop=True)], axis=1)
