"""Benchmark: `cathodeml serve` under load, on loopback only (issues 7 and 14).

Starts `cathodeml serve` on 127.0.0.1 (a model directory is required), then runs, each bounded in
count and in time and stopping by itself:

* **burst** — 1,000 single-recipe POST /predict requests sent at once (one connection each);
* **sustained** — 50 async clients for 60 s, each sending one recipe at a time; with
  ``--bad-every K`` every K-th request of each client breaks a rule (a 422 that must neither fail
  nor slow its neighbours).

Reports requests, throughput, p50/p99/max latency and errors (any status but the expected 200,
or 422 for the bad ones; transport errors count as -1). Issue 14's goal: 0 errors, no stalls.

Run:  python benchmarks/service_load.py MODEL_DIR [--burst 1000] [--clients 50] [--seconds 60] [--bad-every 0]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import socket
import subprocess
import sys
import time
from collections import Counter

import httpx
import numpy as np

RECIPE = {"cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": 1.0, "v_min": 2.8, "v_max": 4.3,
          "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100, "electrolyte": "liquid"}
BAD = RECIPE | {"v_max": 45.0}
#: No single request may take longer than this (a stall would show as a transport error).
REQUEST_TIMEOUT_S = 30


def _body(k: int, i: int, bad_every: int) -> tuple[list[dict], int]:
    if bad_every and i % bad_every == bad_every - 1:
        return [BAD], 422
    return [RECIPE | {"coating_wt_pct": 0.5 + 0.01 * ((k * 31 + i) % 200)}], 200


async def _one(c: httpx.AsyncClient, url: str, body: list[dict], expect: int, lat: list[float], codes: Counter) -> None:
    t = time.perf_counter()
    try:
        r = await c.post(url, json=body)
        codes[r.status_code if r.status_code != expect else "ok"] += 1
    except httpx.HTTPError:
        codes[-1] += 1
    lat.append(time.perf_counter() - t)


async def burst(url: str, n: int) -> tuple[list[float], Counter, float]:
    lat: list[float] = []
    codes: Counter = Counter()
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S, limits=limits) as c:
        t = time.perf_counter()
        await asyncio.gather(*(_one(c, url, *_body(k, 0, 0), lat, codes) for k in range(n)))
        return lat, codes, time.perf_counter() - t


async def sustained(url: str, clients: int, seconds: float, bad_every: int) -> tuple[list[float], Counter, float]:
    lat: list[float] = []
    codes: Counter = Counter()
    stop = time.perf_counter() + seconds

    async def client(k: int) -> None:
        async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S) as c:
            i = 0
            while time.perf_counter() < stop:
                await _one(c, url, *_body(k, i, bad_every), lat, codes)
                i += 1

    t = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return lat, codes, time.perf_counter() - t


def report(name: str, lat: list[float], codes: Counter, wall: float) -> None:
    ms = np.array(lat) * 1000
    errors = sum(v for k, v in codes.items() if k != "ok")
    print(f"{name}: {len(ms)} requests in {wall:.1f} s ({len(ms) / wall:.0f} req/s); p50 {np.percentile(ms, 50):.0f} ms, "
          f"p99 {np.percentile(ms, 99):.0f} ms, max {ms.max():.0f} ms; errors {errors} {dict(codes)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--burst", type=int, default=1000, help="requests sent at once (0 = skip)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60, help="length of the sustained run (0 = skip)")
    ap.add_argument("--bad-every", type=int, default=0, help="every K-th request of a client breaks a rule (422)")
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "cathodeml.cli", "serve", "--model", args.model, "--host",
                             "127.0.0.1", "--port", str(port)])
    print(f"{platform.node()} · {platform.processor() or platform.machine()} · {len(__import__('os').sched_getaffinity(0))} cores"
          f" · Python {platform.python_version()} · {time.strftime('%Y-%m-%d %H:%M')}")
    try:
        for _ in range(200):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        url = f"http://127.0.0.1:{port}/predict"
        asyncio.run(sustained(url, 5, 2, 0))  # warm-up
        if args.burst:
            report(f"burst of {args.burst}", *asyncio.run(burst(url, args.burst)))
        if args.seconds:
            label = f"{args.clients} clients × {args.seconds:g} s" + (f", every {args.bad_every}th a 422" if args.bad_every else "")
            report(label, *asyncio.run(sustained(url, args.clients, args.seconds, args.bad_every)))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
