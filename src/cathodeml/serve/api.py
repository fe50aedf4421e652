"""The REST service: a FastAPI app built by a factory around one loaded model.

``POST /predict`` takes a JSON list of recipes (canonical column names; unknown = omitted or
null) and returns, per recipe, the predictions with intervals and the applicability-domain
verdict. Bad input never reaches the model: wrong JSON types are rejected by the request schema,
and the recipe rules (ranges, cathode and coating names, cross-column checks) run on the whole
batch at once; both answer HTTP 422 with ``loc = ["body", index, column]``. Batches larger than
``max_batch`` get 413.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import pandas as pd
from fastapi import Body, FastAPI, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, create_model

from cathodeml import __version__
from cathodeml.data.recipe import field_definitions
from cathodeml.data.rules import check_frame
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.schema import COLUMNS, TARGETS

DEFAULT_MAX_BATCH = 10_000


#: One recipe in a request: every canonical input column optional, JSON types enforced strictly
#: (``"4.3"`` for a number is a 422, not a silent conversion); extra keys are accepted and ignored.
RecipeIn = create_model(  # type: ignore[call-overload]
    "RecipeIn",
    __config__=ConfigDict(extra="allow"),
    **field_definitions(tuple(c for c in COLUMNS if c.section != "target")),
)


class RecommendRequest(BaseModel):
    """Body of ``POST /recommend``: the space (as in the YAML file) and the search settings."""

    space: dict[str, Any]
    objectives: str = "retention_pct:max,capacity_mah_g:max"
    n: int = Field(20, ge=1, le=1000)
    trials: int = Field(400, ge=1, le=20_000)
    risk: Literal["pessimistic", "mean", "optimistic"] = "pessimistic"
    allow_out_of_domain: bool = False
    seed: int = 42


def _validation_error(problems) -> HTTPException:
    detail = [
        {
            "loc": ["body", (p.row - 1) if p.row is not None else None, p.column],
            "msg": str(p).split(": ", 1)[-1],
            "type": "value_error",
        }
        for p in problems
    ]
    return HTTPException(status_code=422, detail=detail)


def _checked(recipes: list[dict[str, Any]]) -> pd.DataFrame:
    """The typed recipe frame of a request body, or a 422 naming every broken rule."""
    result = check_frame(pd.DataFrame.from_records(recipes), first_row=1)
    if result.problems:
        raise _validation_error(result.problems)
    return result.frame


def _check_size(n: int, max_batch: int) -> None:
    if n > max_batch:
        raise HTTPException(status_code=413, detail=f"batch of {n} recipes exceeds the limit of {max_batch}")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: NaN becomes null."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


class MicroBatcher:
    """Coalesce concurrent requests into one model call.

    A prediction costs ~30 ms of fixed pandas/XGBoost overhead whether it is for 1 recipe or 100,
    so 50 clients each sending one recipe are best served by one call for all 50. Requests that
    arrive while a call is running wait for the next one; each gets its own rows back. A request
    whose recipes break a rule is re-run alone so that its 422 names its own rows and does not
    fail its neighbours.
    """

    def __init__(self, func, max_rows: int):
        self.func = func
        self.max_rows = max_rows
        self.queue: asyncio.Queue | None = None
        self.worker: asyncio.Task | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def submit(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        if self.queue is None or self.loop is not loop:  # first call, or a new event loop
            self.loop, self.queue = loop, asyncio.Queue()
            self.worker = loop.create_task(self._run(self.queue))
        fut: asyncio.Future = loop.create_future()
        await self.queue.put((rows, fut))
        return await fut

    async def _run(self, queue: asyncio.Queue) -> None:
        while True:
            batch = [await queue.get()]
            n = len(batch[0][0])
            while not queue.empty() and n < self.max_rows:
                item = queue.get_nowait()
                batch.append(item)
                n += len(item[0])
            await self._serve(batch)

    async def _serve(self, batch) -> None:
        try:
            out = await run_in_threadpool(self.func, [r for rs, _ in batch for r in rs])
        except Exception as exc:  # noqa: BLE001
            if len(batch) > 1 and isinstance(exc, HTTPException):
                for item in batch:  # someone's input is bad: answer each request on its own
                    await self._serve([item])
            else:
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
            return
        start = 0
        for rs, fut in batch:
            if not fut.done():
                fut.set_result(out[start : start + len(rs)])
            start += len(rs)

    async def close(self) -> None:
        if self.worker is not None:
            self.worker.cancel()


def create_app(model: CathodeModel, *, max_batch: int = DEFAULT_MAX_BATCH, model_uri: str = "") -> FastAPI:
    """Build the service around an already-loaded model (loaded once, at start-up)."""
    app = FastAPI(
        title="cathodeml",
        version=__version__,
        description="Predict capacity, retention and Rct of treated Ni-rich cathodes, with intervals "
        "and applicability-domain notes.",
    )
    info = {
        "cathodeml_version": __version__,
        "model_uri": model_uri,
        "targets": list(model.targets),
        "confidence": model.confidence,
        "feature_set_version": model.meta.get("feature_set_version"),
        "data_sha256": model.meta.get("data_sha256"),
        "trained_at": model.meta.get("trained_at"),
        "n_rows": model.meta.get("n_rows"),
        "metrics": model.meta.get("metrics"),
        "feature_groups": model.feature_groups,
    }

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/model")
    def model_info() -> dict[str, Any]:
        return info

    def _predict(recipes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _records(model.predict(_checked(recipes), validate=False))

    batcher = MicroBatcher(_predict, max_rows=max(max_batch, 1))
    app.router.on_shutdown.append(batcher.close)

    @app.post("/predict")
    async def predict(recipes: list[RecipeIn] = Body(..., description="recipes in canonical columns")) -> list[dict[str, Any]]:  # type: ignore[valid-type]
        _check_size(len(recipes), max_batch)
        return await batcher.submit([r.model_dump(mode="json") for r in recipes]) if recipes else []

    def _explain(recipes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from cathodeml.explain.attribution import Explainer

        exp = Explainer(model).explain(_checked(recipes), validate=False)
        out: list[dict[str, Any]] = [{} for _ in recipes]
        for t, te in exp.targets.items():
            groups = te.group_values(exp.feature_groups, exp.feature_names)
            for i in range(len(recipes)):
                out[i][t] = {"base_value": te.base_value, "prediction": float(te.prediction[i]),
                             "units": te.unit, "groups": groups.iloc[i].to_dict()}
        return out

    @app.post("/explain")
    async def explain(recipes: list[RecipeIn] = Body(..., description="recipes in canonical columns")) -> list[dict[str, Any]]:  # type: ignore[valid-type]
        """Treatment-level SHAP attribution per recipe and target (signed group sums; Rct in log10 Ω)."""
        _check_size(len(recipes), max_batch)
        return await run_in_threadpool(_explain, [r.model_dump(mode="json") for r in recipes]) if recipes else []

    def _recommend(req: RecommendRequest) -> list[dict[str, Any]]:
        from cathodeml.errors import SpaceError
        from cathodeml.recommend.search import RecommendConfig, recommend
        from cathodeml.recommend.space import SearchSpace, parse_objectives

        try:
            space = SearchSpace.from_dict(req.space)
            objs = parse_objectives(req.objectives)
            cfg = RecommendConfig(tuple(objs), n=req.n, trials=req.trials, risk=req.risk,
                                  allow_out_of_domain=req.allow_out_of_domain, seed=req.seed)
            table = recommend(model, space, cfg)
        except (SpaceError, ValueError) as exc:
            raise HTTPException(status_code=422, detail=[{"loc": ["body", "space"], "msg": str(exc), "type": "value_error"}]) from None
        return _records(table)

    @app.post("/recommend")
    async def recommend_endpoint(req: RecommendRequest) -> list[dict[str, Any]]:
        """NSGA-II recommendation over a search space given as JSON (same sections as the YAML file)."""
        return await run_in_threadpool(_recommend, req)

    app.state.model = model
    app.state.targets = [t for t in TARGETS if t in model.targets]
    return app
