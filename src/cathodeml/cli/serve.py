"""``cathodeml serve``: the REST service."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from cathodeml.cli.common import ModelOption, command, fail, load_model_or_fail, out

app = typer.Typer()


@command(app, "serve")
def serve(
    model: ModelOption = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    max_batch: Annotated[int, typer.Option(help="largest batch accepted by POST /predict (larger → 413)")] = 10_000,
) -> None:
    """Start the REST service (GET /health, GET /model, POST /predict, /explain, /recommend; docs at /docs)."""
    try:
        import uvicorn

        from cathodeml.serve.api import create_app
    except ImportError:
        fail("the service needs the 'serve' extra: pip install 'cathodeml[serve]'")
    m = load_model_or_fail(model)
    out.print(f"serving {escape(model or 'latest registered model')} on http://{escape(host)}:{port} (docs at /docs)")
    uvicorn.run(create_app(m, max_batch=max_batch, model_uri=model or ""), host=host, port=port, log_level="warning")
