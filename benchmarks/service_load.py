"""Benchmark: `cathodeml serve` under load, on loopback only (issues 7, 14 and 16).

Starts `cathodeml serve` on 127.0.0.1 (a model directory is required) and runs, each bounded in
count and in time and stopping by itself:

* **burst** — 1,000 single-recipe POST /predict requests sent at once (one connection each);
* **sustained** — 50 async clients for ``--seconds``, each sending one recipe at a time; with
  ``--bad-every K`` every K-th request of each client breaks a rule (a 422 that must neither fail
  nor slow its neighbours).

This machine's load varies (other work shares its 2 cores, and so does the load generator), so
every figure is printed beside a **reference measured in the same run**, as a ratio:

* ``health`` (always): GET /health from the same clients against the same server — the floor of
  the HTTP stack and of the load generator itself on this machine at this moment;
* ``--reference-src DIR`` (optional): the same load against a server started from another source
  tree (e.g. ``git archive <commit> | tar -x -C DIR``), i.e. the code before a change.

``--rounds 2`` repeats the sustained runs, alternating the servers, so each figure is measured
twice. Reports requests, throughput, p50/p99/max latency and errors (any status but the expected
200, or 422 for the bad ones; transport errors count as -1). Issue 16's goal: p99 ≤ 50 ms,
≥ 1,000 req/s, 0 errors at 50 clients.

Run:  python benchmarks/service_load.py MODEL_DIR [--workers 2] [--reference-src DIR] [--rounds 2]
          [--burst 1000] [--clients 50] [--seconds 30] [--bad-every 0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import numpy as np

RECIPE = {"cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": 1.0, "v_min": 2.8, "v_max": 4.3,
          "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100, "electrolyte": "liquid"}
BAD = RECIPE | {"v_max": 45.0}
#: No single request may take longer than this (a stall would show as a transport error).
REQUEST_TIMEOUT_S = 30


@dataclass
class Result:
    name: str
    n: int
    wall: float
    p50: float
    p99: float
    max: float
    errors: int
    codes: dict

    @property
    def rate(self) -> float:
        return self.n / self.wall

    def line(self) -> str:
        return (f"{self.name}: {self.n} requests in {self.wall:.1f} s ({self.rate:.0f} req/s); p50 {self.p50:.0f} ms, "
                f"p99 {self.p99:.0f} ms, max {self.max:.0f} ms; errors {self.errors} {self.codes}")


def _body(k: int, i: int, bad_every: int) -> tuple[list[dict], int]:
    if bad_every and i % bad_every == bad_every - 1:
        return [BAD], 422
    return [RECIPE | {"coating_wt_pct": 0.5 + 0.01 * ((k * 31 + i) % 200)}], 200


class RawClient:
    """A minimal keep-alive HTTP/1.1 client on one asyncio connection (pre-encoded requests, responses
    read by Content-Length): ~20× less CPU per request than httpx, whose own cost on a shared 2-core
    machine caps what a benchmark can see of the server (httpx alone tops out near 750 GET /health per
    second here). ``--client httpx`` measures with httpx, as the figures before issue 16 did."""

    def __init__(self, base: str, timeout: float) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.timeout = host, int(port), timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> RawClient:
        return self

    async def __aexit__(self, *exc) -> None:
        if self.writer is not None:
            self.writer.close()

    async def request(self, path: str, body: bytes | None) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        method = "GET" if body is None else "POST"
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                + ("" if body is None else f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n")
                + "\r\n").encode()
        self.writer.write(head + (body or b""))
        status, length, close = await asyncio.wait_for(self._response_head(), self.timeout)
        await asyncio.wait_for(self.reader.readexactly(length), self.timeout)
        if close:
            self.writer.close()
            self.writer = None
        return status

    async def _response_head(self) -> tuple[int, int, bool]:
        status = int((await self.reader.readline()).split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            key, _, value = line.partition(b":")
            key = key.strip().lower()
            if key == b"content-length":
                length = int(value)
            elif key == b"connection" and value.strip().lower() == b"close":
                close = True
        return status, length, close


class HttpxClient:
    def __init__(self, base: str, timeout: float, connections: int = 1) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.base, self.client = base, httpx.AsyncClient(timeout=timeout, limits=limits)

    async def __aenter__(self) -> HttpxClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.aclose()

    async def request(self, path: str, body: bytes | None) -> int:
        url = self.base + path
        headers = {"content-type": "application/json"}
        r = await (self.client.get(url) if body is None else self.client.post(url, content=body, headers=headers))
        return r.status_code


CLIENTS = {"raw": RawClient, "httpx": HttpxClient}


async def _one(c, path: str, body: list[dict] | None, expect: int, lat: list[float], codes: Counter) -> None:
    t = time.perf_counter()
    try:
        status = await c.request(path, None if body is None else json.dumps(body).encode())
        codes[status if status != expect else "ok"] += 1
    except (httpx.HTTPError, OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
        codes[-1] += 1
    lat.append(time.perf_counter() - t)


def _result(name: str, lat: list[float], codes: Counter, wall: float) -> Result:
    ms = np.array(lat) * 1000
    errors = sum(v for k, v in codes.items() if k != "ok")
    return Result(name, len(ms), wall, float(np.percentile(ms, 50)), float(np.percentile(ms, 99)), float(ms.max()),
                  errors, dict(codes))


async def burst(base: str, n: int, kind: str) -> tuple[list[float], Counter, float]:
    """``n`` requests at once, one connection each."""
    lat: list[float] = []
    codes: Counter = Counter()
    clients = [CLIENTS[kind](base, REQUEST_TIMEOUT_S) for _ in range(n)]
    t = time.perf_counter()
    await asyncio.gather(*(_one(c, "/predict", *_body(k, 0, 0), lat, codes) for k, c in enumerate(clients)))
    wall = time.perf_counter() - t
    for c in clients:
        await c.__aexit__()
    return lat, codes, wall


async def sustained(base: str, path: str, clients: int, seconds: float, bad_every: int, kind: str
                    ) -> tuple[list[float], Counter, float]:
    lat: list[float] = []
    codes: Counter = Counter()
    stop = time.perf_counter() + seconds

    async def client(k: int) -> None:
        async with CLIENTS[kind](base, REQUEST_TIMEOUT_S) as c:
            i = 0
            while time.perf_counter() < stop:
                body, expect = (None, 200) if path == "/health" else _body(k, i, bad_every)
                await _one(c, path, body, expect, lat, codes)
                i += 1

    t = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return lat, codes, time.perf_counter() - t


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(model: str, workers: int, src: str | None):
    """A `cathodeml serve` on 127.0.0.1 (from ``src`` when given); its base URL once /health answers."""
    port = _free_port()
    env = dict(os.environ)
    options = ["--workers", str(workers)] if workers > 1 else []
    if src:
        env["PYTHONPATH"] = os.path.join(src, "src")
    proc = subprocess.Popen([sys.executable, "-m", "cathodeml.cli", "serve", "--model", model, "--host", "127.0.0.1",
                             "--port", str(port), *options], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        asyncio.run(sustained(base, "/predict", 10, 3, 0, "raw"))  # warm-up
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _ratio(a: Result, b: Result) -> str:
    return f"throughput × {a.rate / b.rate:.2f}, p99 × {a.p99 / b.p99:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--workers", type=int, default=1, help="--workers of the server under test")
    ap.add_argument("--reference-src", help="source tree of a reference server (the code before a change)")
    ap.add_argument("--reference-workers", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=2, help="sustained runs per server, alternating the servers")
    ap.add_argument("--burst", type=int, default=1000, help="requests sent at once (0 = skip)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30, help="length of each sustained run (0 = skip)")
    ap.add_argument("--bad-every", type=int, default=0, help="every K-th request of a client breaks a rule (422)")
    ap.add_argument("--client", choices=sorted(CLIENTS), default="raw", help="load generator (see RawClient)")
    args = ap.parse_args()
    print(f"{platform.node()} · {platform.processor() or platform.machine()} · {len(os.sched_getaffinity(0))} cores"
          f" · Python {platform.python_version()} · {time.strftime('%Y-%m-%d %H:%M')} · load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    label = (f"{args.clients} {args.client} clients × {args.seconds:g} s"
             + (f", every {args.bad_every}th a 422" if args.bad_every else ""))
    with server(args.model, args.workers, None) as new, \
            (server(args.model, args.reference_workers, args.reference_src) if args.reference_src else _none()) as old:
        if args.burst:
            for name, base in (("reference", old), ("this code", new)):
                if base:
                    print(f"burst of {args.burst}, {name}: " + _result("", *asyncio.run(burst(base, args.burst, args.client))).line()[2:])
        for r in range(args.rounds if args.seconds else 0):
            runs = {"health": _result(f"round {r + 1}, GET /health (floor)", *asyncio.run(
                sustained(new, "/health", args.clients, args.seconds / 2, 0, args.client)))}
            if old:
                runs["reference"] = _result(f"round {r + 1}, reference, {label}", *asyncio.run(
                    sustained(old, "/predict", args.clients, args.seconds, args.bad_every, args.client)))
            runs["new"] = _result(f"round {r + 1}, this code (--workers {args.workers}), {label}", *asyncio.run(
                sustained(new, "/predict", args.clients, args.seconds, args.bad_every, args.client)))
            for res in runs.values():
                print(res.line())
            print(f"round {r + 1}: this code vs GET /health: {_ratio(runs['new'], runs['health'])}"
                  + (f"; vs reference: {_ratio(runs['new'], runs['reference'])}" if old else ""))


@contextmanager
def _none():
    yield None


if __name__ == "__main__":
    main()
