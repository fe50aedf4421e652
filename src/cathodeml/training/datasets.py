"""What ``train --data`` names: the shipped literature, a lab's versioned dataset, or a file — and
several of them trained together.

A data spec is one of

* ``literature`` — the shipped dataset (:mod:`cathodeml.data.dataset`);
* ``lab:NAME`` or ``lab:NAME@N`` — a lab's dataset (:mod:`cathodeml.data.labs`), its current
  version or version N;
* anything else — a recipe CSV/XLSX file (read with the dataset rules).

No spec means ``literature``. Several specs are concatenated: the canonical columns of every
dataset (extra columns are kept in each dataset but not trained on), each row keeping its own
``source`` as its cross-validation group — a paper for the literature, a batch for a lab. Rows of
a lab can weigh more (``lab_weight``). Datasets that cannot be trained together are refused with
every clash named: the same dataset twice, a ``record_id`` or a ``source`` in two datasets, a
dataset whose ``control_*`` columns are filled in (they belong to prediction requests).

The combined data's ``sha256`` is the sha256 of its parts' ``label:sha256`` lines (a single dataset
keeps its file's own sha256), so a model names exactly which states of which datasets it saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cathodeml.data.dataset import dataset_path, load_datacard, sha256_bytes
from cathodeml.data.io import read_recipes
from cathodeml.data.labs import LAB_PREFIX, LabStore, check_name, rows_per_source
from cathodeml.errors import DatasetError
from cathodeml.schema import CANONICAL, CONTROLS
from cathodeml.training.train import TrainingData

LITERATURE = "literature"
#: How many clashes a message lists before it says "and N more".
_SHOWN = 10


@dataclass(frozen=True)
class DataPart:
    """One dataset of a training run, as its lineage records it."""

    name: str  # "literature", "lab:NAME" or the file's path
    kind: str  # "literature" | "lab" | "file"
    version: str  # the datacard's version, the lab's version number, "" for a file
    sha256: str
    path: Path
    rows: int
    rows_per_source: dict[str, int]
    weight: float = 1.0

    @property
    def label(self) -> str:
        if self.kind == "literature":
            return f"cathodeml-literature v{self.version}"
        if self.kind == "lab":
            return f"{self.name}@{self.version}"
        return self.name

    @property
    def tag_key(self) -> str:
        """The MLflow tag naming the version of this dataset a run saw (``cathodeml.data.lab.NAME``)."""
        if self.kind == "lab":
            return f"cathodeml.data.lab.{self.name.removeprefix(LAB_PREFIX)}"
        return f"cathodeml.data.{self.kind}"

    @property
    def tag_value(self) -> str:
        return self.version if self.kind != "file" else self.sha256[:16]


def parse_spec(spec: str) -> tuple[str, str, int | None]:
    """``(kind, name, version)`` of a data spec; see the module docstring."""
    spec = str(spec).strip()
    if spec == LITERATURE:
        return "literature", LITERATURE, None
    if spec.startswith(LAB_PREFIX):
        body = spec[len(LAB_PREFIX):]
        name, at, number = body.partition("@")
        check_name(name)
        if at:
            if not number.isdigit():
                raise DatasetError(f"data {spec!r}: write lab:NAME or lab:NAME@VERSION with a version number")
            return "lab", name, int(number)
        return "lab", name, None
    return "file", spec, None


def load_part(spec: str, *, store: LabStore | None = None, lab_weight: float = 1.0) -> tuple[DataPart, pd.DataFrame]:
    """One dataset: its lineage record and its typed frame."""
    kind, name, version = parse_spec(spec)
    if kind == "literature":
        path = dataset_path()
        frame = read_recipes(path, dataset=True)
        return DataPart(LITERATURE, kind, load_datacard().version, sha256_bytes(path.read_bytes()), path, len(frame),
                        rows_per_source(frame)), frame
    if kind == "lab":
        lab = (store or LabStore()).get(name)
        v = lab.version(version)
        path = lab.folder / v.file
        frame = read_recipes(path, dataset=True)
        sha = sha256_bytes(path.read_bytes())
        if sha != v.sha256:
            raise DatasetError(f"{path}: its sha256 {sha[:12]}… is not the {v.sha256[:12]}… its manifest recorded; "
                               "the file was changed outside cathodeml")
        return DataPart(f"{LAB_PREFIX}{name}", kind, str(v.version), sha, path, len(frame), rows_per_source(frame),
                        lab_weight), frame
    path = Path(name)
    frame = read_recipes(path, dataset=True)
    return DataPart(str(path), kind, "", sha256_bytes(path.read_bytes()), path, len(frame), rows_per_source(frame)), frame


def specs_of(data: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if data is None:
        return [LITERATURE]
    if isinstance(data, str):
        return [data]
    return list(data) or [LITERATURE]


def _listed(items: list[str]) -> str:
    more = f"; and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    return "; ".join(items[:_SHOWN]) + more


def _clashes(parts: list[DataPart], frames: list[pd.DataFrame]) -> list[str]:
    problems = []
    for part, frame in zip(parts, frames):
        filled = [c for c in CONTROLS.values() if c in frame and frame[c].notna().any()]
        if filled:
            problems.append(f"{part.label}: {', '.join(filled)} filled in — a control column describes a prediction "
                            "request, not a measured sample; in a training table your untreated control is a row of "
                            "its own (same source, no treatment)")
    names = [p.name for p in parts]
    for n in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{n} is given more than once (versions {', '.join(p.version or p.sha256[:8] for p in parts if p.name == n)}); "
                        "train on one version of each dataset")
    if problems:
        return problems
    for column, what in (("record_id", "record ids must be unique across the datasets trained together"),
                         ("source", "a source is one cross-validation group: a lab's batches must have names of their "
                                    "own (e.g. lab:NAME/batch-07)")):
        owner: dict[str, list[str]] = {}
        for part, frame in zip(parts, frames):
            for value in frame[column].astype(str).unique():
                owner.setdefault(value, []).append(part.label)
        shared = [f"{column} {v!r} is in {' and '.join(o)}" for v, o in owner.items() if len(o) > 1]
        if shared:
            problems.append(f"{len(shared)} {column} value(s) in more than one dataset — {what}: {_listed(shared)}")
    return problems


def load_data(data: str | list[str] | tuple[str, ...] | None = None, *, lab_weight: float = 1.0,
              store: LabStore | None = None) -> TrainingData:
    """The training data a config's ``data`` names (see the module docstring)."""
    specs = specs_of(data)
    loaded = [load_part(s, store=store, lab_weight=lab_weight) for s in specs]
    parts = [p for p, _ in loaded]
    frames = [f for _, f in loaded]
    problems = _clashes(parts, frames)
    if problems:
        raise DatasetError(f"these datasets cannot be trained together ({', '.join(specs)}):\n  " + "\n  ".join(problems))
    origin = np.concatenate([np.full(len(f), p.name, dtype=object) for p, f in zip(parts, frames)])
    weights = np.concatenate([np.full(len(f), p.weight) for p, f in zip(parts, frames)])
    weight = None if np.all(weights == weights[0]) else weights  # one weight for all rows = no weight
    if len(parts) == 1:
        (part,), (frame,) = parts, frames
        return TrainingData(frame, part.sha256, part.label, part.path, tuple(parts), weight, origin)
    frame = pd.concat([f[list(CANONICAL)] for f in frames], ignore_index=True)
    sha = sha256_bytes("\n".join(f"{p.label}:{p.sha256}" for p in parts).encode("utf-8"))
    return TrainingData(frame, sha, " + ".join(p.label for p in parts), parts[0].path, tuple(parts), weight, origin)


def with_lineage(data: TrainingData) -> TrainingData:
    """``data`` with its lineage: a :class:`TrainingData` built by hand (no ``parts``) becomes one
    file dataset, named by its label and sha256."""
    if data.parts:
        return data
    part = DataPart(data.label, "file", "", data.sha256, data.path, len(data.frame), rows_per_source(data.frame))
    return TrainingData(data.frame, data.sha256, data.label, data.path, (part,), data.weight,
                        np.full(len(data.frame), part.name, dtype=object))
