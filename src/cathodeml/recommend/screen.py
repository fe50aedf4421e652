"""Exhaustive screening: every candidate of a grid, in chunks, the best K kept.

Memory stays bounded by the chunk size whatever the grid size; chunks are pure functions of
their grid numbers, so they can also run on a Dask cluster.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from cathodeml.models.cathode_model import CathodeModel
from cathodeml.recommend.search import feasible
from cathodeml.recommend.space import SearchSpace


def score_chunk(model: CathodeModel, space: SearchSpace, start: int, stop: int, objective: tuple[str, bool],
                risk: str, allow_out_of_domain: bool, top: int) -> pd.DataFrame:
    """Predict grid numbers [start, stop) and keep the feasible best ``top`` (a pure function: Dask runs it)."""
    index = np.arange(start, stop, dtype=np.int64)
    cands = space.candidates(index)
    preds = model.predict(cands, validate=False)
    ok = feasible(space, cands, preds, risk, allow_out_of_domain) & (space.canonical_index(index) == index)  # each recipe once
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
