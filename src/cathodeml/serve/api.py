"""The REST service: a FastAPI app built by a factory around one loaded model.

``POST /predict`` takes a JSON list of recipes (canonical column names; unknown = omitted or
null) and returns, per recipe, the predictions with intervals and the applicability-domain
verdict. Bad input never reaches the model: wrong JSON types are rejected by the request schema,
and the recipe rules (ranges, cathode and coating names, cross-column checks) answer HTTP 422
with ``loc = ["body", index, column]``.

Every request's work is bounded by :class:`~cathodeml.serve.settings.ServiceSettings` (body
size, batch size, grid size, trials, a time budget), each refusal naming its setting; a failure
while serving one request is that request's logged 500 and nobody else's (see
:mod:`cathodeml.serve.batcher`); ``/recommend`` and ``/explain`` compute off the event loop and
stop when their client leaves (see :mod:`cathodeml.serve.limits`).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pandas as pd
from fastapi import Body, Depends, FastAPI, HTTPException, Request
from fastapi_offline import FastAPIOffline
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from cathodeml import __version__
from cathodeml.data.headers import header_problems
from cathodeml.data.rowcheck import check_rows
from cathodeml.data.rules import check_frame
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.schema import SPECS, TARGETS
from cathodeml.serve.batcher import MicroBatcher, validation_error
from cathodeml.serve.compute import one_thread
from cathodeml.serve.limits import BodyLimit, CancelToken, HeavySlots, run_heavy, unavailable
from cathodeml.serve.responses import Health, ModelInfo, TargetExplanation, prediction_row, recommended_row
from cathodeml.serve.schemas import INPUT_NAMES, RecipeIn, recommend_request
from cathodeml.serve.settings import ServiceSettings

DEFAULT_MAX_BATCH = ServiceSettings().max_batch
#: Recipes explained between two looks at the request's cancel token.
EXPLAIN_CHUNK = 200


#: Batches up to this many recipes are checked row by row in plain Python (``check_rows``): the
#: same answers as the column-wise ``check_frame``, without its ~9 ms of fixed pandas work.
FAST_ROWS = 256


def _check(recipes: list[dict[str, Any]]) -> tuple[pd.DataFrame, list]:
    """The typed frame of a batch and every broken rule, by the executor that is cheaper for its size."""
    if len(recipes) <= FAST_ROWS:
        rows = check_rows(recipes, first_row=1)
        return rows.frame(), rows.problems
    result = check_frame(pd.DataFrame.from_records(recipes), first_row=1)
    return result.frame, result.problems


def _checked(recipes: list[dict[str, Any]]) -> pd.DataFrame:
    """The typed recipe frame of a request body, or a 422 naming every broken rule."""
    frame, problems = _check(recipes)
    if problems:
        raise validation_error(problems)
    return frame


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: NaN (and ±inf, which JSON cannot carry) become null."""
    return _json_safe(frame.astype(object).where(frame.notna(), None).to_dict(orient="records"))


