"""Recommending recipes: multi-objective search (``recommend``) and exhaustive screening (``screen``).

``recommend`` runs Optuna's NSGA-II (seeded) over the space, in generations: each generation's
candidates are predicted in one batch. With the default *pessimistic* risk each objective is the
interval bound on the unfavourable side (the lower bound of a quantity to maximise), so a
recommendation is one the model is confident about, not one it merely guesses high. Candidates
breaking a constraint, or outside the applicability domain (unless allowed), are infeasible.

``screen`` enumerates the whole grid in chunks (memory bounded), keeps the feasible top K by one
objective, and can run the chunks on a Dask cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cathodeml.models.cathode_model import CathodeModel
from cathodeml.serve.space import SearchSpace

RISKS = ("pessimistic", "mean", "optimistic")


@dataclass(frozen=True)
class RecommendConfig:
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


def _scores(space: SearchSpace, cfg: RecommendConfig, preds: pd.DataFrame) -> np.ndarray:
    return np.column_stack([space.value_for(t, preds, mx, cfg.risk).to_numpy(dtype=float) for t, mx in cfg.objectives])


def _feasible(space: SearchSpace, cfg: RecommendConfig, cands: pd.DataFrame, preds: pd.DataFrame) -> np.ndarray:
    ok = space.feasible(cands, preds, cfg.risk)
    if not cfg.allow_out_of_domain and "in_domain" in preds:
        ok &= preds["in_domain"].to_numpy(dtype=bool)
    return ok


def recommend(
    model: CathodeModel, space: SearchSpace, cfg: RecommendConfig, on_generation: Callable[[int], None] = lambda n: None
) -> pd.DataFrame:
    """The Pareto set (at most ``cfg.n`` rows): candidate columns, predictions, domain notes."""
    import optuna

    missing = [t for t, _ in cfg.objectives if t not in model.targets]
    if missing:
        raise ValueError(f"objective(s) {missing} not predicted by this model (it has {', '.join(model.targets)})")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.NSGAIISampler(population_size=cfg.population, seed=cfg.seed)
    study = optuna.create_study(directions=["maximize" if mx else "minimize" for _, mx in cfg.objectives], sampler=sampler)
    names = [c for c, _ in space.dims]
    done = 0
    while done < cfg.trials:
        batch = [study.ask() for _ in range(min(cfg.population, cfg.trials - done))]
        digits = np.array([[t.suggest_int(c, 0, len(opts) - 1) for c, opts in space.dims] for t in batch], dtype=np.int64)
        index = _to_index(space, digits) if names else np.zeros(len(batch), dtype=np.int64)
        cands = space.candidates(index)
        preds = model.predict(cands)
        scores = _scores(space, cfg, preds)
        ok = _feasible(space, cfg, cands, preds)
        for k, t in enumerate(batch):
            t.set_constraint("infeasible", 0.0 if ok[k] else 1.0)  # > 0 = violated (NSGA-II ranks it last)
            t.set_user_attr("feasible", bool(ok[k]))
            t.set_user_attr("index", int(index[k]))
            study.tell(t, [float(v) if np.isfinite(v) else (-1e9 if mx else 1e9) for v, (_, mx) in zip(scores[k], cfg.objectives)])
        done += len(batch)
        on_generation(len(batch))
    best = [t for t in study.best_trials if t.user_attrs["feasible"]]
    if not best:
        return pd.DataFrame()
    index = np.unique([t.user_attrs["index"] for t in best])
    cands = space.candidates(index)
    preds = model.predict(cands)
    out = pd.concat([cands, preds], axis=1)
    first, mx = cfg.objectives[0]
    key = space.value_for(first, preds, mx, cfg.risk)
    out = out.assign(_key=key.to_numpy()).sort_values("_key", ascending=not mx, kind="stable").drop(columns="_key")
    return out.head(cfg.n).reset_index(drop=True)


def _to_index(space: SearchSpace, digits: np.ndarray) -> np.ndarray:
    index = np.zeros(len(digits), dtype=np.int64)
    for j, radix in enumerate(space.radices):
        index = index * radix + digits[:, j]
    return index


def top_treatments(model: CathodeModel, candidates: pd.DataFrame, k: int = 3) -> pd.Series:
    """Per candidate, the k treatment groups that move each objective most (signed SHAP sums)."""
    from cathodeml.models.explain import Explainer

    exp = Explainer(model).explain(candidates)
    parts = [[] for _ in range(len(candidates))]
    for t, te in exp.targets.items():
        gv = te.group_values(exp.feature_groups, exp.feature_names)
        for i in range(len(candidates)):
            row = gv.iloc[i]
            top = row.reindex(row.abs().sort_values(ascending=False).index).head(k)
            parts[i].append(f"{t}: " + ", ".join(f"{g} {v:+.3g}" for g, v in top.items()))
    return pd.Series(["; ".join(p) for p in parts], index=candidates.index)


# ---- screening --------------------------------------------------------------------------------


def score_chunk(model: CathodeModel, space: SearchSpace, start: int, stop: int, objective: tuple[str, bool],
                risk: str, allow_out_of_domain: bool, top: int) -> pd.DataFrame:
    """Predict grid numbers [start, stop) and keep the feasible best ``top`` (a pure function: Dask runs it)."""
    index = np.arange(start, stop, dtype=np.int64)
    cands = space.candidates(index)
    preds = model.predict(cands, validate=False)
    cfg = RecommendConfig(objectives=(objective,), risk=risk, allow_out_of_domain=allow_out_of_domain)
    ok = _feasible(space, cfg, cands, preds)
    score = space.value_for(objective[0], preds, objective[1], risk).to_numpy(dtype=float)
    score = np.where(ok & np.isfinite(score), score if objective[1] else -score, -np.inf)
    keep = np.argsort(-score, kind="stable")[:top]
    keep = keep[np.isfinite(score[keep])]
    return pd.DataFrame({"grid_index": index[keep], "score": score[keep]})


def screen(
    model: CathodeModel, space: SearchSpace, objective: tuple[str, bool], *, top: int = 100, risk: str = "pessimistic",
    allow_out_of_domain: bool = False, chunksize: int = 200_000, client=None, on_chunk: Callable[[int], None] = lambda n: None,
) -> pd.DataFrame:
    """Exhaustive, chunked scoring of the grid; the top ``top`` feasible candidates with predictions."""
    bounds = [(s, min(s + chunksize, space.size)) for s in range(0, space.size, chunksize)]
    best = pd.DataFrame({"grid_index": np.array([], dtype=np.int64), "score": np.array([], dtype=float)})
    args = (objective, risk, allow_out_of_domain, top)
    if client is None:
        for s, e in bounds:
            best = _merge(best, score_chunk(model, space, s, e, *args), top)
            on_chunk(e - s)
    else:
        from distributed import as_completed

        m, sp = client.scatter(model, broadcast=True), client.scatter(space, broadcast=True)
        futures = {client.submit(score_chunk, m, sp, s, e, *args, pure=False): e - s for s, e in bounds}
        for fut in as_completed(list(futures)):
            best = _merge(best, fut.result(), top)
            on_chunk(futures[fut])
    if best.empty:
        return pd.DataFrame()
    best = best.sort_values(["score", "grid_index"], ascending=[False, True], kind="stable").head(top)
    cands = space.candidates(best["grid_index"].to_numpy())
    preds = model.predict(cands)
    return pd.concat([cands, preds], axis=1).assign(grid_index=best["grid_index"].to_numpy())


def _merge(a: pd.DataFrame, b: pd.DataFrame, top: int) -> pd.DataFrame:
    both = pd.concat([a, b], ignore_index=True)
    return both.sort_values(["score", "grid_index"], ascending=[False, True], kind="stable").head(top)
