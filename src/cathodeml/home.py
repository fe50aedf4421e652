"""Where cathodeml keeps its runs by default: one fact, read by training, tracking and loading.

The embedded default is the folder ``./cathodeml-runs`` (created on first use, never at import):
``mlflow.db`` (sqlite tracking store and model registry), ``artifacts/`` and ``optuna.db``.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_RUNS_DIR = Path("cathodeml-runs")


def runs_dir(override: str | Path | None = None) -> Path:
    """The runs folder: ``override`` when given, else the default."""
    return Path(override) if override is not None else DEFAULT_RUNS_DIR


def sqlite_uri(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"
