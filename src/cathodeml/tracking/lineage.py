"""Lineage: which states of which datasets a training run and a registered model saw.

Every training run logs each of its datasets as an MLflow **dataset input** (name, digest = the
first 16 hex digits of the file's sha256, source = its path, schema, and a profile with its row
count and rows per source) and one **run tag** per dataset naming the version it used::

    cathodeml.data.literature      = 1.3.0          (the shipped dataset's version)
    cathodeml.data.lab.<NAME>      = 3              (version 3 of lab NAME)
    cathodeml.data.file            = <sha256[:16]>  (a file given by path)
    cathodeml.datasets             = "cathodeml-literature v1.3.0 + lab:NAME@3"

The registered model version gets the same tags, so ``models:/cathodeml/7`` says which data it
saw. :func:`runs_using` finds the runs that used a lab's versions by searching these tags
through ``MlflowClient`` (every experiment of the store).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from cathodeml.home import runs_dir as default_runs_dir
from cathodeml.tracking.store import client as make_client
from cathodeml.tracking.store import is_embedded, resolve_tracking_uri

DATASETS_TAG = "cathodeml.datasets"
LAB_TAG_PREFIX = "cathodeml.data.lab."


class DatasetRecord(Protocol):
    """What lineage needs of a dataset (``cathodeml.training.datasets.DataPart`` is one)."""

    name: str
    kind: str
    version: str
    sha256: str
    path: Path
    rows: int
    rows_per_source: dict[str, int]

    @property
    def label(self) -> str: ...
    @property
    def tag_key(self) -> str: ...
    @property
    def tag_value(self) -> str: ...


def lineage_tags(parts: tuple[DatasetRecord, ...] | list[DatasetRecord]) -> dict[str, str]:
    """The tags a run and its registered model version carry (see the module docstring)."""
    tags = {p.tag_key: p.tag_value for p in parts}
    tags[DATASETS_TAG] = " + ".join(p.label for p in parts)
    return tags


def profile(part: DatasetRecord) -> dict[str, Any]:
    return {"num_rows": part.rows, "num_sources": len(part.rows_per_source), "rows_per_source": part.rows_per_source,
            "kind": part.kind, "version": part.version, "sha256": part.sha256}


def log_datasets(run, parts: tuple[DatasetRecord, ...] | list[DatasetRecord], frames: list[pd.DataFrame],
                 context: str = "training") -> None:
    """Log each dataset as a dataset input of ``run`` (a :class:`cathodeml.tracking.runs.Run`) and
    set the lineage tags on the run."""
    import mlflow.data
    from mlflow.entities import Dataset, DatasetInput, InputTag

    import warnings

    inputs = []
    for part, frame in zip(parts, frames):
        with warnings.catch_warnings():  # MLflow's hints on source kinds and integer columns: not the user's concern
            warnings.simplefilter("ignore", UserWarning)
            ds = mlflow.data.from_pandas(frame, source=str(part.path), name=part.label, digest=part.sha256[:16]).to_dict()
        entity = Dataset(name=ds["name"], digest=ds["digest"], source_type=ds["source_type"], source=ds["source"],
                         schema=ds.get("schema"), profile=json.dumps(profile(part)))
        tags = [InputTag("mlflow.data.context", context), InputTag("cathodeml.dataset", part.name),
                InputTag("cathodeml.version", part.version)]
        inputs.append(DatasetInput(entity, tags))
    run.client.log_inputs(run.run_id, datasets=inputs)
    run.set_tags(lineage_tags(parts))


def tag_model_version(client, model_uri: str, tags: dict[str, str]) -> None:
    """Set ``tags`` on the registered version ``models:/NAME/VERSION`` (other URIs: nothing to tag)."""
    parts = model_uri.removeprefix("models:/").split("/")
    if not model_uri.startswith("models:/") or len(parts) != 2 or not parts[1].isdigit():
        return
    for key, value in tags.items():
        client.set_model_version_tag(parts[0], parts[1], key, value)


@dataclass(frozen=True)
class RunUse:
    """A run that used a version of a lab dataset."""

    version: str
    run_id: str
    run_name: str
    experiment: str
    command: str
    status: str
    started: str


def _existing_client(tracking_uri: str | None, runs_dir: str | Path | None):
    """A client of the store, or None when it is the embedded one and does not exist yet (a
    query must not create it)."""
    if is_embedded(tracking_uri) and not (default_runs_dir(runs_dir) / "mlflow.db").exists():
        return None
    return make_client(resolve_tracking_uri(tracking_uri, runs_dir))


def runs_using(lab: str, *, tracking_uri: str | None = None, runs_dir: str | Path | None = None,
               max_results: int = 1000) -> list[RunUse]:
    """The runs (training, recommendation, …) tagged with a version of lab ``lab``, newest first."""
    client = _existing_client(tracking_uri, runs_dir)
    if client is None:
        return []
    experiments = {e.experiment_id: e.name for e in client.search_experiments()}
    if not experiments:
        return []
    key = f"{LAB_TAG_PREFIX}{lab}"
    runs = client.search_runs(list(experiments), filter_string=f"tags.`{key}` LIKE '%'", max_results=max_results,
                              order_by=["attributes.start_time DESC"])
    from datetime import datetime, timezone

    out = []
    for r in runs:
        started = datetime.fromtimestamp(r.info.start_time / 1000, tz=timezone.utc).isoformat(timespec="seconds")
        out.append(RunUse(r.data.tags.get(key, ""), r.info.run_id, r.info.run_name or "", experiments.get(r.info.experiment_id, ""),
                          r.data.tags.get("cathodeml.command", ""), r.info.status, started))
    return out


def model_versions_using(lab: str, *, tracking_uri: str | None = None, runs_dir: str | Path | None = None,
                         name: str = "cathodeml") -> list[tuple[str, str]]:
    """``(models:/NAME/V, lab version)`` of the registered versions that saw lab ``lab``."""
    client = _existing_client(tracking_uri, runs_dir)
    if client is None:
        return []
    key = f"{LAB_TAG_PREFIX}{lab}"
    out = []
    for mv in client.search_model_versions(f"name='{name}'"):
        if key in (mv.tags or {}):
            out.append((f"models:/{mv.name}/{mv.version}", mv.tags[key]))
    return sorted(out, key=lambda x: int(x[0].rsplit("/", 1)[1]))
