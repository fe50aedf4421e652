"""A recommendation or screening run in MLflow: its settings and its files, for lineage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cathodeml.tracking.runs import start_run

EXPERIMENT = "cathodeml"


def log_recommendation(params: dict[str, Any], files: list[Path], *, tracking_uri: str | None = None,
                       experiment: str = EXPERIMENT, run_name: str = "recommend") -> tuple[str, str]:
    """Log one run with ``params`` and ``files``; return (run id, tracking URI)."""
    with start_run(experiment, run_name, tracking_uri=tracking_uri, tags={"cathodeml.command": run_name},
                   description=f"cathodeml {run_name}: " + ", ".join(f"{k}={v}" for k, v in params.items())) as run:
        run.log_params(params)
        for f in files:
            run.log_artifact(f)
    return run.run_id, run.tracking_uri
