"""Writing and reading a trained :class:`CathodeModel` as a directory.

A model directory holds ``cathodeml_model.joblib`` (the pickled model), ``model.json`` (its
metadata, readable without unpickling) and ``manifest.json`` (the sha256 of each of them).

**A model directory is code.** Unpickling runs whatever the file says, so load only directories
you trust — prefer the MLflow registry, where a model arrives from your own tracking server.
The manifest is checked *before* anything is unpickled: a damaged, truncated or swapped file is
refused with a message instead of a crash. It detects accidents (a disk, a copy, a killed
write), not an attacker: whoever can write the directory can rewrite its manifest too.

Saving is atomic: the files are written into a hidden folder beside the target and swapped in
at once, so killing a training while it writes leaves the previous model whole and loadable.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import joblib

from cathodeml.atomic import staged_dir
from cathodeml.errors import ModelIntegrityError, ModelNotFoundError
from cathodeml.models.cathode_model import CathodeModel

MODEL_FILE = "cathodeml_model.joblib"
META_FILE = "model.json"
MANIFEST_FILE = "manifest.json"
_TRUST = "a model directory is code (pickle): load only directories you trust, prefer the MLflow registry"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_replaceable(directory: str | Path) -> None:
    """Refuse to replace a folder that is not a model directory (a user's folder is never swept away)."""
    d = Path(directory)
    if not d.exists():
        return
    if not d.is_dir() or (any(d.iterdir()) and not ((d / MODEL_FILE).exists() or (d / MANIFEST_FILE).exists())):
        raise ModelIntegrityError(f"{d}: exists and is not a cathodeml model directory; refusing to replace it "
                                  "(choose a new folder)")


def save_model(model: CathodeModel, directory: str | Path) -> Path:
    """Write ``model`` into ``directory`` atomically (replacing a previous model there); return it."""
    d = Path(directory)
    check_replaceable(d)
    with staged_dir(d) as tmp:
        joblib.dump(model, tmp / MODEL_FILE)
        (tmp / META_FILE).write_text(json.dumps(model.meta, indent=2, default=str) + "\n", encoding="utf-8")
        files = {name: _sha256((tmp / name).read_bytes()) for name in (MODEL_FILE, META_FILE)}
        manifest = {"format": 1, "algorithm": "sha256", "files": files, "note": _TRUST}
        (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return d


def _manifest(d: Path) -> dict[str, str]:
    path = d / MANIFEST_FILE
    if not path.is_file():
        raise ModelIntegrityError(
            f"{d}: no sha256 manifest ({MANIFEST_FILE}), so the model cannot be checked before it is unpickled; "
            f"it was not written by this version's `cathodeml train --out` / save_model, or it is incomplete. "
            f"Retrain it — {_TRUST}")
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        ok = isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        ok = False
    if not ok:
        raise ModelIntegrityError(f"{path}: not a readable sha256 manifest; refusing to load the model")
    bad = [n for n in files if Path(n).name != n or n in ("", ".", "..")]
    if bad or MODEL_FILE not in files:
        raise ModelIntegrityError(f"{path}: the sha256 manifest must list {MODEL_FILE} and plain file names only")
    return files


def _verified_model_bytes(d: Path) -> bytes:
    """The model file's bytes, after every file listed in the manifest matched its sha256."""
    files = _manifest(d)
    model_bytes = b""
    for name, digest in files.items():
        try:
            data = (d / name).read_bytes()
        except OSError:
            raise ModelIntegrityError(f"{d}: {name}, listed in the sha256 manifest, is missing or unreadable") from None
        if _sha256(data) != digest:
            raise ModelIntegrityError(f"{d / name}: does not match its sha256 manifest (damaged, truncated or changed "
                                      "after it was written); refusing to unpickle it")
        if name == MODEL_FILE:
            model_bytes = data
    return model_bytes


def find_model_file(path: str | Path) -> Path | None:
    """The model file at ``path``: the file itself, ``path/`` or ``path/model/`` (what ``train --out`` writes)."""
    p = Path(path)
    for candidate in (p, p / MODEL_FILE, p / "model" / MODEL_FILE):
        if candidate.is_file():
            return candidate
    return None


def load_local_model(path: str | Path) -> CathodeModel:
    """Load a model written by :func:`save_model` (or ``cathodeml train --out``), checked first."""
    file = find_model_file(path)
    if file is None:
        raise ModelNotFoundError(
            f"{path}: no cathodeml model here (looked for {MODEL_FILE} in it and in its model/ folder); "
            "pass a directory written by `cathodeml train --out DIR` or an MLflow URI like models:/cathodeml/1"
        )
    data = _verified_model_bytes(file.parent)  # read once: what was checked is what is unpickled
    try:
        model = joblib.load(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 — a pickle from other library versions, say
        raise ModelIntegrityError(f"{file}: cannot be unpickled ({type(exc).__name__}: {exc}); it may need the "
                                  "library versions it was trained with") from None
    if not isinstance(model, CathodeModel):
        raise ModelIntegrityError(f"{file} does not hold a CathodeModel")
    _check_feature_set(model, file)
    return model


def _check_feature_set(model: CathodeModel, file: Path) -> None:
    """A model's featurizers run this version's code: if they no longer compute the features the
    model was trained on (another feature set), refuse it by name instead of failing mid-predict."""
    from cathodeml.features.recipe import feature_set_version

    f = model.featurizer
    try:
        now = feature_set_version(f.featurizers_)
    except Exception as exc:  # noqa: BLE001 — a featurizer from an older version may lack what this one reads
        now = f"unreadable ({type(exc).__name__})"
    if now != f.feature_set_version_:
        raise ModelIntegrityError(
            f"{file}: trained on another feature set (fingerprint {f.feature_set_version_}; this version of cathodeml "
            f"computes {now} with the same featurizers, e.g. new or changed features); retrain it with `cathodeml train`")
