"""The MLflow model of a ``CathodeModel``: raw recipe columns in, predictions out.

The model is packaged *from code* (MLflow's models-from-code): ``pyfunc_model.py`` beside this
module is copied into the model and imported by MLflow when the model loads; it only
instantiates :class:`CathodePyfunc`. The signature lists every input recipe column (all
optional: empty = unknown) and every prediction column, from :mod:`cathodeml.schema`.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

import mlflow.pyfunc
import pandas as pd
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, Schema

from cathodeml import __version__
from cathodeml.models.persistence import load_local_model
from cathodeml.schema import COLUMNS, prediction_columns

CODE_FILE = Path(__file__).with_name("pyfunc_model.py")
ARTIFACT = "cathode_model"
_MLFLOW_TYPE = {"str": "string", "enum": "string", "float": "double", "int": "double"}
_RUNTIME_PACKAGES = ("xgboost", "scikit-learn", "mapie", "pandas", "numpy", "pymatgen", "matminer", "pydantic", "joblib")


class CathodePyfunc(mlflow.pyfunc.PythonModel):
    """MLflow wrapper: raw recipe columns in, ``T_pred/T_lower/T_upper``, ``in_domain``, ``domain_notes`` out."""

    def load_context(self, context) -> None:
        self.model = load_local_model(context.artifacts[ARTIFACT])

    def predict(self, context, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        return self.model.predict(pd.DataFrame(model_input))


def input_schema() -> Schema:
    return Schema([ColSpec(_MLFLOW_TYPE[c.kind], c.name, required=False) for c in COLUMNS if c.section != "target"])


def output_schema(targets: tuple[str, ...]) -> Schema:
    cols = prediction_columns(targets, domain=False)
    return Schema([ColSpec("double", c) for c in cols] + [ColSpec("boolean", "in_domain"), ColSpec("string", "domain_notes")])


def signature(targets: tuple[str, ...]) -> ModelSignature:
    return ModelSignature(inputs=input_schema(), outputs=output_schema(targets))


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


def pip_requirements() -> list[str]:
    """cathodeml itself and the packages its pickled model needs, at the versions it was built with."""
    reqs = [f"cathodeml=={__version__}"]
    for pkg in _RUNTIME_PACKAGES:
        try:
            reqs.append(f"{pkg}=={metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            reqs.append(pkg)
    return reqs


def save_pyfunc(model_dir: Path, path: Path, targets: tuple[str, ...], input_example: pd.DataFrame) -> Path:
    """Package the model directory ``model_dir`` as an MLflow model at ``path`` (local, no tracking)."""
    mlflow.pyfunc.save_model(
        path=str(path),
        python_model=str(CODE_FILE),
        artifacts={ARTIFACT: str(model_dir)},
        signature=signature(targets),
        input_example=to_signature_frame(input_example),
        pip_requirements=pip_requirements(),
    )
    return path
