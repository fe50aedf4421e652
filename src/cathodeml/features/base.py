"""``BaseFeaturizer``: the contract every recipe featurizer follows (after matminer's).

How to write a new featurizer
-----------------------------
1. Subclass :class:`BaseFeaturizer` in a module of :mod:`cathodeml.features` and set

   * ``columns`` — the recipe columns it reads (canonical names, see
     ``cathodeml.schema``);
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

from cathodeml.data.defaults import float_values

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

    def feature_sources(self) -> dict[str, tuple[str, ...]]:
        """{label: the recipe columns it is computed from}: all of :attr:`columns` unless a
        featurizer says better. A target model sees only the features whose sources it may
        depend on (initial capacity never sees the cycle count)."""
        return {label: tuple(self.columns) for label in self.feature_labels()}

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        """Featurize every row: once per distinct combination of :attr:`columns`, then broadcast."""
        return per_unique(frame, self.columns, self.featurize, len(self.feature_labels()))


def per_unique(frame: pd.DataFrame, columns: tuple[str, ...], func: Callable[..., list[float]], width: int) -> np.ndarray:
    """Apply ``func`` once per distinct combination of ``columns`` (unknown → ``None``), broadcast."""
    if not len(frame):
        return np.empty((0, width))
    sub = frame[list(columns)]
    codes, first = combination_codes(sub)
    uniques = sub.iloc[first]
    table = np.empty((len(uniques), width), dtype=float)
    for i, row in enumerate(uniques.itertuples(index=False, name=None)):
        table[i] = func(*(None if _isnan(v) else v for v in row))
    return table.astype(np.float32)[codes]  # the feature matrix is float32: gather half the bytes


def combination_codes(sub: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the id of its combination of values (unknowns included); per id, its first row.

    Each column is factorized and the codes are packed into one integer per row (mixed radix,
    numpy's ``ravel_multi_index``), which is then factorized: at a million rows several times faster than a multi-column groupby.
    """
    parts = [pd.factorize(sub[c], use_na_sentinel=True)[0] + 1 for c in sub.columns]  # 0 = unknown
    radices = tuple(int(p.max(initial=0)) + 1 for p in parts)
    if float(np.prod(np.array(radices, dtype=float))) < 2.0**62:
        group, _ = pd.factorize(np.ravel_multi_index(parts, radices) if parts else np.zeros(len(sub), np.int64))
    else:  # too many combinations for one integer
        group = sub.groupby(list(sub.columns), dropna=False, sort=False).ngroup().to_numpy()
    return group, np.unique(group, return_index=True)[1]


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
    known = pd.notna(series).to_numpy()
    out = np.zeros((len(series), len(categories)))
    if categories:
        # Category codes (−1 for unknown or unlisted values) instead of one string comparison per
        # category: a million-row frame is compared once.
        codes = pd.Categorical(series, categories=list(categories)).codes
        hit = np.flatnonzero(codes >= 0)
        out[hit, codes[hit]] = 1.0
    out[~known] = np.nan
    return out


def num(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A numeric column as float64 (nullable ints become NaN where missing)."""
    return float_values(frame[column])
