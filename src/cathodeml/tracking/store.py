"""Which MLflow store a command talks to, and the client for it.

``--tracking-uri`` (or the config's ``tracking.uri``) > ``$MLFLOW_TRACKING_URI`` > the embedded
default: the sqlite file ``mlflow.db`` in the runs folder (tracking and registry), artifacts in
its ``artifacts/`` folder — no server. Any sqlite store keeps its artifacts beside its file. The URI is handed to an explicit client, never set globally.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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
    if not uri.startswith("sqlite:///"):
        return None
    path = uri.removeprefix("sqlite:///").split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return (Path(path).resolve().parent / "artifacts").as_uri()


def client(tracking_uri: str) -> Any:
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def masked(uri: str) -> str:
    """A URI fit for a message: a password in ``scheme://user:password@host`` is replaced by ``***``."""
    import re

    return re.sub(r"(//[^/:@]+:)[^@/]+@", r"\1***@", uri)
