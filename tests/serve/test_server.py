"""Heavy requests stop when their client goes away, and `cathodeml serve` stops within seconds of SIGTERM."""

import asyncio
import json
import signal
import threading
import time

import httpx
import pytest
import uvicorn

from cathodeml.models.persistence import load_local_model
from cathodeml.serve.api import create_app
from cathodeml.serve.limits import CancelToken
from cathodeml.serve.server import _Server
from cathodeml.serve.settings import ServiceSettings
from tests.serve.helpers import serving
from tests.recommend.test_search import SPACE


async def _call_then_disconnect(app, path: str, body: bytes, after_s: float) -> list[dict]:
    """Drive the ASGI app directly: the client sends its body, then hangs up after ``after_s``."""
    sent: list[dict] = []
    start = time.perf_counter()
    delivered = False

    async def receive():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        remaining = start + after_s - time.perf_counter()
        if remaining > 0:
            await asyncio.sleep(remaining)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
    await app(scope, receive, send)
    return sent


def test_recommend_stops_when_the_client_goes_away(tiny_model_dir):
    app = create_app(load_local_model(tiny_model_dir), settings=ServiceSettings(max_concurrent_heavy=1))
    body = json.dumps({"space": SPACE, "trials": 2000}).encode()  # ~8 s of search if nobody stops it

    async def run():
        t = time.perf_counter()
        await _call_then_disconnect(app, "/recommend", body, after_s=0.3)
        return time.perf_counter() - t

    assert asyncio.run(run()) < 2


def _rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_serve_stops_within_seconds_of_sigterm_during_a_long_search(tiny_model_dir):
    options = ("--max-trials", "50000", "--request-timeout", "600", "--shutdown-timeout", "1",
               "--max-concurrent-heavy", "1")
    with serving(tiny_model_dir, *options) as (url, proc):
        limits = httpx.get(f"{url}/model", timeout=5).json()["limits"]
        assert limits["max_trials"] == 50_000 and limits["shutdown_timeout_s"] == 1
        # The review's request: a 422 at once, the server's memory flat.
        rss = _rss_mb(proc.pid)
        t = time.perf_counter()
        tiny_step = {"space": SPACE | {"ranges": {"coating_wt_pct": {"min": 0, "max": 1, "step": 1e-300}}}}
        assert httpx.post(f"{url}/recommend", json=tiny_step, timeout=10).status_code == 422
        assert time.perf_counter() - t < 2 and _rss_mb(proc.pid) - rss < 50
        # A client that gives up: its search stops, and the only heavy slot is free again at once.
        with pytest.raises(httpx.TimeoutException):
            httpx.post(f"{url}/recommend", json={"space": SPACE, "trials": 50_000}, timeout=0.5)
        time.sleep(0.5)
        small = httpx.post(f"{url}/recommend", json={"space": SPACE, "trials": 20, "n": 2}, timeout=30)
        assert small.status_code == 200, small.text

        def long_search():
            try:
                httpx.post(f"{url}/recommend", json={"space": SPACE, "trials": 50_000}, timeout=60)
            except httpx.HTTPError:
                pass

        threading.Thread(target=long_search, daemon=True).start()
        time.sleep(1.0)  # the search is running
        t = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        assert time.perf_counter() - t < 5

def test_sigterm_cancels_heavy_work_before_the_server_stops(tiny_model_dir):
    app = create_app(load_local_model(tiny_model_dir))
    token = CancelToken(600)
    assert app.state.slots.try_acquire(token)
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=0), app)
    server.handle_exit(signal.SIGTERM, None)
    assert token.expired() and token.reason == "the server is shutting down"
    assert server.should_exit
