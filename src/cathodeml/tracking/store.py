"""Which MLflow store a command talks to, and the client for it.

``--tracking-uri`` (or the config's ``tracking.uri``) > ``$MLFLOW_TRACKING_URI`` > the embedded
default: the sqlite file ``mlflow.db`` in the runs folder (tracking and registry), artifacts in
its ``artifacts/`` folder — no server. Any sqlite store keeps its artifacts beside its file. The
URI is handed to an explicit client, never set globally.

A new sqlite store is created (its tables migrated) by one process at a time, under a lock file
beside it: two trainings started together on a new store both succeed, the second waiting a
moment with a message, instead of both running the migrations at once and crashing. Opening a
store that cannot be used (a server down, a driver missing) is one :class:`TrackingStoreError`
whose message shows the URI with its password masked.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cathodeml.errors import TrackingStoreError
from cathodeml.home import runs_dir as default_runs_dir
from cathodeml.home import sqlite_uri

ENV = "MLFLOW_TRACKING_URI"


def resolve_tracking_uri(uri: str | None = None, runs_dir: str | Path | None = None) -> str:
    if uri:
        return uri
    if os.environ.get(ENV):
        return os.environ[ENV]
    return sqlite_uri(default_runs_dir(runs_dir) / "mlflow.db")


def is_embedded(uri: str | None = None) -> bool:
    """True when the embedded sqlite store of the runs folder is used."""
    return not uri and not os.environ.get(ENV)


def artifact_location(uri: str) -> str | None:
    """Where a new experiment of the store ``uri`` keeps its artifacts: ``artifacts/`` beside the
    sqlite file of a local store (for the embedded default, the runs folder's ``artifacts/``);
    None (the server's or MLflow's own choice) for any other store.

    Left to MLflow, a database store's artifacts go to ``./mlruns`` of whatever folder the process
    happens to run in, so one store's runs would be scattered over working directories.
    """
    db = sqlite_file(uri)
    return None if db is None else (db.resolve().parent / "artifacts").as_uri()


#: How long a process waits for another one to finish creating the same sqlite store.
INIT_WAIT_S = 120.0
log = logging.getLogger("cathodeml.tracking")


def sqlite_file(uri: str) -> Path | None:
    """The database file of a ``sqlite:///…`` URI (None for other stores and in-memory sqlite)."""
    if not uri.startswith("sqlite:///"):
        return None
    path = uri.removeprefix("sqlite:///").split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


@contextmanager
def _init_lock(db: Path) -> Iterator[None]:
    """Exclusive while a sqlite store is opened (and, when new, created): ``<db>.lock`` beside it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        yield
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{db}.lock", "a") as f:
        deadline = time.monotonic() + INIT_WAIT_S
        waiting = False
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    log.warning("waiting for another process to finish opening the MLflow store %s", db)
                    waiting = True
                if time.monotonic() > deadline:
                    raise TrackingStoreError(f"{db}: still locked by another process after {INIT_WAIT_S:.0f} s "
                                             f"(remove {db}.lock if no cathodeml is running)") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def client(tracking_uri: str) -> Any:
    """An ``MlflowClient`` for ``tracking_uri`` (tracking and registry), opened and ready."""
    from mlflow import MlflowClient

    db = sqlite_file(tracking_uri)
    try:
        if db is None:
            c = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
            c.search_experiments(max_results=1)  # fail here, with a clear message, if it cannot be reached
            return c
        with _init_lock(db):  # tracking and registry share the file: create / migrate its tables once
            c = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
            c.search_experiments(max_results=1)
            c.search_registered_models(max_results=1)
        return c
    except TrackingStoreError:
        raise
    except Exception as exc:  # noqa: BLE001 — any driver or server error: one message, password masked
        raise TrackingStoreError(f"cannot open the MLflow store {masked(tracking_uri)}: "
                                 f"{masked(f'{type(exc).__name__}: {exc}')}") from None


def masked(uri: str) -> str:
    """A URI fit for a message: a password in ``scheme://user:password@host`` is replaced by ``***``."""
    import re

    return re.sub(r"(//[^/:@]*:)[^@/]+@", r"\1***@", uri)
