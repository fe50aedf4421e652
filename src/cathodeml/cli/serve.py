"""``cathodeml serve``: the REST service, with its limits as options (defaults: ServiceSettings)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from cathodeml.cli.common import ModelOption, USAGE, command, fail, load_model_or_fail, out
from cathodeml.serve.settings import ServiceSettings

app = typer.Typer()
_DEFAULTS = ServiceSettings()


def _limit(name: str, flag: str) -> Any:
    """The option of one setting: its flag, and its description as help (one source for both)."""
    return typer.Option(flag, help=ServiceSettings.model_fields[name].description, rich_help_panel="Limits")


@command(app, "serve")
def serve(
    model: ModelOption = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes, each with its own copy of the model (one "
                                         "core each; see docs/serving.md)")] = 1,
    max_body_bytes: Annotated[int, _limit("max_body_bytes", "--max-body-bytes")] = _DEFAULTS.max_body_bytes,
    max_batch: Annotated[int, _limit("max_batch", "--max-batch")] = _DEFAULTS.max_batch,
    max_range_values: Annotated[int, _limit("max_range_values", "--max-range-values")] = _DEFAULTS.max_range_values,
    max_grid_size: Annotated[int, _limit("max_grid_size", "--max-grid-size")] = _DEFAULTS.max_grid_size,
    max_trials: Annotated[int, _limit("max_trials", "--max-trials")] = _DEFAULTS.max_trials,
    max_n: Annotated[int, _limit("max_n", "--max-n")] = _DEFAULTS.max_n,
    request_timeout: Annotated[float, _limit("request_timeout_s", "--request-timeout")] = _DEFAULTS.request_timeout_s,
    max_concurrent_heavy: Annotated[int, _limit("max_concurrent_heavy", "--max-concurrent-heavy")] = _DEFAULTS.max_concurrent_heavy,
    shutdown_timeout: Annotated[float, _limit("shutdown_timeout_s", "--shutdown-timeout")] = _DEFAULTS.shutdown_timeout_s,
) -> None:
    """Start the REST service (GET /health, GET /model, POST /predict, /explain, /recommend; docs at /docs)."""
    from pydantic import ValidationError

    try:
        from cathodeml.serve.api import create_app
        from cathodeml.serve.server import run
    except ImportError:
        fail("the service needs the 'serve' extra: pip install 'cathodeml[serve]'")
    try:
        settings = ServiceSettings(
            max_body_bytes=max_body_bytes, max_batch=max_batch, max_range_values=max_range_values,
            max_grid_size=max_grid_size, max_trials=max_trials, max_n=max_n, request_timeout_s=request_timeout,
            max_concurrent_heavy=max_concurrent_heavy, shutdown_timeout_s=shutdown_timeout)
    except ValidationError as exc:
        fail("; ".join(f"--{str(e['loc'][0]).removesuffix('_s').replace('_', '-')}: {e['msg']}" for e in exc.errors()), USAGE)
    m = load_model_or_fail(model)  # in this process too: a model that cannot be loaded is one clear error
    out.print(f"serving {escape(model or 'latest registered model')} on http://{escape(host)}:{port} (docs at /docs)"
              + (f" with {workers} worker processes" if workers > 1 else ""))
    if workers > 1:
        from cathodeml.serve.workers import WorkerSpec, run_workers

        del m
        raise typer.Exit(run_workers(WorkerSpec(model, settings.model_dump(), host, port), workers))
    run(create_app(m, settings=settings, model_uri=model or ""), host, port)
