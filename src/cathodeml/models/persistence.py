"""Writing and reading a trained :class:`CathodeModel` as a directory.

A model directory holds ``cathodeml_model.joblib`` (the pickled model: loading it runs code, so
load only directories you trust — prefer the MLflow registry) and ``model.json`` (its metadata,
readable without unpickling).
"""

from __future__ import annotations

import json
from pathlib import Path

import joblib

from cathodeml.errors import ModelNotFoundError
from cathodeml.models.cathode_model import CathodeModel

MODEL_FILE = "cathodeml_model.joblib"
META_FILE = "model.json"


def save_model(model: CathodeModel, directory: str | Path) -> Path:
    """Write ``model`` into ``directory`` (created if needed); return the directory."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, d / MODEL_FILE)
    (d / META_FILE).write_text(json.dumps(model.meta, indent=2, default=str) + "\n", encoding="utf-8")
    return d


def find_model_file(path: str | Path) -> Path | None:
    """The model file at ``path``: the file itself, ``path/`` or ``path/model/`` (what ``train --out`` writes)."""
    p = Path(path)
    for candidate in (p, p / MODEL_FILE, p / "model" / MODEL_FILE):
        if candidate.is_file():
            return candidate
    return None


def load_local_model(path: str | Path) -> CathodeModel:
    """Load a model written by :func:`save_model` (or ``cathodeml train --out``)."""
    file = find_model_file(path)
    if file is None:
        raise ModelNotFoundError(
            f"{path}: no cathodeml model here (looked for {MODEL_FILE} in it and in its model/ folder); "
            "pass a directory written by `cathodeml train --out DIR` or an MLflow URI like models:/cathodeml/1"
        )
    model = joblib.load(file)
    if not isinstance(model, CathodeModel):
        raise ModelNotFoundError(f"{file} does not hold a CathodeModel")
    return model
