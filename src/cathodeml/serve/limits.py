"""Bounding the work of one request: its body size, its time, and the heavy computations at once.

* :class:`BodyLimit` reads at most ``max_body_bytes`` of a body and answers 413 beyond that —
  before FastAPI parses a byte of it (a declared ``Content-Length`` is refused without reading).
* :class:`CancelToken` is checked by long computations between steps (a search generation, an
  explanation chunk); cancelling it — client gone, time budget spent, server stopping — stops
  the computation at its next step, since a Python thread cannot be killed.
* :func:`run_heavy` runs a computation off the event loop in one of ``max_concurrent_heavy``
  slots, watching the client and the clock while it runs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool

log = logging.getLogger("cathodeml.serve")
T = TypeVar("T")

#: How often a running heavy request looks at its client and its clock.
POLL_S = 0.1
#: How long a cancelled computation is given to reach its next step before the answer goes out.
GRACE_S = 2.0


class BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` is a 413 naming ``max_body_bytes``."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _too_large(self, send: Callable) -> None:
        body = json.dumps({"detail": f"request body larger than the limit of {self.max_bytes:,} bytes "
                                     "(max_body_bytes)"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._too_large(send)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return await self._too_large(send)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: the client's disconnect, when it comes

        await self.app(scope, replay, send)


class Cancelled(Exception):
    """Raised inside a computation at its next step once its :class:`CancelToken` is cancelled."""


class CancelToken:
    """A deadline plus a reason to stop, shared between a request and the thread computing it."""

    def __init__(self, budget_s: float) -> None:
        self.budget_s = budget_s
        self.deadline = time.monotonic() + budget_s
        self.reason: str | None = None

    def cancel(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason

    def expired(self) -> bool:
        if self.reason is None and time.monotonic() > self.deadline:
            self.reason = f"it exceeded its time budget of {self.budget_s:g} s (request_timeout_s)"
        return self.reason is not None

    def check(self, *_: Any) -> None:
        """Call between steps (usable as a progress callback): raises :class:`Cancelled` when due."""
        if self.expired():
            raise Cancelled(self.reason)


class HeavySlots:
    """At most ``n`` heavy computations at once; tokens of the running ones, to cancel at shutdown."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.lock = threading.Lock()
        self.running: set[CancelToken] = set()

    def try_acquire(self, token: CancelToken) -> bool:
        with self.lock:
            if len(self.running) >= self.n:
                return False
            self.running.add(token)
            return True

    def release(self, token: CancelToken) -> None:
        with self.lock:
            self.running.discard(token)

    def cancel_all(self, reason: str) -> None:
        with self.lock:
            for token in self.running:
                token.cancel(reason)


def unavailable(reason: str, retry_after_s: int = 1) -> HTTPException:
    return HTTPException(status_code=503, detail=f"request not completed: {reason}",
                         headers={"Retry-After": str(retry_after_s)})


def internal_error(what: str) -> HTTPException:
    """Log the exception being handled (with its traceback) and return the 500 its client gets."""
    error_id = uuid.uuid4().hex[:12]
    log.exception("error %s while %s", error_id, what)
    return HTTPException(status_code=500, detail=f"internal error while {what} (error id {error_id}); "
                                                 "the server log has the details")


async def run_heavy(request: Request, work: Callable[[CancelToken], T], slots: HeavySlots, budget_s: float,
                    what: str) -> T:
    """Run ``work(token)`` in a worker thread; stop it when the client leaves, the budget is spent
    or the server stops. Errors the work raises as ``HTTPException`` pass through; any other is a
    logged 500 for this request only."""
    token = CancelToken(budget_s)
    if not slots.try_acquire(token):
        raise unavailable(f"{slots.n} heavy requests are already running (max_concurrent_heavy); retry shortly")

    def job() -> T:
        try:
            return work(token)
        finally:
            slots.release(token)

    task = asyncio.ensure_future(run_in_threadpool(job))
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=POLL_S)
            if not task.done() and await request.is_disconnected():
                token.cancel("the client went away")
            if token.expired():
                await asyncio.wait({task}, timeout=GRACE_S)  # it stops at its next step: free its slot first
                break
    except asyncio.CancelledError:  # the server is stopping, or the connection was dropped
        token.cancel("the server is shutting down")
        raise
    if not task.done():
        raise unavailable(token.reason or "cancelled")
    try:
        return task.result()
    except Cancelled:
        raise unavailable(token.reason or "cancelled") from None
    except HTTPException:
        raise
    except Exception:  # noqa: BLE001 — a bug or a model failure: this request's 500, logged
        raise internal_error(what) from None
