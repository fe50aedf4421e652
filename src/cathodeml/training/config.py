"""Training configuration: one frozen object, passed explicitly, logged with every run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cathodeml.data.columns import TARGETS

#: Where the embedded default keeps runs: ./cathodeml-runs/ (sqlite tracking + registry, artifacts).
DEFAULT_RUNS_DIR = Path("cathodeml-runs")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides the model and its metrics (same config + data → same model).

    ``n_trials`` = 0 trains with the default XGBoost parameters; > 0 runs a seeded Optuna TPE
    search inside the grouped CV (nested: tuning never sees the outer test fold) and once more
    on all rows for the final model. ``study_name`` reuses an existing (e.g. shared) study's best
    parameters instead of searching. ``storage`` None keeps Optuna studies in memory (the CLI
    passes the sqlite file under ``runs_dir`` by default).
    """

    targets: tuple[str, ...] = TARGETS
    seed: int = 42
    confidence: float = 0.9
    n_splits: int = 5
    n_trials: int = 0
    timeout_s: float | None = None
    storage: str | None = None
    study_name: str | None = None
    tracking_uri: str | None = None
    experiment: str = "cathodeml"
    registered_model: str = "cathodeml"
    runs_dir: Path = DEFAULT_RUNS_DIR
    xgb_params: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        bad = [t for t in self.targets if t not in TARGETS]
        if bad or not self.targets:
            raise ValueError(f"unknown target(s) {bad}; choose from {', '.join(TARGETS)}")
        if not 0.5 <= self.confidence < 1:
            raise ValueError(f"confidence {self.confidence} must be in [0.5, 1)")
        if self.n_trials < 0:
            raise ValueError("n_trials must be ≥ 0")
        if self.n_splits < 2:
            raise ValueError("n_splits must be ≥ 2")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["runs_dir"] = str(self.runs_dir)
        d["targets"] = list(self.targets)
        d["xgb_params"] = dict(self.xgb_params)
        return d

    def default_storage(self) -> str:
        return f"sqlite:///{(self.runs_dir / 'optuna.db').resolve()}"
