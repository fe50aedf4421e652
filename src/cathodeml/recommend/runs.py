"""A recommendation or screening run in MLflow: its settings, its account and its files, for lineage.

Searches go to their own experiment (:data:`EXPERIMENT`), not the training one: the runs table of
``cathodeml`` stays a list of trainings to compare, and each search run says in its name, tags and
description which space file (name and sha256) and which model (``models:/cathodeml/N``) it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cathodeml import __version__
from cathodeml.data.dataset import sha256_bytes
from cathodeml.recommend.accounting import SearchReport
from cathodeml.tracking.runs import start_run

EXPERIMENT = "cathodeml-recommend"
EXPERIMENT_NOTE = ("`cathodeml recommend` and `cathodeml screen` runs: what to try next — the search space "
                   "file, the settings, the model used, what was evaluated and dropped, and the recommended recipes.")


@dataclass(frozen=True)
class LoggedRun:
    run_id: str
    run_name: str
    tracking_uri: str
    experiment_id: str


def log_search(command: str, space_path: Path, params: dict[str, Any], files: list[Path], *, model_uri: str,
               report: SearchReport | None = None, tracking_uri: str | None = None,
               experiment: str = EXPERIMENT, tags: dict[str, str] | None = None) -> LoggedRun:
    """Log one ``recommend`` / ``screen`` run: ``params``, the search report (JSON and metrics) and ``files``."""
    digest = sha256_bytes(Path(space_path).read_bytes())
    goal = params.get("objectives") or params.get("objective") or ""
    name = f"{command} {Path(space_path).stem}: {goal}"
    tags = {"cathodeml.command": command, "cathodeml.model_uri": model_uri, "cathodeml.space_file": Path(space_path).name,
            "cathodeml.space_sha256": digest, "cathodeml.version": __version__} | (tags or {})
    settings = ", ".join(f"{k}={v}" for k, v in params.items())
    note = (f"`cathodeml {command}` over **{Path(space_path).name}** (sha256 `{digest[:12]}…`) with model "
            f"`{model_uri}`; {settings}")
    if report is not None:
        note += "\n\n" + "\n".join(f"- {line}" for line in report.lines())
    with start_run(experiment, name, tracking_uri=tracking_uri, tags=tags, description=note,
                   experiment_description=EXPERIMENT_NOTE) as run:
        run.log_params(params)
        if report is not None:
            run.log_dict(report.to_dict(), "search_report.json")
            run.log_metrics({k: float(v) for k, v in report.to_dict().items() if isinstance(v, int)})
        for f in files:
            run.log_artifact(f)
    return LoggedRun(run.run_id, name, run.tracking_uri, run.experiment_id)
