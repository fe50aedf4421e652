"""Coalescing concurrent ``/predict`` requests into one model call, each isolated from the others.

A prediction costs a fixed ~10–30 ms of pandas/XGBoost overhead whether it is for 1 recipe or
100, so 50 clients each sending one recipe are best served by one call for all 50. Sharing a
call must not mean sharing a fate:

* **Rules** run once for the whole batch (one check of 50 rows costs what one of 1 row does). A
  request whose rows broke a rule gets its 422 from that same check, its row numbers re-based to
  its own body, and its neighbours are predicted from the batch's typed rows — nothing is
  re-checked or re-predicted, so a stream of 422s costs the batcher nothing. The one rule across
  rows, unique ``record_id``, holds within a request, not across strangers: each request's ids are
  namespaced for the batch check. A problem without a row sends its request to be checked alone.
* **Crashes** — anything the rules let through that the model then fails on — are bisected: the
  batch is split in halves until the failing request is alone; it gets a logged 500, every
  other request its 200. One bad request among N costs about 2·log2(N) extra model calls.
* A request that has timed out or whose client left is dropped before its batch is assembled.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool

from cathodeml.data.rules import MISSING_TOKENS
from cathodeml.errors import Problem
from cathodeml.serve.limits import internal_error

Rows = list[dict[str, Any]]
Outcome = Any  # the request's rows of predictions, or the HTTPException it is answered with
Check = Callable[[Rows], tuple[pd.DataFrame, list[Problem]]]
Predict = Callable[[pd.DataFrame], Rows]
#: The column of the one rule across rows (unique values): namespaced per request in a batch check.
ID = "record_id"


def _namespaced(requests: list[Rows]) -> Rows:
    """All rows of a batch, each request's record ids prefixed ``i:`` so that they clash only within it
    (an id the rules read as unknown, ``""`` or ``"n/a"``, is left as it is)."""
    def ns(i: int, r: dict[str, Any]) -> dict[str, Any]:
        rid = r.get(ID)
        return r if not isinstance(rid, str) or rid.strip().lower() in MISSING_TOKENS else r | {ID: f"{i}:{rid}"}

    return [ns(i, r) for i, rows in enumerate(requests) for r in rows]


def validation_error(problems: list[Problem]) -> HTTPException:
    """The 422 of one request: ``loc = ["body", index, column]`` per broken rule."""
    detail = [{"loc": ["body", (p.row - 1) if p.row is not None else None, p.column],
               "msg": str(p).split(": ", 1)[-1], "type": "value_error"} for p in problems]
    return HTTPException(status_code=422, detail=detail)


def _predict_groups(groups: list[tuple[int, np.ndarray]], frame: pd.DataFrame, predict: Predict,
                    outcomes: list[Outcome]) -> None:
    """Predict the rows of several requests in one call; on a failure, bisect down to the culprit."""
    rows = np.concatenate([r for _, r in groups])
    try:
        out = predict(frame.iloc[rows].reset_index(drop=True))
    except Exception:  # noqa: BLE001 — whatever the model raises
        if len(groups) == 1:
            outcomes[groups[0][0]] = internal_error("predicting this request")
            return
        half = len(groups) // 2
        _predict_groups(groups[:half], frame, predict, outcomes)
        _predict_groups(groups[half:], frame, predict, outcomes)
        return
    start = 0
    for i, r in groups:
        outcomes[i] = out[start : start + len(r)]
        start += len(r)


def _alone(rows: Rows, check: Check, predict: Predict) -> Outcome:
    """One request on its own: its own 422, or its predictions (a cross-request clash only)."""
    try:
        frame, problems = check(rows)
    except Exception:  # noqa: BLE001
        return internal_error("validating this request")
    if problems:
        return validation_error(problems)
    outcome: list[Outcome] = [None]
    _predict_groups([(0, np.arange(len(rows)))], frame, predict, outcome)
    return outcome[0]


def serve_batch(requests: list[Rows], check: Check, predict: Predict) -> list[Outcome]:
    """Outcome per request of one batch (runs in a worker thread); never raises."""
    try:
        frame, problems = check(_namespaced(requests))
    except Exception:  # noqa: BLE001 — the rules themselves choked: find whose rows did it
        if len(requests) == 1:
            return [internal_error("validating this request")]
        half = len(requests) // 2
        return serve_batch(requests[:half], check, predict) + serve_batch(requests[half:], check, predict)
    starts = np.cumsum([0] + [len(r) for r in requests[:-1]])
    own: dict[int, list[Problem]] = {}
    unsure: set[int] = set()
    for p in problems:
        if p.row is None:
            unsure.update(range(len(requests)))
            continue
        i = bisect_right(starts, p.row - 1) - 1
        value = p.value.split(":", 1)[1] if p.column == ID and p.value is not None else p.value
        own.setdefault(i, []).append(replace(p, row=p.row - int(starts[i]), value=value))
    outcomes: list[Outcome] = [None] * len(requests)
    for i in set(own) | unsure:
        outcomes[i] = _alone(requests[i], check, predict) if i in unsure else validation_error(own[i])
    flagged = set(own) | unsure
    good = [(i, np.arange(starts[i], starts[i] + len(requests[i]))) for i in range(len(requests)) if i not in flagged]
    if good:
        _predict_groups(good, frame, predict, outcomes)
    return outcomes


class MicroBatcher:
    """Queue of concurrent requests served batch by batch by one worker task (see module doc)."""

    def __init__(self, check: Check, predict: Predict, max_rows: int):
        self.check, self.predict, self.max_rows = check, predict, max_rows
        self.queue: asyncio.Queue | None = None
        self.worker: asyncio.Task | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def submit(self, rows: Rows) -> Rows:
        """The predictions of ``rows``; raises the request's own HTTPException (422 or 500)."""
        loop = asyncio.get_running_loop()
        if self.queue is None or self.loop is not loop:  # first call, or a new event loop
            self.loop, self.queue = loop, asyncio.Queue()
            self.worker = loop.create_task(self._run(self.queue))
        fut: asyncio.Future = loop.create_future()
        await self.queue.put((rows, fut))
        outcome = await fut
        if isinstance(outcome, HTTPException):
            raise outcome
        return outcome

    async def _run(self, queue: asyncio.Queue) -> None:
        while True:
            batch = [await queue.get()]
            n = len(batch[0][0])
            while not queue.empty() and n < self.max_rows:
                item = queue.get_nowait()
                batch.append(item)
                n += len(item[0])
            batch = [item for item in batch if not item[1].done()]  # timed out or abandoned meanwhile
            if batch:
                outcomes = await run_in_threadpool(serve_batch, [rows for rows, _ in batch], self.check, self.predict)
                for (_, fut), outcome in zip(batch, outcomes):
                    if not fut.done():
                        fut.set_result(outcome)

    async def close(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
