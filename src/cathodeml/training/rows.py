"""One target's training rows: the measured recipes, their features, and augmented copies.

A copy is a measured row with some optional recipe fields blanked (see
:attr:`cathodeml.models.physics.TargetPhysics.augment`): it teaches the model what to predict
when a user leaves those fields blank. A copy keeps its source, so grouped folds keep it with its
original; it is learnt from (with ``weight``) but never tested on or used to calibrate intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class TargetRows:
    target: str
    frame: pd.DataFrame  # measured recipes (positions 0…n−1)
    X: pd.DataFrame  # their features
    y: np.ndarray
    groups: np.ndarray
    weight: np.ndarray  # per measured row
    copy_X: pd.DataFrame
    copy_y: np.ndarray
    copy_parent: np.ndarray  # position of each copy's original
    copy_weight: float = 1.0

    @property
    def n(self) -> int:
        return len(self.y)

    def fit_set(self, idx: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(X, y, groups, sample weight, calibrate mask) of rows ``idx`` (all when None) and their copies."""
        idx = np.arange(self.n) if idx is None else np.asarray(idx)
        take = np.isin(self.copy_parent, idx)
        parents = self.copy_parent[take]
        X = pd.concat([self.X.iloc[idx], self.copy_X[take]], ignore_index=True)
        y = np.r_[self.y[idx], self.copy_y[take]]
        groups = np.r_[self.groups[idx], self.groups[parents]]
        weight = np.r_[self.weight[idx], np.full(int(take.sum()), self.copy_weight) * self.weight[parents]]
        calibrate = np.r_[np.ones(len(idx), bool), np.zeros(int(take.sum()), bool)]
        return X, y, groups, weight, calibrate


def blanked_copies(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[pd.DataFrame, np.ndarray]:
    """One copy of every row that states any of ``columns``, with all of them blanked; and the
    positions of the originals."""
    if not columns:
        return frame.iloc[:0], np.array([], dtype=np.int64)
    states = frame[list(columns)].notna().any(axis=1).to_numpy()
    copies = frame[states].copy()
    for c in columns:
        copies[c] = np.nan
    return copies.reset_index(drop=True), np.flatnonzero(states)


def target_rows(frame: pd.DataFrame, featurize, target: str, augment: tuple[str, ...] = (),
                copy_weight: float = 1.0, weight: np.ndarray | None = None) -> TargetRows:
    """The rows that measured ``target`` (``featurize``: frame → named feature frame)."""
    rows = frame[target].notna().to_numpy()
    sub = frame.loc[rows].reset_index(drop=True)
    X = featurize(sub)
    copies, parent = blanked_copies(sub, augment)
    w = np.ones(len(sub)) if weight is None else np.asarray(weight, dtype=float)[rows]
    return TargetRows(target, sub, X, sub[target].to_numpy(dtype=float), sub["source"].astype(str).to_numpy(), w,
                      featurize(copies) if len(copies) else X.iloc[:0], copies[target].to_numpy(dtype=float),
                      parent, copy_weight)
