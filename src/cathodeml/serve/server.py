"""Running the app under uvicorn, stopping within seconds of SIGTERM.

uvicorn's own graceful shutdown waits for every open request; a search of thousands of trials
would hold the process for minutes. Here SIGTERM (or Ctrl-C) first cancels the heavy
computations — they stop at their next step and answer 503 — then uvicorn closes as usual,
giving the remaining requests ``shutdown_timeout_s`` before it cancels them.
"""

from __future__ import annotations

import gc
from socket import socket
from typing import Any

import uvicorn
from fastapi import FastAPI


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self.cathodeml_app = app

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.cathodeml_app.state.slots.cancel_all("the server is shutting down")
        super().handle_exit(sig, frame)


def run(app: FastAPI, host: str, port: int, sockets: list[socket] | None = None) -> None:
    """Serve ``app`` (built by :func:`cathodeml.serve.api.create_app`) until SIGTERM / Ctrl-C;
    on ``sockets`` already bound when given (a worker of :mod:`cathodeml.serve.workers`)."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            timeout_graceful_shutdown=app.state.settings.shutdown_timeout_s)
    # The model and the libraries are hundreds of thousands of long-lived objects: frozen, the
    # collector's full passes skip them (they stalled every request in flight for ~0.1 s).
    gc.collect()
    gc.freeze()
    _Server(config, app).run(sockets=sockets)
