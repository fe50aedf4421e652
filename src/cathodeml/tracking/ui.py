"""Where to look at a store's runs: the ``mlflow ui`` command and the experiment's page.

A scientist who has just trained wants to see the runs, not MLflow's landing page: commands
print the command that serves a local store and the address of the experiment's runs table.
"""

from __future__ import annotations

from cathodeml.tracking.store import masked

#: Where ``mlflow ui`` listens by default.
DEFAULT_UI = "http://127.0.0.1:5000"


def is_server(tracking_uri: str) -> bool:
    return tracking_uri.startswith(("http://", "https://"))


def ui_command(tracking_uri: str) -> str | None:
    """``mlflow ui --backend-store-uri URI`` for a local store; None for a server (it is its own UI)."""
    return None if is_server(tracking_uri) else f"mlflow ui --backend-store-uri {tracking_uri}"


def experiment_page(tracking_uri: str, experiment_id: str) -> str:
    """The address of an experiment's runs table (on the server, or on a local ``mlflow ui``)."""
    base = masked(tracking_uri) if is_server(tracking_uri) else DEFAULT_UI
    return f"{base.rstrip('/')}/#/experiments/{experiment_id}/runs"


def where_to_look(tracking_uri: str, experiment_id: str) -> str:
    """One sentence: the command to run (local store) and the page to open."""
    command = ui_command(tracking_uri)
    page = experiment_page(tracking_uri, experiment_id)
    return f"look at the runs: {command}, then open {page}" if command else f"look at the runs: {page}"
