"""Benchmark: single-recipe POST /predict from 50 concurrent clients for 30 s, on loopback (issue 7).

Starts `cathodeml serve` on 127.0.0.1 (a model directory is required), then runs 50 async
clients in a loop, each sending one recipe at a time; the run stops by itself after 30 s.
Reports throughput, p50/p99 latency and errors.   Goal: p99 ≤ 50 ms, 0 errors.

Run:  python benchmarks/service_load.py MODEL_DIR [--clients 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time

import httpx
import numpy as np

RECIPE = {"cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": 1.0, "v_min": 2.8, "v_max": 4.3,
          "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100, "electrolyte": "liquid"}


async def client(url: str, stop: float, lat: list[float], errors: list[int], k: int) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        i = 0
        while time.perf_counter() < stop:
            body = [RECIPE | {"coating_wt_pct": 0.5 + 0.01 * ((k * 31 + i) % 200)}]
            t = time.perf_counter()
            try:
                r = await c.post(url, json=body)
                if r.status_code != 200:
                    errors.append(r.status_code)
            except httpx.HTTPError:
                errors.append(-1)
            lat.append(time.perf_counter() - t)
            i += 1


async def load(url: str, clients: int, seconds: float) -> tuple[list[float], list[int]]:
    lat: list[float] = []
    errors: list[int] = []
    stop = time.perf_counter() + seconds
    await asyncio.gather(*(client(url, stop, lat, errors, k) for k in range(clients)))
    return lat, errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "cathodeml.cli", "serve", "--model", args.model, "--port", str(port)])
    try:
        for _ in range(200):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        url = f"http://127.0.0.1:{port}/predict"
        asyncio.run(load(url, 5, 2))  # warm-up
        lat, errors = asyncio.run(load(url, args.clients, args.seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    ms = np.array(lat) * 1000
    print(f"{len(ms)} requests in {args.seconds:.0f} s from {args.clients} clients: {len(ms) / args.seconds:.0f} req/s; "
          f"p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms; errors {len(errors)}")


if __name__ == "__main__":
    main()