def _json_safe(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by null (a 422 may echo a client's Infinity)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj


async def _validation_error_response(_: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422, with the echoed input made JSON-safe (its own handler fails on Infinity/NaN)."""
    return JSONResponse(status_code=422, content={"detail": _json_safe(jsonable_encoder(exc.errors()))})


def _rows(recipes: list) -> list[dict[str, Any]]:
    """The canonical input fields of each recipe (extra keys dropped)."""
    return [r.model_dump(mode="json", include=INPUT_NAMES) for r in recipes]


def near_misses(body: Any) -> list[dict[str, Any]]:
    """422 details for the keys of a recipe that are near misses of a canonical column (``Coating``,
    ``voltage_high``): the file reader's rule (:func:`cathodeml.data.header_problems`), so a typo
    never turns a coated recipe into an uncoated one. Other unknown keys are accepted and ignored."""
    if not isinstance(body, list):
        return []
    out = []
    for i, recipe in enumerate(body):
        if isinstance(recipe, dict):
            extra = [k for k in recipe if k not in SPECS]
            out += [{"loc": ["body", i, p.column], "msg": p.message, "type": "value_error"}
                    for p in (header_problems(extra) if extra else [])]
    return out


def _public_uri(model_uri: str) -> str:
    """What ``GET /model`` may say about where the model came from: an MLflow URI, never a path."""
    from cathodeml.tracking.registry import is_mlflow_uri
    from cathodeml.tracking.store import masked

    if not model_uri:
        return ""
    return masked(model_uri) if is_mlflow_uri(model_uri) else "local model directory"


def create_app(model: CathodeModel, *, settings: ServiceSettings | None = None, max_batch: int | None = None,
               model_uri: str = "") -> FastAPI:
    """Build the service around an already-loaded model (loaded once, at start-up).

    ``settings`` holds the limits (defaults: :class:`ServiceSettings`); ``max_batch`` overrides
    that one setting (kept for callers written before the settings object). ``/docs`` serves
    Swagger UI's files from the app itself (package ``fastapi-offline``): it works offline.
    """
    s = settings or ServiceSettings()
    if max_batch is not None:
        s = s.model_copy(update={"max_batch": max_batch})
    slots = HeavySlots(s.max_concurrent_heavy)

    def _predict(frame: pd.DataFrame) -> list[dict[str, Any]]:
        one_thread()
        return _records(model.predict(frame, validate=False))

    batcher = MicroBatcher(_check, _predict, max_rows=s.max_batch)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        slots.cancel_all("the server is shutting down")
        await batcher.close()

    app = FastAPIOffline(
        title="cathodeml",
        version=__version__,
        description="Predict capacity, retention and Rct of treated Ni-rich cathodes, with intervals "
        "and applicability-domain notes. Limits (413/422/503 beyond them) are listed by GET /model.",
        lifespan=lifespan,
        # No OpenTelemetry here: FastAPI's per-request check of the global providers costs time on
        # every request, and this service configures none.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.add_middleware(BodyLimit, max_bytes=s.max_body_bytes)
    app.add_exception_handler(RequestValidationError, _validation_error_response)
    Prediction = prediction_row(list(model.targets), model.confidence, model.domain is not None)
    info = ModelInfo(
        cathodeml_version=__version__,
        model_uri=_public_uri(model_uri),
        targets=list(model.targets),
        confidence=model.confidence,
        feature_set_version=model.meta.get("feature_set_version"),
        data_sha256=model.meta.get("data_sha256"),
        trained_at=model.meta.get("trained_at"),
        n_rows=model.meta.get("n_rows"),
        metrics=model.meta.get("metrics"),
        feature_groups=model.feature_groups,
        limits=s,
    )

    async def recipes_precheck(request: Request) -> None:
        """Before any recipe is validated: count them (413 past ``max_batch``) and refuse near-miss keys (422)."""
        try:
            body = await request.json()  # parsed once: FastAPI has cached it
        except ValueError:  # not JSON (another content type): the body's own validation answers 422
            return
        if isinstance(body, list) and len(body) > s.max_batch:
            raise HTTPException(status_code=413, detail=f"batch of {len(body):,} recipes exceeds the limit of "
                                                        f"{s.max_batch:,} (max_batch)")
        wrong = near_misses(body)
        if wrong:
            raise HTTPException(status_code=422, detail=wrong)

    recipes_body = Body(..., description="recipes in canonical columns (units in the names); omitted or null = unknown")

    @app.get("/health")
    def health() -> Health:
        return Health()

    @app.get("/model")
    def model_info() -> ModelInfo:
        return info

    @app.post("/predict", dependencies=[Depends(recipes_precheck)], response_model=list[Prediction])
    async def predict(recipes: list[RecipeIn] = recipes_body) -> Any:  # type: ignore[valid-type]
        """Predictions with intervals and the applicability-domain verdict, one per recipe, in order.
        Wrong JSON types and broken recipe rules are a 422 with ``loc = ["body", index, column]``."""
        if not recipes:
            return []
        try:
            async with asyncio.timeout(s.request_timeout_s):  # cancels the wait: the batcher then skips it
                # Returned as a response: ``Prediction`` documents the rows (OpenAPI) without a
                # per-row validation on the hot path (~15 % of a one-recipe request; the rows'
                # shape is tested against that model in tests/serve/test_api.py).
                return JSONResponse(await batcher.submit(_rows(recipes)))
        except TimeoutError:
            raise unavailable(f"it exceeded its time budget of {s.request_timeout_s:g} s (request_timeout_s)") from None

    def _explain(rows: list[dict[str, Any]], token: CancelToken) -> list[dict[str, Any]]:
        from cathodeml.explain.attribution import Explainer

        one_thread()
        frame = _checked(rows)
        explainer = Explainer(model)
        out: list[dict[str, Any]] = [{} for _ in rows]
        for start in range(0, len(rows), EXPLAIN_CHUNK):
            token.check()
            exp = explainer.explain(frame.iloc[start : start + EXPLAIN_CHUNK].reset_index(drop=True), validate=False)
            for t, te in exp.targets.items():
                groups = te.group_values(exp.feature_groups, exp.feature_names)
                for i in range(len(groups)):
                    out[start + i][t] = {"base_value": te.base_value, "prediction": float(te.prediction[i]),
                                         "units": te.unit, "groups": groups.iloc[i].to_dict()}
        return out

    @app.post("/explain", dependencies=[Depends(recipes_precheck)], response_model=list[dict[str, TargetExplanation]])
    async def explain(request: Request, recipes: list[RecipeIn] = recipes_body) -> list[dict[str, Any]]:  # type: ignore[valid-type]
        """Treatment-level SHAP attribution per recipe and target (signed group sums; Rct in log10 Ω)."""
        if not recipes:
            return []
        rows = _rows(recipes)
        return await run_heavy(request, lambda token: _explain(rows, token), slots, s.request_timeout_s,
                               "explaining this request")

    RecommendRequest = recommend_request(s)

    def _recommend(req: Any, token: CancelToken) -> list[dict[str, Any]]:
        from cathodeml.errors import SpaceError
        from cathodeml.recommend.search import RecommendConfig, recommend
        from cathodeml.recommend.space import SearchSpace, SpaceLimits, parse_objectives

        one_thread()
        limits = SpaceLimits(s.max_range_values, s.max_grid_size, "(max_range_values)", "(max_grid_size)")
        try:
            space = SearchSpace.from_dict(req.space.model_dump(), limits=limits)
            objs = parse_objectives(req.objectives)
            missing = [t for t, _ in objs if t not in model.targets]
            if missing:
                raise SpaceError(f"objective(s) {missing} not predicted by this model (it has {', '.join(model.targets)})")
            cfg = RecommendConfig(tuple(objs), n=req.n, trials=req.trials, risk=req.risk,
                                  allow_out_of_domain=req.allow_out_of_domain, seed=req.seed)
        except (SpaceError, ValueError) as exc:  # the request's own values: a 422 that says which
            raise HTTPException(status_code=422, detail=[{"loc": ["body", "space"], "msg": str(exc),
                                                          "type": "value_error"}]) from None
        return _records(recommend(model, space, cfg, on_generation=token.check))

    async def recommend_endpoint(request, req):  # noqa: ANN001 — annotated below, with this app's body model
        """NSGA-II recommendation over a search space given as JSON (same sections as the YAML file)."""
        return await run_heavy(request, lambda token: _recommend(req, token), slots, s.request_timeout_s,
                               "recommending for this request")

    recommend_endpoint.__annotations__ = {"request": Request, "req": RecommendRequest, "return": list[dict[str, Any]]}
    app.post("/recommend", response_model=list[recommended_row(Prediction)])(recommend_endpoint)

    app.state.model = model
    app.state.settings = s
    app.state.slots = slots
    app.state.targets = [t for t in TARGETS if t in model.targets]
    return app
