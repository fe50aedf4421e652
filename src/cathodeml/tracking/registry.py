"""Finding a trained model from what a user types after ``--model``.

Accepted: a local directory written by ``train --out`` (or its ``model/`` sub-folder, or the
``.joblib`` file itself), or an MLflow model URI (``models:/cathodeml/3``,
``models:/cathodeml@champion``, ``runs:/<id>/model``). Without ``--model``: the latest
registered version of ``cathodeml`` in the default local store (the runs folder of
:mod:`cathodeml.home`), or in
``MLFLOW_TRACKING_URI`` when that is set.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from cathodeml.errors import ModelNotFoundError
from cathodeml.home import runs_dir as default_runs_dir
from cathodeml.models.cathode_model import CathodeModel
from cathodeml.models.persistence import MODEL_FILE, load_local_model
from cathodeml.tracking.store import client as make_client
from cathodeml.tracking.store import is_embedded, masked, resolve_tracking_uri

MLFLOW_SCHEMES = ("models:/", "runs:/", "mlflow-artifacts:/")
DEFAULT_REGISTERED_MODEL = "cathodeml"


def is_mlflow_uri(uri: str | Path | None) -> bool:
    return uri is not None and str(uri).startswith(MLFLOW_SCHEMES)


def latest_version_uri(tracking_uri: str, name: str = DEFAULT_REGISTERED_MODEL) -> str:
    versions = make_client(tracking_uri).search_model_versions(f"name='{name}'")
    if not versions:
        raise ModelNotFoundError(f"no registered model '{name}' at {masked(tracking_uri)}")
    return f"models:/{name}/{max(int(v.version) for v in versions)}"


def model_uri(uri: str | Path | None = None, *, tracking_uri: str | None = None,
              runs_dir: str | Path | None = None) -> str:
    """The model :func:`load_model` loads, named for a run's lineage: a directory as an absolute
    path, an MLflow URI as given, and no URI as the latest registered version (``models:/cathodeml/N``)."""
    if uri is not None:
        return str(uri) if is_mlflow_uri(uri) else str(Path(uri).resolve())
    folder = default_runs_dir(runs_dir)
    if is_embedded(tracking_uri) and not (folder / "mlflow.db").exists():
        raise ModelNotFoundError(
            f"no --model given and no local model store at {folder}/mlflow.db; "
            "run `cathodeml train` first or pass --model DIR_OR_URI"
        )
    return latest_version_uri(resolve_tracking_uri(tracking_uri, runs_dir))


def load_model(uri: str | Path | None = None, *, tracking_uri: str | None = None,
               runs_dir: str | Path | None = None) -> CathodeModel:
    """Load a :class:`CathodeModel` from a directory, a file or an MLflow URI (see module doc)."""
    if uri is not None and not is_mlflow_uri(uri):
        return load_local_model(uri)
    resolved = resolve_tracking_uri(tracking_uri, runs_dir)
    uri = model_uri(uri, tracking_uri=tracking_uri, runs_dir=runs_dir)
    with tempfile.TemporaryDirectory(prefix="cathodeml-model-") as tmp:
        try:
            local = download(uri, resolved, Path(tmp))
        except ModelNotFoundError:
            raise
        except Exception as exc:  # MlflowException, OSError: report which URI failed and why
            raise ModelNotFoundError(f"{uri}: cannot load a cathodeml model from MLflow at {masked(resolved)} "
                                     f"({masked(str(exc))})") from None
        file = next(local.rglob(MODEL_FILE), None)
        if file is None:
            raise ModelNotFoundError(f"{uri}: this MLflow model holds no cathodeml model ({MODEL_FILE})")
        return load_local_model(file)


def _model_version(client, uri: str):
    """The registry entry of ``models:/NAME/VERSION`` or ``models:/NAME@ALIAS``."""
    parts = uri.removeprefix("models:/").strip("/").split("/")
    if "@" in parts[0]:
        name, alias = parts[0].split("@", 1)
        return client.get_model_version_by_alias(name, alias)
    if len(parts) < 2:
        raise ModelNotFoundError(f"{uri}: write models:/NAME/VERSION or models:/NAME@ALIAS")
    return client.get_model_version(parts[0], parts[1])


def download(uri: str, tracking_uri: str, dst: Path) -> Path:
    """Download the MLflow model ``uri`` into ``dst`` through an explicit client (no global URI)."""
    import mlflow.artifacts

    if uri.startswith("models:/"):
        client = make_client(tracking_uri)
        mv = _model_version(client, uri)
        source = client.get_model_version_download_uri(mv.name, mv.version)
        return Path(mlflow.artifacts.download_artifacts(artifact_uri=source, dst_path=str(dst), tracking_uri=tracking_uri))
    return Path(mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(dst), tracking_uri=tracking_uri,
                                                    registry_uri=tracking_uri))
