"""Applicability domain: does a candidate recipe lie inside what the model was trained on?

A gradient-boosted model extrapolates flat: asked about a Ce coating it has never seen, it answers
with the confidence of its nearest leaves. So every prediction carries ``in_domain`` and
``domain_notes`` saying, in words a scientist can act on, why it may not be trusted:

* chemistry never seen in training — an element in the coating, dopant or cathode, a coating
  class (``coating element Ce never seen in training``);
* a categorical value never seen (``electrolyte solid_halide never seen in training``);
* a number outside the training range of its column (``v_max 4.8 V above training max 4.6 V``);
* a recipe far from every training recipe: Euclidean distance to the nearest training recipe in
  the standardised feature space (training medians imputed for unknowns) above the 95th
  percentile of the training recipes' own leave-one-out nearest-neighbour distances.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cathodeml.data.cathode import parse_cathode
from cathodeml.data.coatings import parse_coating
from cathodeml.data.columns import COLUMNS, SPECS

_CATEGORICAL = tuple(c.name for c in COLUMNS if c.kind == "enum")
_NUMERIC = tuple(c.name for c in COLUMNS if c.kind in ("float", "int") and c.section not in ("target",))
_CHUNK = 20_000


def _coating_elements(value: str) -> set[str]:
    return {el for part in parse_coating(value) for el, _ in part.elements}


def _coating_classes(value: str) -> set[str]:
    return {part.cls for part in parse_coating(value)}


def _cathode_elements(value: str) -> set[str]:
    comp = parse_cathode(value)
    els = {el for el, f in zip(("Ni", "Co", "Mn", "Al"), (comp.ni, comp.co, comp.mn, comp.al)) if f and f == f}
    return els | {el for el, _ in comp.others}


def _dopant_elements(value: str) -> set[str]:
    return {s.strip() for s in value.split(",") if s.strip()}


_SETS = {
    "coating element": ("coating", _coating_elements),
    "coating class": ("coating", _coating_classes),
    "cathode element": ("cathode", _cathode_elements),
    "dopant element": ("dopant", _dopant_elements),
}


@dataclass
class ApplicabilityDomain:
    """Fitted from the training recipes and their feature matrix; see the module docstring."""

    quantile: float = 0.95
    seen_: dict[str, set[str]] = field(default_factory=dict)
    categories_: dict[str, set[str]] = field(default_factory=dict)
    ranges_: dict[str, tuple[float, float]] = field(default_factory=dict)
    center_: np.ndarray | None = None
    scale_: np.ndarray | None = None
    train_: np.ndarray | None = None
    threshold_: float = float("nan")

    def fit(self, frame: pd.DataFrame, X: np.ndarray) -> ApplicabilityDomain:
        for label, (column, extract) in _SETS.items():
            values = frame[column].dropna().unique()
            self.seen_[label] = set().union(*(extract(v) for v in values)) if len(values) else set()
        self.categories_ = {c: set(frame[c].dropna().astype(str).unique()) for c in _CATEGORICAL}
        for c in _NUMERIC:
            col = pd.to_numeric(frame[c], errors="coerce").astype(float)
            if col.notna().any():
                self.ranges_[c] = (float(col.min()), float(col.max()))
        X = np.where(np.isfinite(np.asarray(X, dtype=float)), X, np.nan)
        with warnings.catch_warnings():  # all-NaN feature columns are expected (unused treatments)
            warnings.simplefilter("ignore", RuntimeWarning)
            self.center_ = np.nanmedian(X, axis=0)
            spread = np.nanstd(X, axis=0)
        self.center_ = np.where(np.isnan(self.center_), 0.0, self.center_)
        self.scale_ = np.where(np.isfinite(spread) & (spread > 1e-9), spread, np.inf)  # constant → ignored
        # Unique rows only: a recipe repeated across papers would otherwise have a neighbour at
        # distance 0 and pull the threshold to zero.
        self.train_ = np.unique(self._scaled(X), axis=0)
        d = _pairwise(self.train_, self.train_)
        np.fill_diagonal(d, np.inf)
        nn = d.min(axis=1) if len(d) > 1 else np.zeros(len(d))
        self.threshold_ = float(np.quantile(nn, self.quantile)) if len(nn) else float("inf")
        return self

    def _scaled(self, X: np.ndarray) -> np.ndarray:
        X = np.where(np.isfinite(X), X, self.center_)
        return ((X - self.center_) / self.scale_).astype(np.float32)

    def nearest_distance(self, X: np.ndarray) -> np.ndarray:
        """Distance of each row to its nearest training recipe (scaled feature space)."""
        out = np.empty(len(X), dtype=np.float32)
        for start in range(0, len(X), _CHUNK):
            out[start : start + _CHUNK] = _pairwise(self._scaled(np.asarray(X[start : start + _CHUNK], float)), self.train_).min(axis=1)
        return out

    def assess(self, frame: pd.DataFrame, X: np.ndarray) -> pd.DataFrame:
        """``in_domain`` (bool) and ``domain_notes`` (``; ``-joined reasons) for each row."""
        n = len(frame)
        notes: list[list[str]] = [[] for _ in range(n)]

        def add(mask: np.ndarray, text_for) -> None:
            for i in np.flatnonzero(mask):
                notes[i].append(text_for(i))

        for label, (column, extract) in _SETS.items():
            col = frame[column]
            for value in col.dropna().unique():
                unseen = sorted(extract(value) - self.seen_.get(label, set()))
                if unseen:
                    msg = f"{label} {', '.join(unseen)} never seen in training"
                    add((col == value).to_numpy(), lambda i, msg=msg: msg)
        for c in _CATEGORICAL:
            col = frame[c]
            for value in col.dropna().unique():
                if str(value) not in self.categories_.get(c, set()):
                    msg = f"{c} {value} never seen in training"
                    add((col == value).to_numpy(), lambda i, msg=msg: msg)
        for c, (lo, hi) in self.ranges_.items():
            values = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
            unit = SPECS[c].unit
            unit = "" if unit in ("-", "") else f" {unit}"
            with np.errstate(invalid="ignore"):
                add(values > hi, lambda i, c=c, v=values, u=unit, hi=hi: f"{c} {v[i]:g}{u} above training max {hi:g}{u}")
                add(values < lo, lambda i, c=c, v=values, u=unit, lo=lo: f"{c} {v[i]:g}{u} below training min {lo:g}{u}")
        dist = self.nearest_distance(X)
        add(dist > self.threshold_, lambda i: f"far from every training recipe (distance {dist[i]:.1f} > {self.threshold_:.1f})")
        in_domain = np.array([not k for k in notes], dtype=bool)
        return pd.DataFrame({"in_domain": in_domain, "domain_notes": ["; ".join(k) for k in notes]})


def _pairwise(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Euclidean distances between rows of A and rows of B (float32, via the dot-product form)."""
    a2 = np.einsum("ij,ij->i", A, A)[:, None]
    b2 = np.einsum("ij,ij->i", B, B)[None, :]
    return np.sqrt(np.maximum(a2 + b2 - 2.0 * (A @ B.T), 0.0))
