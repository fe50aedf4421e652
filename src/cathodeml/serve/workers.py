"""``cathodeml serve --workers N``: N worker processes on one listening socket.

One process computes on one core (the Python parts of a request and of a batch hold the GIL, and
:mod:`cathodeml.serve.compute` keeps each computation to one thread), so a machine's other cores
serve through other processes. The parent binds the socket and supervises; each worker is a fresh
interpreter (``spawn``: no fork of a process that holds OpenMP threads) that loads the model from
its URI — a model directory or an MLflow URI, passed to it with the limits as plain data — and
serves with the same graceful shutdown as a single process (:mod:`cathodeml.serve.server`).

The parent forwards SIGTERM / Ctrl-C to every worker and waits for them (each stops its searches
at once and gives other requests ``shutdown_timeout_s``); a worker that dies while serving is
replaced, one that dies while starting (a model that cannot be loaded) stops the service.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from functools import partial
from socket import socket

log = logging.getLogger("cathodeml.serve")

#: A worker that exits sooner than this after its start is taken as failing to start.
STARTUP_S = 60.0


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build its app: plain data, pickled to the new interpreter."""

    model: str | None
    settings: dict
    host: str
    port: int


def build_app(spec: WorkerSpec):  # noqa: ANN201 — a FastAPI app (imported lazily: the parent needs none)
    """Load the model from its URI and build the app around it (in the worker process)."""
    from cathodeml.serve.api import create_app
    from cathodeml.serve.settings import ServiceSettings
    from cathodeml.tracking.registry import load_model

    return create_app(load_model(spec.model), settings=ServiceSettings(**spec.settings), model_uri=spec.model or "")


def _serve(spec: WorkerSpec, sockets: list[socket] | None = None) -> None:
    """A worker's life: build the app, serve on the inherited socket until SIGTERM."""
    from cathodeml.serve.server import run

    run(build_app(spec), spec.host, spec.port, sockets=sockets)


def run_workers(spec: WorkerSpec, workers: int) -> int:
    """Serve with ``workers`` processes until SIGTERM / Ctrl-C (see the module docstring).

    Returns the exit code: 0, or 1 when a worker failed to start."""
    import multiprocessing

    import uvicorn

    sock = uvicorn.Config("cathodeml.serve.api:create_app", host=spec.host, port=spec.port).bind_socket()
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()
    failed = False
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start():  # noqa: ANN202 — (process, start time)
        p = spawn.Process(target=partial(_serve, spec), kwargs={"sockets": [sock]}, name="cathodeml-worker")
        p.start()
        return p, time.monotonic()

    procs = [start() for _ in range(workers)]
    try:
        while not stop.wait(0.5):
            for i, (p, started) in enumerate(procs):
                if p.is_alive():
                    continue
                if time.monotonic() - started < STARTUP_S:
                    log.error("worker %s exited while starting (code %s); stopping the service", p.pid, p.exitcode)
                    failed = True
                    stop.set()
                    break
                log.error("worker %s died (code %s); starting another", p.pid, p.exitcode)
                procs[i] = start()
    finally:
        for p, _ in procs:
            if p.is_alive():
                os.kill(p.pid, signal.SIGTERM)
        grace = spec.settings.get("shutdown_timeout_s", 5.0) + 5
        for p, _ in procs:
            p.join(grace)
            if p.is_alive():
                p.kill()
                p.join()
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 1 if failed else 0

