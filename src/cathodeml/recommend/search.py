"""Recommending recipes: multi-objective search over a space (``recommend``).

``recommend`` runs Optuna's NSGA-II (seeded) over the space, in generations: each generation's
candidates are predicted in one batch. With the default *pessimistic* risk each objective is the
interval bound on the unfavourable side (the lower bound of a quantity to maximise), so a
recommendation is one the model is confident about, not one it merely guesses high. Candidates
breaking a constraint, or outside the applicability domain (unless allowed), are infeasible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cathodeml.models.cathode_model import CathodeModel
from cathodeml.recommend.accounting import SearchReport, describe, groups, prediction_matrix, recipe_keys, same
from cathodeml.recommend.space import SearchSpace
from cathodeml.schema import PREDICTION_SUFFIXES
from cathodeml.training.tune import quiet_optuna

RISKS = ("pessimistic", "mean", "optimistic")
#: Upper bounds for any caller (the REST service sets tighter ones): NSGA-II's bookkeeping grows
#: faster than linearly with the trials (2,000 take ~8 s on a small model, 20,000 over 300 s).
MAX_TRIALS = 50_000
MAX_N = 10_000
MAX_SEED = 2**32 - 1  # numpy's seed range


@dataclass(frozen=True)
class RecommendConfig:
    """Search settings, checked on construction (a bad value is a ``ValueError`` naming it)."""

    objectives: tuple[tuple[str, bool], ...]
    n: int = 20
    trials: int = 400
    population: int = 40
    risk: str = "pessimistic"
    allow_out_of_domain: bool = False
    seed: int = 42

    def __post_init__(self) -> None:
        if self.risk not in RISKS:
            raise ValueError(f"risk {self.risk!r} is not one of {', '.join(RISKS)}")
        if self.n < 1 or self.trials < 1 or self.population < 2:
            raise ValueError("n and trials must be ≥ 1 and population ≥ 2")
        if self.trials > MAX_TRIALS or self.n > MAX_N:
            raise ValueError(f"trials must be ≤ {MAX_TRIALS:,} and n ≤ {MAX_N:,}")
        if not 0 <= self.seed <= MAX_SEED:
            raise ValueError(f"seed must be between 0 and {MAX_SEED}")


def scores(space: SearchSpace, cfg: RecommendConfig, preds: pd.DataFrame) -> np.ndarray:
    return np.column_stack([space.value_for(t, preds, mx, cfg.risk).to_numpy(dtype=float) for t, mx in cfg.objectives])


def feasible(space: SearchSpace, cands: pd.DataFrame, preds: pd.DataFrame, risk: str, allow_out_of_domain: bool) -> np.ndarray:
    """Constraints hold (on the risk-adjusted value) and, unless allowed, the candidate is in domain."""
    ok = space.feasible(cands, preds, risk)
    if not allow_out_of_domain and "in_domain" in preds:
        ok &= preds["in_domain"].to_numpy(dtype=bool)
    return ok


@dataclass
class Recommendation:
    """The recommended recipes and the account of the search that found them."""

    table: pd.DataFrame  # candidate columns, predictions, domain notes, ``same_prediction``
    report: SearchReport


def search(
    model: CathodeModel, space: SearchSpace, cfg: RecommendConfig, on_generation: Callable[[int], None] = lambda n: None
) -> Recommendation:
    """NSGA-II over ``space``; the Pareto set with candidates the model cannot tell apart collapsed
    (at most ``cfg.n`` rows), and a :class:`SearchReport` of what was evaluated and dropped, and why.

    ``on_generation`` is called after each generation (``cfg.population`` candidates); an
    exception it raises stops the search there — how the service cancels a search whose client
    went away or whose time budget is spent.
    """
    import optuna

    missing = [t for t, _ in cfg.objectives if t not in model.targets]
    if missing:
        raise ValueError(f"objective(s) {missing} not predicted by this model (it has {', '.join(model.targets)})")
    report = SearchReport(space.size, cfg.trials, cfg.n, cfg.allow_out_of_domain)
    seen: set[int] = set()
    sampler = optuna.samplers.NSGAIISampler(population_size=cfg.population, seed=cfg.seed)
    with quiet_optuna():
        study = optuna.create_study(directions=["maximize" if mx else "minimize" for _, mx in cfg.objectives],
                                    sampler=sampler)
        done = 0
        while done < cfg.trials:
            batch = [study.ask() for _ in range(min(cfg.population, cfg.trials - done))]
            digits = np.array([[t.suggest_int(c, 0, len(opts) - 1) for c, opts in space.dims] for t in batch],
                              dtype=np.int64).reshape(len(batch), len(space.dims))
            index = space.index_of(digits)
            cands = space.candidates(index)
            preds = model.predict(cands)
            vals = scores(space, cfg, preds)
            ok = feasible(space, cands, preds, cfg.risk, cfg.allow_out_of_domain)
            report.add(space, cands, preds, ok, cfg.risk, seen)
            for k, t in enumerate(batch):
                t.set_constraint("infeasible", 0.0 if ok[k] else 1.0)  # > 0 = violated (NSGA-II ranks it last)
                t.set_user_attr("feasible", bool(ok[k]))
                t.set_user_attr("index", int(index[k]))
                study.tell(t, [float(v) if np.isfinite(v) else (-1e9 if mx else 1e9)
                               for v, (_, mx) in zip(vals[k], cfg.objectives)])
            done += len(batch)
            on_generation(len(batch))
        best = [t for t in study.best_trials if t.user_attrs["feasible"]]
    if not best:
        return Recommendation(pd.DataFrame(), report)
    index = np.unique(space.canonical_index([t.user_attrs["index"] for t in best]))  # each recipe once
    cands = space.candidates(index)
    preds = model.predict(cands)
    first, mx = cfg.objectives[0]
    order = np.argsort(-space.value_for(first, preds, mx, cfg.risk).to_numpy(dtype=float) * (1 if mx else -1), kind="stable")
    table = pd.concat([cands, preds], axis=1).iloc[order].reset_index(drop=True)
    table = collapse(model, space, cfg, table, index[order])
    report.pareto, report.distinct = int(recipe_keys(cands).nunique()), len(table)
    table = table.head(cfg.n).reset_index(drop=True)
    report.returned = len(table)
    return Recommendation(table, report)


def recommend(
    model: CathodeModel, space: SearchSpace, cfg: RecommendConfig, on_generation: Callable[[int], None] = lambda n: None
) -> pd.DataFrame:
    """The Pareto set (at most ``cfg.n`` rows): candidate columns, predictions, domain notes
    (:func:`search` without its report and its ``same_prediction`` column)."""
    table = search(model, space, cfg, on_generation).table
    return table.drop(columns=["same_prediction"], errors="ignore")


def collapse(model: CathodeModel, space: SearchSpace, cfg: RecommendConfig, table: pd.DataFrame,
             index: np.ndarray) -> pd.DataFrame:
    """One row per group of candidates with the same objective predictions, intervals and domain
    verdict (the first, i.e. the best ranked), with ``same_prediction`` naming the columns that
    varied inside the group.

    The group is widened along each varied column by trying every option of that column on the
    kept recipe: the text then says how far the column may move without the model noticing
    (``anneal_temp_c 300–600 °C give the same prediction``), not only which values NSGA-II drew.
    """
    # The objectives' predictions and intervals: what the search ranks (a 0.3 mAh/g difference in a
    # capacity nobody asked to optimise does not make two anneal temperatures two recommendations).
    pred_cols = [f"{t}{s}" for t, _ in cfg.objectives for s in PREDICTION_SUFFIXES] + \
        [c for c in ("in_domain",) if c in table]
    radices = tuple(int(r) for r in space.radices)
    digits = np.stack(np.unravel_index(index, radices), axis=1) if space.dims else np.zeros((len(index), 0), np.int64)
    kept, notes = [], []
    for g in groups(table[pred_cols]):
        kept.append(g[0])
        # Columns whose *values* differ inside the group (a coating amount left empty on an
        # uncoated recipe is not a value: those grid points are one recipe).
        varied = {c: set(digits[g, d][table[c].iloc[g].notna().to_numpy()].tolist())
                  for d, (c, _) in enumerate(space.dims) if table[c].iloc[g].nunique(dropna=True) > 1}
        for d, (c, options) in enumerate(space.dims):
            if c not in varied:
                continue
            probe = np.repeat(digits[g[0]][None, :], len(options), axis=0)
            probe[:, d] = np.arange(len(options))
            pc = space.candidates(space.index_of(probe))
            pp = model.predict(pc)
            ok = feasible(space, pc, pp, cfg.risk, cfg.allow_out_of_domain)
            verdict = pp["in_domain"].to_numpy(dtype=bool) if "in_domain" in pp else np.ones(len(pp), bool)
            alike = same(prediction_matrix(pp[pred_cols]), prediction_matrix(table.iloc[[g[0]]][pred_cols]))
            alike &= ok & pc[c].notna().to_numpy()
            alike &= verdict == bool(table["in_domain"].iloc[g[0]]) if "in_domain" in table else True
            varied[c] |= set(np.flatnonzero(alike).tolist())
        notes.append(describe(space, varied, [t for t, _ in cfg.objectives]) if varied else "")
    return table.iloc[kept].assign(same_prediction=notes).reset_index(drop=True)


def top_treatments(model: CathodeModel, candidates: pd.DataFrame, k: int = 3) -> pd.Series:
    """Per candidate, the k treatment groups that move each objective most (signed SHAP sums)."""
    from cathodeml.explain.attribution import Explainer

    exp = Explainer(model).explain(candidates)
    return pd.Series(exp.top_treatments_text(k), index=candidates.index)
