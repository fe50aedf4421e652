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
    columns_: np.ndarray | None = None
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
        varying = np.isfinite(spread) & (spread > 1e-9)
        self.columns_ = np.flatnonzero(varying)  # constant features carry no distance
        self.center_, self.scale_ = self.center_[self.columns_], spread[self.columns_]
        # Unique rows only: a recipe repeated across papers would otherwise have a neighbour at
        # distance 0 and pull the threshold to zero.
        self.train_ = np.unique(self._scaled(X), axis=0)
        d = _pairwise(self.train_, self.train_)
        np.fill_diagonal(d, np.inf)
        nn = d.min(axis=1) if len(d) > 1 else np.zeros(len(d))
        self.threshold_ = float(np.quantile(nn, self.quantile)) if len(nn) else float("inf")
        return self

    def _scaled(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)[:, self.columns_]
        X = np.where(np.isfinite(X), X, self.center_)
        return ((X - self.center_) / self.scale_).astype(np.float32)

    def nearest_distance(self, X: np.ndarray) -> np.ndarray:
        """Distance of each row to its nearest training recipe (scaled feature space)."""
        out = np.empty(len(X), dtype=np.float32)
        for start in range(0, len(X), _CHUNK):
            out[start : start + _CHUNK] = _pairwise(self._scaled(X[start : start + _CHUNK]), self.train_).min(axis=1)
        return out

    def assess(self, frame: pd.DataFrame, X: np.ndarray) -> pd.DataFrame:
        """``in_domain`` (bool) and ``domain_notes`` (``; ``-joined reasons) for each row.

        Each check yields, per row, the index of its message in a small table (−1 = fine); the
        notes are then built once per distinct combination of messages, which keeps a
        million-row screening run fast.
        """
        n = len(frame)
        checks: list[tuple[np.ndarray, list[str]]] = []

        def per_value(column: str, message_for, rows: np.ndarray | None = None) -> None:
            """Message per distinct value of the column (restricted to ``rows`` if given)."""
            col = frame[column] if rows is None else frame[column].iloc[rows]
            if not col.notna().any():
                return
            codes, uniques = pd.factorize(col, use_na_sentinel=True)
            table = [message_for(v) for v in uniques]
            if not any(table):
                return
            idx = np.array([i if m else -1 for i, m in enumerate(table)] + [-1], dtype=np.int64)
            if rows is None:
                checks.append((idx[codes], table))  # code −1 picks the trailing −1
            else:
                full = np.full(n, -1, dtype=np.int64)
                full[rows] = idx[codes]
                checks.append((full, table))

        for label, (column, extract) in _SETS.items():
            seen = self.seen_.get(label, set())

            def msg(value, extract=extract, seen=seen, label=label) -> str:
                unseen = sorted(extract(value) - seen)
                return f"{label} {', '.join(unseen)} never seen in training" if unseen else ""

            per_value(column, msg)
        for c in _CATEGORICAL:
            known = self.categories_.get(c, set())
            per_value(c, lambda v, c=c, known=known: "" if str(v) in known else f"{c} {v} never seen in training")
        for c, (lo, hi) in self.ranges_.items():
            unit = SPECS[c].unit
            unit = "" if unit in ("-", "") else f" {unit}"

            def msg(v, c=c, lo=lo, hi=hi, unit=unit) -> str:
                if v > hi:
                    return f"{c} {v:g}{unit} above training max {hi:g}{unit}"
                if v < lo:
                    return f"{c} {v:g}{unit} below training min {lo:g}{unit}"
                return ""

            values = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                outside = np.flatnonzero((values > hi) | (values < lo))
            if len(outside):  # only the offending rows get a message lookup
                per_value(c, msg, outside)
        dist = self.nearest_distance(X)
        far = dist > self.threshold_
        # Distances are reported to one decimal, so their messages are few and shared too.
        if far.any():
            rounded = np.where(far, np.round(dist, 1), np.nan)
            codes_far, uniq_far = pd.factorize(rounded, use_na_sentinel=True)
            checks.append((codes_far, [f"far from every training recipe (distance {d:.1f} > {self.threshold_:.1f})" for d in uniq_far]))
        if not checks:
            return pd.DataFrame({"in_domain": np.ones(n, dtype=bool), "domain_notes": np.full(n, "", dtype=object)})
        codes = pd.DataFrame(np.stack([c for c, _ in checks], axis=1))
        group = codes.groupby(list(codes.columns), sort=False).ngroup().to_numpy()
        combos = codes.drop_duplicates().to_numpy()
        texts = np.array(["; ".join(checks[j][1][k] for j, k in enumerate(row) if k >= 0) for row in combos], dtype=object)
        notes = texts[group]
        return pd.DataFrame({"in_domain": notes == "", "domain_notes": notes})


def _pairwise(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Euclidean distances between rows of A and rows of B (float32, via the dot-product form)."""
    a2 = np.einsum("ij,ij->i", A, A)[:, None]
    b2 = np.einsum("ij,ij->i", B, B)[None, :]
    return np.sqrt(np.maximum(a2 + b2 - 2.0 * (A @ B.T), 0.0))
