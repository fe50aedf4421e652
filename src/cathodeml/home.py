"""Where cathodeml keeps its things by default: one folder, the same from every working folder.

The **home** is ``$CATHODEML_HOME`` when set, else the user data directory of the platform
(``platformdirs.user_data_dir("cathodeml")``: ``~/.local/share/cathodeml`` on Linux). Inside it:

* ``runs/`` — ``mlflow.db`` (sqlite tracking store and model registry), ``artifacts/`` and
  ``optuna.db``: every ``train``, ``recommend`` and ``screen`` of this user, wherever it was
  started, and the registered models ``predict`` and ``serve`` find without ``--model``;
* ``datasets/`` — the user's own versioned recipe tables (``cathodeml data add``).

Nothing is created at import; folders are made when something is first written. Every command
that writes here also takes an explicit location (``--tracking-uri``, ``--out``, a config's
``runs_dir``), and ``$MLFLOW_TRACKING_URI`` still points tracking elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "CATHODEML_HOME"


def home_dir() -> Path:
    """``$CATHODEML_HOME``, else the platform's user data directory for cathodeml."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("cathodeml", appauthor=False))


def runs_dir(override: str | Path | None = None) -> Path:
    """The runs folder (MLflow store, artifacts, Optuna studies): ``override``, else ``home/runs``."""
    return Path(override).expanduser() if override is not None else home_dir() / "runs"


def datasets_dir(override: str | Path | None = None) -> Path:
    """The folder of the user's own datasets: ``override``, else ``home/datasets``."""
    return Path(override).expanduser() if override is not None else home_dir() / "datasets"


def sqlite_uri(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"
