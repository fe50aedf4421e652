"""``BaseFeaturizer``: the contract every recipe featurizer follows (after matminer's).

How to write a new featurizer
-----------------------------
1. Subclass :class:`BaseFeaturizer` in a module of :mod:`cathodeml.features` and set

   * ``columns`` — the recipe columns it reads (canonical names, see
     ``cathodeml.data.columns``);
   * ``group`` — the treatment group its features belong to, one of :data:`GROUPS`
     (SHAP attributions are summed per group, so pick the treatment the feature describes).

2. Implement

   * ``feature_labels()`` — one unique, stable, snake_case label per output number, prefixed
     by what it describes (``coating_class_oxide``);
   * ``featurize(*values)`` — the numbers for ONE recipe, given its values of ``columns`` in
     order (``NaN``/``None`` = unknown). Return ``NaN`` for unknown, never a made-up default,
     and add a ``*_known`` flag where "absent" and "unknown" differ;
   * ``citations()`` — BibTeX of the data or method it relies on (empty list if none).

3. Speed. The default :meth:`featurize_frame` calls ``featurize`` once per *distinct*
   combination of ``columns`` and broadcasts the result, which is right for chemistry
   (a screening run has few unique cathodes or coatings and millions of rows). A featurizer of
   continuous numbers (temperatures, voltages) should instead override ``featurize_frame`` with
   vectorised numpy, and implement ``featurize`` by calling it on a one-row frame
   (see :class:`VectorizedFeaturizer`).

4. Add it to the list in :func:`cathodeml.features.recipe.default_featurizers`, write
   ``tests/features/test_<module>.py`` with known values, and document the labels in
   ``docs/features.md``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

GROUPS: tuple[str, ...] = (
    "cathode",
    "coating_chemistry",
    "coating_amount",
    "coating_process",
    "regeneration",
    "doping",
    "protocol",
)


class BaseFeaturizer(ABC):
    """Turns some recipe columns into named numbers belonging to one treatment group."""

    columns: tuple[str, ...] = ()
    group: str = ""

    @abstractmethod
    def featurize(self, *values: Any) -> list[float]:
        """Numbers for one recipe, from its values of :attr:`columns` (in that order)."""

    @abstractmethod
    def feature_labels(self) -> list[str]:
        """One label per number returned by :meth:`featurize`."""

    def citations(self) -> list[str]:
        """BibTeX entries of the data or methods this featurizer uses."""
        return []

    def feature_groups(self) -> dict[str, str]:
        """{label: treatment group} for every label."""
        return {label: self.group for label in self.feature_labels()}

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        """Featurize every row: once per distinct combination of :attr:`columns`, then broadcast."""
        return per_unique(frame, self.columns, self.featurize, len(self.feature_labels()))


def per_unique(frame: pd.DataFrame, columns: tuple[str, ...], func: Callable[..., list[float]], width: int) -> np.ndarray:
    """Apply ``func`` once per distinct combination of ``columns`` (unknown → ``None``), broadcast."""
    if not len(frame):
        return np.empty((0, width))
    sub = frame[list(columns)]
    codes = sub.groupby(list(columns), dropna=False, sort=False).ngroup().to_numpy()
    uniques = sub.drop_duplicates()
    table = np.empty((len(uniques), width), dtype=float)
    for i, row in enumerate(uniques.itertuples(index=False, name=None)):
        table[i] = func(*(None if _isnan(v) else v for v in row))
    return table[codes]


class VectorizedFeaturizer(BaseFeaturizer):
    """A featurizer of continuous columns: vectorised over the frame, per-row via a 1-row frame."""

    @abstractmethod
    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray: ...

    def featurize(self, *values: Any) -> list[float]:
        row = pd.DataFrame([dict(zip(self.columns, (np.nan if v is None else v for v in values)))])
        return list(self.featurize_frame(row)[0])


def _isnan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA


def one_hot(series: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """One column per category; NaN across the row where the value is unknown."""
    values = series.to_numpy(dtype=object)
    known = pd.notna(series).to_numpy()
    out = np.stack([(values == c).astype(float) for c in categories], axis=1) if categories else np.empty((len(series), 0))
    out[~known] = np.nan
    return out


def num(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A numeric column as float64 (nullable ints become NaN where missing)."""
    return pd.to_numeric(frame[column], errors="raise").astype("float64").to_numpy()
