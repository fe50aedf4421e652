"""Smooth, monotone dependence on one feature, made from a tree ensemble's steps.

A tree ensemble is a step function of every feature. For the cycle count that is wrong in a way
a scientist sees at once: retention that drops 20 points between 50 and 100 cycles and then
plateaus. The drop is real in the data (papers that stop at 50 cycles report ~96 %, those at
100 ~89 %), but *where* it happens is an artefact of which cycle counts papers chose. The same
holds for the C-rate of a capacity measurement (a rate-capability curve is smooth).

So such a feature is made to act **additively** (an XGBoost interaction constraint keeps it in
trees of its own): its effect is then one step function ``g(t)`` shared by every recipe. Its
steps sit exactly at the trees' split values for that feature, so ``g`` is read off the fitted
model once per segment between split values. :class:`SmoothCurve` replaces the staircase by the
piecewise-linear curve through the midpoints of its segments (inside the training range), flat
beyond it; monotone steps give a monotone curve. Prediction = the ensemble's output + (smooth
curve − staircase) at the row's value: one model evaluation and two lookups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Split values closer than this share of a feature's training range are one step of the curve.
MIN_GAP = 0.05


@dataclass
class SmoothCurve:
    """The staircase (split values and segment values) and its smooth replacement (knots)."""

    thresholds: np.ndarray  # sorted split values (float32), segment k = [thresholds[k-1], thresholds[k])
    values: np.ndarray  # staircase value of each segment (len(thresholds) + 1)
    knots_x: np.ndarray
    knots_y: np.ndarray

    @classmethod
    def fit(cls, thresholds: np.ndarray, values: np.ndarray, lo: float, hi: float,
            min_gap: float = MIN_GAP) -> SmoothCurve:
        """``min_gap``: split values closer than this share of the training range count as one
        step (trees fitting a sharp rise put many splits side by side; the curve must not)."""
        thresholds = np.asarray(thresholds, dtype=np.float32)
        inner = thresholds[(thresholds > lo) & (thresholds <= hi)].astype(float)
        kept: list[float] = []
        for t in inner:
            if t - (kept[-1] if kept else lo) >= min_gap * (hi - lo):
                kept.append(t)
        edges = np.r_[lo, kept, hi].astype(float)
        mids = (edges[:-1] + edges[1:]) / 2 if len(edges) > 1 else np.array([lo])
        return cls(thresholds, np.asarray(values, dtype=float), mids, cls._lookup(thresholds, values, mids))

    @staticmethod
    def _lookup(thresholds: np.ndarray, values: np.ndarray, t: np.ndarray) -> np.ndarray:
        # XGBoost sends x < split left: a value equal to a split belongs to the segment above it.
        return np.asarray(values)[np.searchsorted(thresholds, np.asarray(t, dtype=np.float32), side="right")]

    def correction(self, t: np.ndarray) -> np.ndarray:
        """What to add to the ensemble's output at ``t`` (0 where ``t`` is unknown)."""
        t = np.asarray(t, dtype=float)
        known = np.isfinite(t)
        out = np.zeros(len(t))
        tk = t[known]
        out[known] = np.interp(tk, self.knots_x, self.knots_y) - self._lookup(self.thresholds, self.values, tk)
        return out


def split_values(booster, j: int) -> np.ndarray:
    """Sorted distinct split values of feature ``j`` (named ``f{j}``) over all trees of ``booster``.

    Read from the text dump (``[f3<0.5]``), the same text ``trees_to_dataframe`` parses, without
    building its frame of every node: 6× faster, and this runs after every fit of a smooth target.
    """
    import re

    found = re.findall(rf"\[f{j}<([^\]]+)\]", "\n".join(booster.get_dump()))
    return np.unique(np.array(found, dtype=float).astype(np.float32))


def staircase(predict, reference_row: np.ndarray, j: int, thresholds: np.ndarray) -> np.ndarray:
    """The additive effect of feature ``j`` (up to a constant) on each segment between ``thresholds``."""
    thresholds = np.asarray(thresholds, dtype=np.float32)
    if len(thresholds):
        inner = (thresholds[:-1] + thresholds[1:]) / 2
        points = np.r_[thresholds[0] - 1.0, inner, thresholds[-1] + 1.0].astype(np.float32)
    else:
        points = np.zeros(1, dtype=np.float32)
    A = np.tile(reference_row, (len(points), 1)).astype(np.float32)
    A[:, j] = points
    return np.asarray(predict(A), dtype=float)
