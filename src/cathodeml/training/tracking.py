"""Everything cathodeml says to MLflow — this is the only module that imports it.

Embedded default: a sqlite file ``./cathodeml-runs/mlflow.db`` for tracking and the model
registry, artifacts in ``./cathodeml-runs/artifacts`` — no server. ``--tracking-uri`` or the
``MLFLOW_TRACKING_URI`` environment variable point runs at a server instead. Nothing here runs
at import time; the tracking URI is passed to an explicit client, never set globally.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

import mlflow
import mlflow.pyfunc
import pandas as pd
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, Schema

from cathodeml.data.columns import COLUMNS, TARGETS
from cathodeml.models.cathode_model import MODEL_FILE, CathodeModel
from cathodeml.training.config import TrainConfig

_MLFLOW_TYPE = {"str": "string", "enum": "string", "float": "double", "int": "double"}
_RUNTIME_PACKAGES = ("xgboost", "scikit-learn", "mapie", "pandas", "numpy", "pymatgen", "matminer", "pydantic", "joblib")


def resolve_tracking_uri(cfg: TrainConfig) -> str:
    """``--tracking-uri`` > ``MLFLOW_TRACKING_URI`` > the embedded sqlite file under runs_dir."""
    if cfg.tracking_uri:
        return cfg.tracking_uri
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    return f"sqlite:///{(cfg.runs_dir / 'mlflow.db').resolve()}"


def is_embedded(cfg: TrainConfig) -> bool:
    return not cfg.tracking_uri and not os.environ.get("MLFLOW_TRACKING_URI")


def input_schema() -> Schema:
    """The pyfunc signature: every input recipe column, all optional (empty = unknown)."""
    return Schema([ColSpec(_MLFLOW_TYPE[c.kind], c.name, required=False) for c in COLUMNS if c.section != "target"])


def output_schema(targets: tuple[str, ...]) -> Schema:
    cols = [ColSpec("double", f"{t}_{s}") for t in TARGETS if t in targets for s in ("pred", "lower", "upper")]
    return Schema(cols + [ColSpec("boolean", "in_domain"), ColSpec("string", "domain_notes")])


class CathodePyfunc(mlflow.pyfunc.PythonModel):
    """MLflow wrapper: raw recipe columns in, ``T_pred/T_lower/T_upper`` out."""

    def load_context(self, context) -> None:
        self.model = CathodeModel.load(context.artifacts["cathode_model"])

    def predict(self, context, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        return self.model.predict(pd.DataFrame(model_input))


def to_signature_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A recipe frame in the signature's types: numbers as float64 (NaN = unknown), text as str/None."""
    out = {}
    for c in COLUMNS:
        if c.section == "target" or c.name not in frame.columns:
            continue
        col = frame[c.name]
        if _MLFLOW_TYPE[c.kind] == "double":
            out[c.name] = pd.to_numeric(col).astype("float64")
        else:
            out[c.name] = col.astype(object).where(col.notna(), None)
    return pd.DataFrame(out)


