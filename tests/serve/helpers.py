"""A real `cathodeml serve` on loopback for the tests that need one (started, awaited, stopped)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(model_dir: Path, *options: str, startup_s: float = 60) -> Iterator[tuple[str, subprocess.Popen]]:
    """(base URL, process) of a service on 127.0.0.1 once /health answers; killed at the end if still up."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "cathodeml.cli", "serve", "--model", str(model_dir), "--port",
                             str(port), *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + startup_s
        while time.time() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("service did not start: " + proc.stdout.read1(4000).decode(errors="replace"))
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
