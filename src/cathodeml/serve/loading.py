"""Finding a trained model from what a user types after ``--model``.

Accepted: a local directory written by ``train --out`` (or its ``model/`` sub-folder, or the
``.joblib`` file itself), or an MLflow model URI (``models:/cathodeml/3``,
``models:/cathodeml@champion``, ``runs:/<id>/model``). Without ``--model``: the latest
registered version of ``cathodeml`` in the default local store (``./cathodeml-runs``), or in
``MLFLOW_TRACKING_URI`` when that is set.
"""

from __future__ import annotations

from pathlib import Path

from cathodeml.models.cathode_model import MODEL_FILE, CathodeModel

MLFLOW_SCHEMES = ("models:/", "runs:/", "mlflow-artifacts:/")


class ModelNotFoundError(FileNotFoundError):
    """No model at the given place; the message says what was tried."""


def _local(path: Path) -> CathodeModel | None:
    for candidate in (path, path / MODEL_FILE, path / "model" / MODEL_FILE):
        if candidate.is_file():
            return CathodeModel.load(candidate)
    return None


def load_model(uri: str | Path | None = None, *, tracking_uri: str | None = None) -> CathodeModel:
    """Load a :class:`CathodeModel` from a directory, a file or an MLflow URI (see module doc)."""
    if uri is not None and not str(uri).startswith(MLFLOW_SCHEMES):
        model = _local(Path(uri))
        if model is None:
            raise ModelNotFoundError(
                f"{uri}: no cathodeml model here (looked for {MODEL_FILE} in it and in its model/ folder); "
                "pass a directory written by `cathodeml train --out DIR` or an MLflow URI like models:/cathodeml/1"
            )
        return model
    from cathodeml.training import tracking

    return tracking.load_cathode_model(None if uri is None else str(uri), tracking_uri=tracking_uri)