def _pip_requirements() -> list[str]:
    reqs = []
    for pkg in _RUNTIME_PACKAGES:
        try:
            reqs.append(f"{pkg}=={metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            reqs.append(pkg)
    return reqs


class RunLogger:
    """One MLflow parent run of ``cathodeml train`` and its nested trial runs."""

    def __init__(self, cfg: TrainConfig):
        self.cfg = cfg
        self.uri = resolve_tracking_uri(cfg)
        # Decided once: mlflow.set_tracking_uri() itself exports MLFLOW_TRACKING_URI.
        self.embedded = is_embedded(cfg)
        self.run_id: str | None = None
        self.experiment_id: str | None = None
        self.model_uri: str | None = None
        self.model_version: str | None = None

    @contextmanager
    def run(self, run_name: str) -> Iterator[RunLogger]:
        if self.embedded:
            self.cfg.runs_dir.mkdir(parents=True, exist_ok=True)
        mlflow.set_tracking_uri(self.uri)
        mlflow.set_registry_uri(self.uri)
        client = mlflow.MlflowClient(self.uri)
        exp = client.get_experiment_by_name(self.cfg.experiment)
        if exp is None:
            artifacts = (self.cfg.runs_dir / "artifacts").resolve().as_uri() if self.embedded else None
            exp_id = client.create_experiment(self.cfg.experiment, artifact_location=artifacts)
        else:
            exp_id = exp.experiment_id
        self.experiment_id = exp_id
        with mlflow.start_run(experiment_id=exp_id, run_name=run_name) as active:
            self.run_id = active.info.run_id
            yield self

    def log_config(self, cfg: TrainConfig, extra: dict[str, Any]) -> None:
        params = {k: v for k, v in cfg.to_dict().items() if k not in ("xgb_params",)}
        mlflow.log_params({k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in params.items()})
        mlflow.log_dict(cfg.to_dict() | extra, "config.json")

    def log_dataset(self, frame: pd.DataFrame, source: str, digest: str, name: str) -> None:
        ds = mlflow.data.from_pandas(frame, source=source, name=name, digest=digest[:16])
        mlflow.log_input(ds, context="training")
        mlflow.set_tag("data_sha256", digest)

    def log_metrics(self, metrics: dict[str, dict[str, dict[str, dict[str, float]]]]) -> None:
        flat = {}
        for target, splits in metrics.items():
            for split, models in splits.items():
                for model, ms in models.items():
                    for k, v in ms.items():
                        if v == v:  # skip NaN
                            flat[f"{target}.{split}.{model}.{k}"] = float(v)
        mlflow.log_metrics(flat)

    def log_params(self, params: dict[str, Any]) -> None:
        mlflow.log_params({k: json.dumps(v) if isinstance(v, (list, dict, tuple)) else v for k, v in params.items()})

    def log_dict(self, obj: dict, name: str) -> None:
        mlflow.log_dict(obj, name)

    def log_artifact(self, path: Path, folder: str | None = None) -> None:
        mlflow.log_artifact(str(path), artifact_path=folder)

    def trial_callback(self, target: str) -> Callable:
        """Optuna callback logging each trial as a child run of the parent."""

        def callback(study, trial) -> None:
            with mlflow.start_run(run_name=f"{target}-trial-{trial.number}", nested=True,
                                  experiment_id=self.experiment_id):
                mlflow.set_tag("target", target)
                mlflow.log_params(trial.params)
                if trial.value is not None:
                    mlflow.log_metric("grouped_cv_mae", trial.value)

        return callback

    def log_model(self, model: CathodeModel, model_dir: Path, input_example: pd.DataFrame) -> str:
        """Log the pyfunc model, register a new version, return its ``models:/`` URI."""
        signature = ModelSignature(inputs=input_schema(), outputs=output_schema(tuple(model.targets)))
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=CathodePyfunc(),
            artifacts={"cathode_model": str(model_dir / MODEL_FILE)},
            signature=signature,
            input_example=to_signature_frame(input_example),
            registered_model_name=self.cfg.registered_model,
            pip_requirements=_pip_requirements(),
        )
        self.model_version = str(info.registered_model_version)
        self.model_uri = f"models:/{self.cfg.registered_model}/{self.model_version}"
        return self.model_uri


def load_pyfunc(uri: str, tracking_uri: str | None = None):
    """Load a logged cathodeml model as an MLflow pyfunc (``models:/…``, ``runs:/…`` or a path)."""
    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_registry_uri(tracking_uri)
    return mlflow.pyfunc.load_model(uri)


def load_cathode_model(uri: str | None, tracking_uri: str | None = None) -> CathodeModel:
    """The CathodeModel behind an MLflow URI; ``None`` = latest registered version in the default store."""
    from cathodeml.serve.loading import ModelNotFoundError

    cfg = TrainConfig(tracking_uri=tracking_uri)
    resolved = resolve_tracking_uri(cfg)
    if uri is None and is_embedded(cfg) and not (cfg.runs_dir / "mlflow.db").exists():
        raise ModelNotFoundError(
            f"no --model given and no local model store at {cfg.runs_dir}/mlflow.db; "
            "run `cathodeml train` first or pass --model DIR_OR_URI"
        )
    client = mlflow.MlflowClient(resolved, registry_uri=resolved)
    if uri is None:
        versions = client.search_model_versions(f"name='{cfg.registered_model}'")
        if not versions:
            raise ModelNotFoundError(f"no registered model '{cfg.registered_model}' at {resolved}")
        latest = max(versions, key=lambda v: int(v.version))
        uri = f"models:/{cfg.registered_model}/{latest.version}"
    mlflow.set_tracking_uri(resolved)
    mlflow.set_registry_uri(resolved)
    try:
        local = mlflow.artifacts.download_artifacts(artifact_uri=f"{uri.rstrip('/')}/artifacts/{MODEL_FILE}")
    except Exception as exc:  # MlflowException, OSError: report which URI failed and why
        raise ModelNotFoundError(f"{uri}: cannot load a cathodeml model from MLflow at {resolved} ({exc})") from None
    return CathodeModel.load(local)
