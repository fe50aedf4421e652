"""The shipped literature dataset and its datacard.

The dataset is a canonical recipe CSV inside the package (found with ``importlib.resources``, so
it works from an installed wheel or an editable install; ``dataset_path`` hands out the file on
disk) with a JSON datacard beside it: what it is,
its version, the unit of every column, the row count, the sha256 of the CSV bytes and the list of
sources. The sha256 lets a trained model say exactly which data it saw.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from cathodeml.schema import COLUMNS, DATASET_COLUMNS, TARGETS
from cathodeml.data.io import read_recipes

DATASET_FILE = "recipes.csv"
DATACARD_FILE = "datacard.json"


@dataclass(frozen=True)
class Datacard:
    """What the datacard JSON holds."""

    name: str
    version: str
    description: str
    sha256: str
    row_count: int
    columns: dict[str, str]
    sources: tuple[str, ...]
    targets: dict[str, int]

    def to_json(self) -> str:
        d = dict(self.__dict__)
        d["sources"] = list(self.sources)
        return json.dumps(d, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Datacard:
        d = json.loads(text)
        d["sources"] = tuple(d["sources"])
        return cls(**d)


def _pkg_file(name: str):
    return resources.files("cathodeml.data").joinpath("datasets", name)


def dataset_path() -> Path:
    """Filesystem path of the shipped CSV (for CLIs that take a path)."""
    with resources.as_file(_pkg_file(DATASET_FILE)) as p:
        return Path(p)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_datacard() -> Datacard:
    return Datacard.from_json(_pkg_file(DATACARD_FILE).read_text(encoding="utf-8"))


def load_dataset() -> pd.DataFrame:
    """The shipped dataset as a typed canonical frame (validated on load)."""
    return read_recipes(dataset_path(), dataset=True)


def build_datacard(csv_path: str | Path, *, name: str, version: str, description: str) -> Datacard:
    """Compute a datacard for a canonical CSV (validated as a dataset first)."""
    csv_path = Path(csv_path)
    frame = read_recipes(csv_path, dataset=True)
    kinds = {"enum": "category", "str": "text"}
    units = {c.name: ("fraction" if c.unit == "-" else c.unit or kinds[c.kind]) for c in COLUMNS if c.name in DATASET_COLUMNS}
    return Datacard(
        name=name,
        version=version,
        description=description,
        sha256=sha256_bytes(csv_path.read_bytes()),
        row_count=int(len(frame)),
        columns=units,
        sources=tuple(sorted(frame["source"].dropna().unique())),
        targets={t: int(frame[t].notna().sum()) for t in TARGETS},
    )


def card_dict(card: Datacard) -> dict[str, Any]:
    return json.loads(card.to_json())
