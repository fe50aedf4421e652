"""Applicability domain: does a candidate recipe lie inside what the model was trained on?

A gradient-boosted model extrapolates flat: asked about a Ce coating it has never seen, it answers
with the confidence of its nearest leaves. So every prediction carries ``in_domain`` and
``domain_notes`` saying, in words a scientist can act on, why it may not be trusted:

* chemistry never seen in training — an element in the coating, dopant or cathode, a coating
  class (``coating element Ce never seen in training``);
* a categorical value never seen (``electrolyte solid_halide never seen in training``);
  blanks that mean a default (:mod:`cathodeml.data.defaults`) are read as that default on both
  sides, so ``morphology polycrystalline`` or ``al_frac`` 0 get the blank's verdict;
* a number outside the training range of its column by more than ``range_tolerance`` (10 %) of
  that range's span (``v_max 4.8 V above training max 4.6 V``): a 650 °C anneal when training
  stopped at 600 °C is an interpolation a tree makes flat anyway, and flagging it made half of
  a new paper's recipes "out of domain" under grouped CV without separating worse predictions;
* a recipe far from every training recipe: Euclidean distance to the nearest training recipe in
  the standardised feature space (training medians imputed for unknowns) above the 95th
  percentile of the training recipes' own leave-one-out nearest-neighbour distances. For a
  target, the space is that target's own features (what its model reads): a retention-test
  cycle count says nothing about how well the capacity model knows a recipe. The search is
  exact and exhaustive over the unique training rows, one BLAS product per chunk (see ``_Space``).
  The all-rows space reads the features of the validated targets' models only (less how the
  recipe was written: ``physics.domain_features``), and the all-rows range and category checks
  leave the test protocol to the targets: how a recipe is written (``NCM90`` or its formula, a
  coating amount in nm or wt %, an EIS timing only Rct reads) does not move the verdict. (A test
  protocol a validated model reads still enters the distance: one cycle is far from every
  retention test.)
  A coating amount is judged against the training amounts in the recipe's own unit, the other
  unit's training values converted by the shell model.

Each target's model is trained only on the rows that report that target (capacity on ~half of
the recipes, Rct on one paper), so the same checks also run per target against that target's
own training rows, ignoring the protocol columns of the other targets' measurements. A reason that only a target's narrower data raises is written with the
target's name (``capacity_mah_g model: regen_method hydrothermal never seen in training``) and
makes the recipe out of domain, for targets validated on at least ``min_sources`` papers (or a
lab's batches) and ``min_rows`` rows (what an interval needs). A target trained on fewer (no
cross-paper validation is possible) never decides ``in_domain``; when the recipe lies outside
its few rows, one note says so
(``rct_ohm model: outside its 8 training recipes (1 source, fewer than 11 rows, not validated across papers)``).
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cathodeml.data.cathode import parse_cathode
from cathodeml.data.coatings import parse_coating
from cathodeml.data.defaults import float_values, with_defaults
from cathodeml.schema import COLUMNS, SPECS, TARGET_PROTOCOL
from cathodeml.features.base import combination_codes
from cathodeml.features.coating import estimated_amounts

_CATEGORICAL = tuple(c.name for c in COLUMNS if c.kind == "enum")
_NUMERIC = tuple(c.name for c in COLUMNS if c.kind in ("float", "int") and c.section not in ("target", "control"))
_CHUNK = 20_000
#: Training rows per block of the leave-one-out distances (a block × all rows of float64).
_LOO_BLOCK = 512
_PROTOCOL = {c.name for c in COLUMNS if c.section == "protocol"}


def _ignored(target: str) -> set[str]:
    """Protocol columns of the other targets' measurements: not part of this target's domain."""
    return _PROTOCOL - set(TARGET_PROTOCOL.get(target, _PROTOCOL))


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
class _Scope:
    """What one set of training rows (all of them, or one target's) has seen."""

    seen: dict[str, set[str]]
    categories: dict[str, set[str]]
    ranges: dict[str, tuple[float, float]]
    threshold: float = float("inf")
    n_rows: int = 0
    n_sources: int = 0
    ignored: frozenset[str] = frozenset()
    space: _Space | None = None


def _scope_of(frame: pd.DataFrame) -> _Scope:
    # A coating amount is judged against the training amounts in the unit the recipe states it in,
    # whichever unit their papers used (shell model): 20 nm of Al2O3 is 1 wt %, a training amount.
    wt_est, th_est = estimated_amounts(frame)
    frame = frame.assign(coating_wt_pct=wt_est, coating_thickness_nm=th_est)
    seen = {}
    for label, (column, extract) in _SETS.items():
        values = frame[column].dropna().unique()
        seen[label] = set().union(*(extract(v) for v in values)) if len(values) else set()
    categories = {c: set(frame[c].dropna().astype(str).unique()) for c in _CATEGORICAL}
    ranges = {}
    for c in _NUMERIC:
        col = pd.to_numeric(frame[c], errors="coerce").astype(float)
        if col.notna().any():
            ranges[c] = (float(col.min()), float(col.max()))
    n_sources = int(frame["source"].nunique()) if "source" in frame else 0
    return _Scope(seen, categories, ranges, n_rows=len(frame), n_sources=n_sources)


@dataclass
class _Space:
    """A standardised feature space and its unique training rows, searched exhaustively.

    Exact nearest neighbours by one matrix product per chunk of queries (float32 BLAS). With
    16–129 features, tree indexes (KD/ball) degrade to visiting every node, and scikit-learn's
    brute ``kneighbors`` measured 6× slower than this product on the 2-core VM (0.10 s vs 0.016 s
    per 20,000 queries against 218 rows; docs/benchmarks.md). The product finds the nearest row;
    its distance is then computed from the differences, exactly (tests/models/test_domain.py
    compares with a float64 brute-force search)."""

    columns: np.ndarray
    center: np.ndarray
    scale: np.ndarray
    index: object  # kept for models saved before ``train``: an sklearn NearestNeighbors, or None
    n_unique: int
    train: np.ndarray | None = None  # (n_unique, n_columns) float32, scaled

    @classmethod
    def fit(cls, X: np.ndarray, features: np.ndarray | None = None) -> _Space:
        X = np.where(np.isfinite(np.asarray(X, dtype=float)), X, np.nan)
        cols = np.arange(X.shape[1]) if features is None else np.asarray(features, dtype=np.int64)
        with warnings.catch_warnings():  # all-NaN feature columns are expected (unused treatments)
            warnings.simplefilter("ignore", RuntimeWarning)
            center = np.nanmedian(X[:, cols], axis=0)
            spread = np.nanstd(X[:, cols], axis=0)
        varying = np.isfinite(spread) & (spread > 1e-9)  # constant features carry no distance
        center = np.where(np.isnan(center), 0.0, center)[varying]
        space = cls(cols[varying], center.astype(np.float32), spread[varying].astype(np.float32), None, 0)
        # Unique rows only: a recipe repeated across papers would otherwise have a neighbour at
        # distance 0 and pull the threshold to zero.
        space.train = np.ascontiguousarray(np.unique(space.scaled(X), axis=0), dtype=np.float32)
        space.n_unique = len(space.train)
        return space

    def _train_rows(self) -> np.ndarray:
        if self.train is None:  # a model saved with the sklearn index
            self.train = np.asarray(self.index._fit_X, dtype=np.float32)
        return self.train

    def scaled(self, X: np.ndarray) -> np.ndarray:
        """Standardised rows of ``X``'s columns; a missing (or infinite) value sits at the centre (0).

        One copy (the column gather), then in place: on a million rows the former four passes
        (gather, ``where``, subtract, divide) cost as much as the neighbour search itself."""
        A = np.take(np.asarray(X, dtype=np.float32), self.columns, axis=1)
        A -= self.center
        A /= self.scale
        A[~np.isfinite(A)] = 0.0
        return A

    def nearest(self, X: np.ndarray) -> np.ndarray:
        """Distance of each row of ``X`` to its nearest unique training row (scaled space).

        The neighbour is the argmin of ``|t|² − 2·a·t`` (the query's own ``|a|²`` is the same for
        every candidate, so it is never added, nor are the negative round-offs clipped): one
        matrix product and one addition per chunk. Its distance is then taken from the
        differences (exact at zero, where the product form's cancellation leaves ~0.003)."""
        out = np.empty(len(X), dtype=np.float32)
        if self.n_unique == 0:
            out[:] = np.inf
            return out
        T = self._train_rows()
        minus_2t = np.ascontiguousarray(-2.0 * T.T)
        tt = np.einsum("ij,ij->i", T, T)
        for start in range(0, len(X), _CHUNK):
            A = self.scaled(X[start : start + _CHUNK])
            D = A @ minus_2t
            D += tt
            diff = A - T[D.argmin(axis=1)]
            out[start : start + _CHUNK] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        return out

    def loo_distances(self) -> np.ndarray:
        """Each unique training recipe's distance to its nearest other one (leave one out)."""
        if self.n_unique < 2:
            return np.full(self.n_unique, np.inf)
        from scipy.spatial.distance import cdist

        T = self._train_rows().astype(np.float64)
        out = np.empty(len(T))
        for a in range(0, len(T), _LOO_BLOCK):  # exact differences, memory O(block × rows)
            d2 = cdist(T[a : a + _LOO_BLOCK], T, "sqeuclidean")
            d2[np.arange(len(d2)), np.arange(a, a + len(d2))] = np.inf  # leave one out
            out[a : a + len(d2)] = np.sqrt(d2.min(axis=1))
        return out

    def loo_threshold(self, quantile: float) -> float:
        """Quantile of :meth:`loo_distances`: the distance beyond which a recipe is far."""
        if self.n_unique < 2:
            return float("inf")
        return float(np.quantile(self.loo_distances(), quantile))


# One check = (key, per-row message index, message table); key says which column or test it is,
# so a target's reason is only repeated when the all-rows domain did not already raise it.
_Check = tuple[str, np.ndarray, list[str]]


@dataclass
class ApplicabilityDomain:
    """Fitted from the training recipes and their feature matrix; see the module docstring."""

    quantile: float = 0.95
    min_sources: int = 2
    range_tolerance: float = 0.1
    min_rows: int = 0  # a target trained on fewer rows is not validated either (no interval to calibrate)
    seen_: dict[str, set[str]] = field(default_factory=dict)
    categories_: dict[str, set[str]] = field(default_factory=dict)
    ranges_: dict[str, tuple[float, float]] = field(default_factory=dict)
    space_: _Space | None = None
    threshold_: float = float("nan")
    targets_: dict[str, _Scope] = field(default_factory=dict)

    def fit(self, frame: pd.DataFrame, X: np.ndarray, targets: Mapping[str, np.ndarray] | None = None,
            features: Mapping[str, np.ndarray] | None = None) -> ApplicabilityDomain:
        """``targets`` maps a target name to the boolean mask of the rows its model was trained on;
        ``features`` a target name to the indices of the features its model reads (default: all)."""
        frame = with_defaults(frame.reset_index(drop=True))
        X = np.asarray(X)
        scope = _scope_of(frame)
        self.seen_, self.categories_, self.ranges_ = scope.seen, scope.categories, scope.ranges
        self.targets_ = {}
        for name, mask in (targets or {}).items():
            mask = np.asarray(mask, dtype=bool)
            sub = _scope_of(frame[mask])
            sub.space = _Space.fit(X[mask], None if features is None else features.get(name))
            sub.threshold = sub.space.loo_threshold(self.quantile)
            sub.ignored = frozenset(_ignored(name))
            self.targets_[name] = sub
        # The all-rows space reads what the validated targets' models read: a feature no deciding
        # model uses (how the cathode was written, which unit a coating amount came in, an EIS
        # timing) must not move the verdict (NCM90 and LiNi0.9Co0.05Mn0.05O2 are one recipe).
        read = [sub.space.columns for sub in self.targets_.values() if self._validated(sub)]
        self.space_ = _Space.fit(X, np.unique(np.concatenate(read)) if read and features is not None else None)
        self.threshold_ = self.space_.loo_threshold(self.quantile)
        return self

    def _validated(self, scope: _Scope) -> bool:
        """A target's scope decides ``in_domain`` only when validated across papers (module docstring)."""
        return scope.n_sources >= self.min_sources and scope.n_rows >= self.min_rows

    def _scopes(self) -> list[tuple[str, _Scope]]:
        # Each target judges its own test protocol against its own rows; the all-rows scope then
        # leaves the protocol to them, so an EIS after 100 cycles (the one Rct paper stopped at 3)
        # is a note of the Rct model, not "out of domain" for capacity and retention.
        # (Only when a target decides: with none validated, the all-rows protocol checks stay.)
        ignored = frozenset(_PROTOCOL) if any(self._validated(t) for t in self.targets_.values()) else frozenset()
        union = _Scope(self.seen_, self.categories_, self.ranges_, self.threshold_, space=self.space_, ignored=ignored)
        return [("", union), *self.targets_.items()]

    def nearest_distance(self, X: np.ndarray) -> np.ndarray:
        """Distance of each row to its nearest training recipe (scaled space of the all-rows scope)."""
        return self.space_.nearest(X)

    def assess(self, frame: pd.DataFrame, X: np.ndarray, target: str | None = None) -> pd.DataFrame:
        """``in_domain`` (bool) and ``domain_notes`` (``; ``-joined reasons) for each row.

        ``target`` asks for one target's own verdict alone (its rows, its features, its protocol),
        which is what grouped CV measures per target.

        Each check yields, per row, the index of its message in a small table (−1 = fine); the
        notes are then built once per distinct combination of messages, which keeps a
        million-row screening run fast.
        """
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
            frame = frame.reset_index(drop=True)  # (a copy: costly on a million rows, so only if needed)
        frame = with_defaults(frame)  # a stated default is the blank: same verdict
        n = len(frame)
        scopes = self._scopes() if target is None else [("", self.targets_[target])]
        checks: dict[str, list[_Check]] = {name: [] for name, _ in scopes}

        def add(name: str, key: str, codes: np.ndarray, table: list[str], rows: np.ndarray | None = None) -> None:
            if not any(table):
                return
            idx = np.array([i if m else -1 for i, m in enumerate(table)] + [-1], dtype=np.int64)
            if rows is None:
                checks[name].append((key, idx[codes], table))  # code −1 picks the trailing −1
            else:
                full = np.full(n, -1, dtype=np.int64)
                full[rows] = idx[codes]
                checks[name].append((key, full, table))

        for label, (column, extract) in _SETS.items():
            codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
            if not len(uniques):
                continue
            found = [extract(v) for v in uniques]
            for name, scope in scopes:
                seen = scope.seen.get(label, set())
                table = [f"{label} {', '.join(sorted(f - seen))} never seen in training" if f - seen else "" for f in found]
                add(name, label, codes, table)
        for c in _CATEGORICAL:
            codes, uniques = pd.factorize(frame[c], use_na_sentinel=True)
            if not len(uniques):
                continue
            for name, scope in scopes:
                if c in scope.ignored:
                    continue
                known = scope.categories.get(c, set())
                add(name, c, codes, ["" if str(v) in known else f"{c} {v} never seen in training" for v in uniques])
        for c in _NUMERIC:
            values = None
            unit = SPECS[c].unit
            unit = "" if unit in ("-", "") else f" {unit}"
            for name, scope in scopes:
                if c not in scope.ranges or c in scope.ignored:
                    continue
                if values is None:
                    values = float_values(frame[c], coerce=True)
                lo, hi = scope.ranges[c]
                slack = self.range_tolerance * (hi - lo)
                with np.errstate(invalid="ignore"):
                    outside = np.flatnonzero((values > hi + slack) | (values < lo - slack))
                if not len(outside):  # only the offending rows get a message lookup
                    continue
                codes, uniques = pd.factorize(values[outside])
                table = [f"{c} {v:g}{unit} above training max {hi:g}{unit}" if v > hi
                         else f"{c} {v:g}{unit} below training min {lo:g}{unit}" for v in uniques]
                add(name, c, codes, table, outside)
        for name, scope in scopes:
            dist = scope.space.nearest(X)
            threshold = scope.threshold
            far = dist > threshold
            if not far.any():
                continue
            if name:  # one message per target: per-row distances would multiply the combinations
                add(name, "distance", far.astype(np.int64) - 1, [f"far from every training recipe (distance > {threshold:.1f})"])
            else:  # distances are reported to one decimal, so their messages are few and shared
                codes, uniques = pd.factorize(np.where(far, np.round(dist, 1), np.nan), use_na_sentinel=True)
                add(name, "distance", codes, [f"far from every training recipe (distance {d:.1f} > {threshold:.1f})" for d in uniques])
        return self._combine(n, scopes, checks)

    def _combine(self, n: int, scopes: list[tuple[str, _Scope]], checks: dict[str, list[_Check]]) -> pd.DataFrame:
        """Join the reasons of all scopes into ``in_domain`` and ``domain_notes``.

        The all-rows reasons are joined once per distinct combination (as before targets had
        their own scope); a target's extra reasons depend only on its own combination and on
        *which checks* the all-rows domain raised, so they are joined once per such pair. Each
        row then holds one small code per scope, and the final verdict and note are built once
        per distinct row of codes and gathered (per-row string joins cost ~1 s per million rows).
        """
        group, reasons = _group(n, checks[""])
        # per scope: per-row code, and per code (verdict, note text)
        codes: list[np.ndarray] = [group]
        tables: list[list[tuple[bool, str]]] = [[(not r, "; ".join(text for _, text in r)) for r in reasons]]
        keysets, keyset_of = pd.factorize(pd.Series([frozenset(k for k, _ in r) for r in reasons], dtype=object))
        row_keyset = keysets[group]
        keysets_list = list(keyset_of)
        for name, scope in scopes[1:]:
            if not checks[name]:
                continue  # this target raised nothing anywhere
            if not self._validated(scope):  # not validated: a note, never the flag
                src = "source" if scope.n_sources == 1 else "sources"
                few = f", fewer than {self.min_rows} rows" if scope.n_rows < self.min_rows else ""
                codes.append(np.any(np.stack([c for _, c, _ in checks[name]]) >= 0, axis=0).astype(np.int64))
                tables.append([(True, ""), (True, f"{name} model: outside its {scope.n_rows} training recipes "
                                                  f"({scope.n_sources} {src}{few}, not validated across papers)")])
            else:
                g, own = _group(n, checks[name])
                pair, pairs = pd.factorize(g * len(keysets_list) + row_keyset)
                table = []
                for p in pairs.tolist():
                    extra = [text for k, text in own[p // len(keysets_list)] if k not in keysets_list[p % len(keysets_list)]]
                    table.append((not extra, "; ".join(f"{name} model: {text}" for text in extra)))
                codes.append(pair)
                tables.append(table)
        stacked = np.stack(codes, axis=1)
        combined, first = combination_codes(pd.DataFrame(stacked))
        ok, notes = [], []
        for row in stacked[first].tolist():
            parts = [tables[j][c] for j, c in enumerate(row)]
            ok.append(all(v for v, _ in parts))
            notes.append("; ".join(text for _, text in parts if text))
        return pd.DataFrame({"in_domain": np.array(ok, dtype=bool)[combined],
                             "domain_notes": np.array(notes, dtype=object)[combined]})


def _group(n: int, checks: list[_Check]) -> tuple[np.ndarray, list[list[tuple[str, str]]]]:
    """Per row, the id of its combination of messages; per id, the (key, message) pairs."""
    if not checks:
        return np.zeros(n, dtype=np.int64), [[]]
    stacked = np.stack([c for _, c, _ in checks], axis=1)
    group, first = combination_codes(pd.DataFrame(stacked))
    table = [[(checks[j][0], checks[j][2][k]) for j, k in enumerate(row) if k >= 0] for row in stacked[first]]
    return group, table




# ---- reasons: the notes above, without what is particular to one candidate -------------------

#: A note that informs without deciding ``in_domain`` (a target validated on too few papers).
_INFORMATIVE = re.compile(r"not validated across papers\)$")
#: ``[T model: ]column VALUE [unit] above training max …``: the candidate's own value dropped.
_OUT_OF_RANGE = re.compile(r"^(?P<column>(?:\w+ model: )?\w+) -?[\d.]+(?:e[+-]?\d+)?(?: [^\d\s][^ ]*(?: %)?)? "
                           r"(?P<rule>(?:above training max|below training min) .+)$")
_DISTANCE = re.compile(r"\(distance [\d.]+ > ")


def reason(note: str) -> str | None:
    """The rule one domain note reports, shared by every candidate it applies to
    (``anneal_temp_c above training max 600 °C``); None for a note that never decides ``in_domain``."""
    if _INFORMATIVE.search(note):
        return None
    m = _OUT_OF_RANGE.match(note)
    if m:
        return f"{m['column']} {m['rule']}"
    return _DISTANCE.sub("(distance > ", note)


def count_reasons(notes: Iterable[str]) -> Counter[str]:
    """How many candidates each reason puts out of the domain (``domain_notes`` texts; one
    candidate may have several reasons)."""
    counts: Counter[str] = Counter()
    for text in notes:
        counts.update({r for note in str(text).split("; ") if note and (r := reason(note)) is not None})
    return counts
