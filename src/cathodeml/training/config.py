"""Training configuration: one validated, frozen object, passed explicitly, logged with every run.

``cathodeml train --config train.yaml`` reads the same YAML file that every run logs as its
``config.yaml`` artifact, so a run can be repeated from what MLflow kept. Command-line options
override the file's values. Everything that decides the model and its metrics is here: the same
config and data give the same model and metrics.

.. code-block:: yaml

    data: [literature, lab:NAME]   # or one recipe file / lab:NAME[@N]; none = the shipped dataset
    lab_weight: 1.0        # weight of a lab's rows against the literature's
    targets: [capacity_mah_g, retention_pct, rct_ohm]
    seed: 42
    confidence: 0.9        # interval level
    n_splits: 5            # grouped-CV folds
    n_jobs: 1              # processes for the CV folds (-1 = every core; same numbers for any value)
    xgboost: {n_estimators: 300, learning_rate: 0.05}   # over the defaults
    tuning: {n_trials: 0, timeout_s: null, storage: null, study_name: null, search_space: {...}}
    domain: {quantile: 0.95, min_sources: 2}
    tracking: {enabled: true, uri: null, experiment: cathodeml, registered_model: cathodeml}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cathodeml.errors import ConfigError
from cathodeml.home import runs_dir as default_runs_dir
from cathodeml.home import sqlite_uri
from cathodeml.schema import TARGETS

_FROZEN = ConfigDict(frozen=True, extra="forbid")


def read_yaml(path: Path, error: type[Exception]) -> Any:
    """The document of a YAML (or JSON) file a user wrote — a training config, a search space —
    or ``error`` saying the file is not valid YAML (a message, never a parser traceback)."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({exc})") from None


class SearchDim(BaseModel):
    """One tuned XGBoost parameter: an int or float range (log scale where the effect is multiplicative)."""

    model_config = _FROZEN
    type: Literal["int", "float"]
    low: float
    high: float
    step: float | None = None
    log: bool = False

    @model_validator(mode="after")
    def _range(self) -> SearchDim:
        if self.high < self.low:
            raise ValueError(f"high {self.high} < low {self.low}")
        if self.log and self.low <= 0:
            raise ValueError("a log-scale range needs low > 0")
        return self


DEFAULT_SEARCH_SPACE: dict[str, SearchDim] = {
    "n_estimators": SearchDim(type="int", low=100, high=800, step=50),
    "learning_rate": SearchDim(type="float", low=0.01, high=0.3, log=True),
    "max_depth": SearchDim(type="int", low=2, high=8),
    "min_child_weight": SearchDim(type="float", low=0.5, high=10.0, log=True),
    "subsample": SearchDim(type="float", low=0.5, high=1.0),
    "colsample_bytree": SearchDim(type="float", low=0.3, high=1.0),
    "reg_lambda": SearchDim(type="float", low=1e-3, high=10.0, log=True),
    "reg_alpha": SearchDim(type="float", low=1e-3, high=10.0, log=True),
}


class TuningConfig(BaseModel):
    """Optuna: ``n_trials`` = 0 trains with the default parameters; > 0 runs a seeded TPE search
    inside every outer CV fold (nested) and once more on all rows for the final model.
    ``study_name`` reuses (and extends) a shared study; ``storage`` None = the sqlite file
    ``optuna.db`` in the runs folder when a study must persist, else memory."""

    model_config = _FROZEN
    n_trials: int = Field(0, ge=0)
    timeout_s: float | None = Field(None, gt=0)
    storage: str | None = None
    study_name: str | None = None
    search_space: dict[str, SearchDim] = Field(default_factory=lambda: dict(DEFAULT_SEARCH_SPACE))


class DomainConfig(BaseModel):
    """Applicability domain: the distance quantile of the training recipes' own nearest-neighbour
    distances above which a recipe is "far", and how many papers a target needs to decide."""

    model_config = _FROZEN
    quantile: float = Field(0.95, gt=0, lt=1)
    min_sources: int = Field(2, ge=1)
    range_tolerance: float = Field(0.1, ge=0)


