"""`cathodeml serve --workers 2` on loopback: both worker processes serve the model, and SIGTERM
stops the service — a running search included — within seconds, leaving no worker behind."""

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.models.persistence import load_local_model
from tests.recommend.test_search import SPACE
from tests.serve.helpers import serving
from tests.serve.test_api import GOOD


def _workers(parent: int) -> list[int]:
    """Pids of the parent's worker processes (spawned interpreters)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, IndexError):
        return False


def test_two_workers_serve_and_stop_on_sigterm(tiny_model_dir):
    options = ("--workers", "2", "--max-trials", "50000", "--request-timeout", "600", "--shutdown-timeout", "1")
    expected = load_local_model(tiny_model_dir).predict(recipes_to_frame([Recipe(**GOOD)]))
    with serving(tiny_model_dir, *options, startup_s=120) as (url, proc):
        pids = _workers(proc.pid)
        assert len(pids) == 2
        with ThreadPoolExecutor(8) as pool:  # new connections, spread over the workers by the kernel
            answers = list(pool.map(lambda _: httpx.post(f"{url}/predict", json=[GOOD], timeout=30), range(40)))
        assert {r.status_code for r in answers} == {200}
        assert all(np.isclose(r.json()[0]["capacity_mah_g_pred"], expected.loc[0, "capacity_mah_g_pred"]) for r in answers)

        threading.Thread(target=lambda: _quietly(f"{url}/recommend", {"space": SPACE, "trials": 50_000}), daemon=True).start()
        time.sleep(1.5)  # the search is running in one of the workers
        t = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        assert time.perf_counter() - t < 5  # as for one process (docs/reliability.md)
        assert proc.returncode == 0 and not any(_alive(p) for p in pids)


def _quietly(url: str, body: dict) -> None:
    try:
        httpx.post(url, json=body, timeout=60)
    except httpx.HTTPError:
        pass