class TrackingConfig(BaseModel):
    """MLflow: ``uri`` None = ``$MLFLOW_TRACKING_URI``, else the sqlite file in the runs folder."""

    model_config = _FROZEN
    enabled: bool = True
    uri: str | None = None
    experiment: str = Field("cathodeml", min_length=1)
    registered_model: str = Field("cathodeml", min_length=1)


class TrainConfig(BaseModel):
    """Everything that decides the model and its metrics (same config + data → same model)."""

    model_config = _FROZEN
    # What to train on (cathodeml.training.datasets): None = the shipped literature dataset; a recipe
    # CSV/XLSX path, "literature", "lab:NAME[@VERSION]", or a list of them trained together.
    data: str | tuple[str, ...] | None = None
    lab_weight: float = Field(1.0, gt=0)  # weight of a lab's rows against the other datasets' (1 = equal)
    targets: tuple[str, ...] = TARGETS
    seed: int = 42
    confidence: float = Field(0.9, ge=0.5, lt=1)
    n_splits: int = Field(5, ge=2)
    # Processes for the CV folds (joblib; -1 = every core; 1 by default: on the 2-core VM, shared, the
    # workers' start-up ate the gain, docs/benchmarks.md). Every fit is seeded and single-threaded,
    # so the model and the metrics are the same for any value; only the wall time changes.
    n_jobs: int = 1
    xgboost: dict[str, Any] = Field(default_factory=dict)
    tuning: TuningConfig = Field(default_factory=TuningConfig)
    domain: DomainConfig = Field(default_factory=DomainConfig)
    tracking: TrackingConfig = Field(default_factory=TrackingConfig)
    runs_dir: str | None = None  # None = the runs folder of cathodeml's home (cathodeml.home)
    out: str | None = None  # also write the model and reports here

    @field_validator("data")
    @classmethod
    def _data(cls, v: str | tuple[str, ...] | None) -> str | tuple[str, ...] | None:
        if isinstance(v, tuple):
            if not v:
                return None
            return v[0] if len(v) == 1 else v
        return v

    @field_validator("n_jobs")
    @classmethod
    def _n_jobs(cls, v: int) -> int:
        if v == 0 or v < -1:
            raise ValueError("n_jobs is a number of processes (1, 2, …) or -1 for every core")
        return v

    @field_validator("targets")
    @classmethod
    def _targets(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [t for t in v if t not in TARGETS]
        if bad or not v:
            raise ValueError(f"unknown target(s) {bad}; choose from {', '.join(TARGETS)}")
        return tuple(t for t in TARGETS if t in v)

    # ---- derived -------------------------------------------------------------------------
    @property
    def runs_path(self) -> Path:
        return default_runs_dir(self.runs_dir)

    def with_default_storage(self) -> TrainConfig:
        """This config with the study storage ``cathodeml train`` uses: as configured, else the runs
        folder's sqlite file (created) when a study must persist (a named study or logged trials).
        The library's ``train`` itself keeps unnamed studies in memory."""
        if self.tuning.storage or not (self.tuning.n_trials or self.tuning.study_name):
            return self
        self.runs_path.mkdir(parents=True, exist_ok=True)
        return self.updated(tuning={"storage": sqlite_uri(self.runs_path / "optuna.db")})

    # ---- files ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    @classmethod
    def from_dict(cls, doc: Any, where: str = "config") -> TrainConfig:
        if doc is None:
            doc = {}
        if not isinstance(doc, dict):
            raise ConfigError(f"{where}: expected a mapping of settings, got {type(doc).__name__}")
        try:
            return cls.model_validate(doc)
        except ValidationError as exc:
            lines = [f"{'.'.join(str(x) for x in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()]
            raise ConfigError(f"{where}: {len(lines)} problem(s)\n  " + "\n  ".join(lines)) from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> TrainConfig:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"{path}: no such configuration file")
        return cls.from_dict(read_yaml(path, ConfigError), where=str(path))

    def updated(self, **changes: Any) -> TrainConfig:
        """A copy with some settings changed (nested sections by dict: ``tuning={"n_trials": 5}``),
        validated like a file."""
        doc = self.to_dict()
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(doc.get(key), dict):
                doc[key] = doc[key] | value
            else:
                doc[key] = value
        return TrainConfig.from_dict(doc, where="options")
