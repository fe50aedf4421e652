"""The recipe rules for a few rows, in plain Python: the second executor of :mod:`.ruletable`.

:func:`~cathodeml.data.rules.check_frame` builds pandas objects per column (factorize, string
methods, masks): ~9 ms of fixed work whether the frame holds 1 row or 50, which was most of the
time of a single-recipe ``POST /predict``. :func:`check_rows` applies the same rules, in the same
order, with the same messages, to a list of records (dicts: JSON objects, ``Recipe`` fields) one
value at a time — for the few rows of a request that is far cheaper.

``check_rows(records)`` answers exactly as ``check_frame(pd.DataFrame.from_records(records))``
does (``tests/data/test_rowcheck.py`` compares the two on fuzzed rows). Where pandas' own reading
decides the answer — a number written as text, whose parsing and dtype inference are pandas',
or a value of an unexpected type — the column is handed to the frame executor's column rule
(:func:`~cathodeml.data.rules.check_column`) instead of imitating pandas; a JSON body of numbers
and strings never needs that.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cathodeml.data import ruletable as rt
from cathodeml.data.cathode import parse_cathode
from cathodeml.data.coatings import parse_coating
from cathodeml.data.headers import header_problems
from cathodeml.data.rules import check_column
from cathodeml.errors import CathodeError, CoatingError, Problem
from cathodeml.schema import CANONICAL, FRACTIONS, PREDICTION_COLUMNS, SPECS, TARGETS, ColumnSpec

NAN = float("nan")
Column = list[Any]  # typed values of one column: floats (NaN = unknown) or str / None


@dataclass
class RowCheckResult:
    """Typed values per canonical column (floats with NaN, or text with None) and the problems."""

    columns: dict[str, Column]
    n_rows: int
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def frame(self) -> pd.DataFrame:
        """The typed canonical frame, built in one go (float64 and object columns)."""
        data = {name: np.asarray(values, dtype=np.float64 if SPECS[name].kind in ("float", "int") else object)
                for name, values in self.columns.items()}
        return pd.DataFrame(data, index=pd.RangeIndex(self.n_rows), copy=False)


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _plain_number(v: Any) -> bool:
    """Values a numeric column reads without pandas: unknown, floats, and ints a float64 holds."""
    return _is_missing(v) or isinstance(v, float) or (type(v) is int and -rt.EXACT_INT <= v <= rt.EXACT_INT)


#: A key a record does not have (``from_records`` leaves it out, which is not the same as an
#: explicit None: ``[None, 10**30]`` becomes float64, ``[absent, 10**30]`` keeps the int).
_ABSENT = object()


def _delegated(spec: ColumnSpec, values: Column, rows: np.ndarray, problems: list[Problem]) -> Column:
    """The frame executor's column rule on this column, built as ``from_records`` builds it."""
    col = pd.DataFrame.from_records([{} if v is _ABSENT else {spec.name: v} for v in values],
                                    columns=[spec.name])[spec.name]
    typed = check_column(spec, col, rows, problems).tolist()
    if spec.kind in ("float", "int"):
        return [NAN if pd.isna(v) else float(v) for v in typed]
    return [None if pd.isna(v) else v for v in typed]


def _numbers(spec: ColumnSpec, values: Column, rows: np.ndarray, problems: list[Problem]) -> Column:
    out, bad_range, not_whole = [], [], []
    for i, v in enumerate(values):
        f = NAN if _is_missing(v) else float(v)
        if not math.isnan(f):
            low = spec.lo is not None and (f <= spec.lo if spec.lo_open else f < spec.lo)
            high = spec.hi is not None and f > spec.hi
            if low or high or math.isinf(f):
                bad_range.append(Problem(int(rows[i]), spec.name, rt.fmt_value(v), rt.out_of_range(spec)))
                f = NAN
            elif spec.kind == "int" and math.floor(f) != f:
                not_whole.append(Problem(int(rows[i]), spec.name, rt.fmt_value(v), rt.NOT_WHOLE))
        out.append(f)
    problems += bad_range + not_whole
    return out


def _enum(spec: ColumnSpec, values: Column, rows: np.ndarray, problems: list[Problem]) -> Column:
    out: Column = []
    for i, v in enumerate(values):
        text = None if _is_missing(v) else v.strip()
        if text is not None and text.lower() in rt.MISSING_TOKENS:
            text = None
        if text is not None and text not in spec.choices:
            problems.append(Problem(int(rows[i]), spec.name, rt.fmt_value(v), rt.not_one_of(spec)))
        out.append(text)
    return out


def _text(spec: ColumnSpec, values: Column) -> Column:
    return [None if _is_missing(v) or rt.reads_as_empty(spec.name, v) else v for v in values]


def _column(spec: ColumnSpec, values: Column, rows: np.ndarray, problems: list[Problem]) -> Column:
    """The ``column`` rule; a column holding what only pandas reads exactly goes to the frame executor."""
    present = [None if v is _ABSENT else v for v in values]
    if spec.kind in ("float", "int"):
        if all(_plain_number(v) for v in present):
            return _numbers(spec, present, rows, problems)
    elif all(_is_missing(v) or isinstance(v, str) for v in present):
        return _enum(spec, present, rows, problems) if spec.kind == "enum" else _text(spec, present)
    return _delegated(spec, values, rows, problems)


def _per_unique(values: Column, rows: np.ndarray, name: str, parse, errors, problems: list[Problem]) -> dict:
    """Parse each distinct value once (first-seen order); report a failure on every row that holds it."""
    parsed: dict[Any, Any] = {}
    for value in dict.fromkeys(v for v in values if v is not None):
        try:
            parsed[value] = parse(str(value))
        except errors as exc:
            problems += [Problem(int(rows[i]), name, str(value), str(exc)) for i, v in enumerate(values) if v == value]
    return parsed


def _cross(cols: dict[str, Column], present: set[str], rows: np.ndarray, problems: list[Problem], dataset: bool) -> None:
    n = len(rows)
    for i, (lo, hi) in enumerate(zip(cols["v_min"], cols["v_max"])):
        if lo >= hi:
            problems.append(Problem(int(rows[i]), "v_min", f"{lo:g}", rt.v_min_not_below(hi)))
    for i in range(n):
        fr = [cols[c][i] for c in FRACTIONS]
        total = 0.0
        for f in fr:
            total += 0.0 if math.isnan(f) else f
        if rt.fraction_sum_broken(total, not any(math.isnan(f) for f in fr)):
            problems.append(Problem(int(rows[i]), "ni_frac", None, rt.fractions_off(total)))
    cath = cols["cathode"]
    parsed = _per_unique(cath, rows, "cathode", parse_cathode, CathodeError, problems)
    if parsed:
        for c in FRACTIONS:
            for i, (name, stated) in enumerate(zip(cath, cols[c])):
                implied = parsed[name].fractions()[c] if name in parsed else NAN
                if abs(implied - stated) > rt.FRACTION_TOL:
                    problems.append(Problem(int(rows[i]), c, f"{stated:g}", rt.disagrees_with_cathode(name, implied)))
    _cathode_given(cols, present, rows, problems)
    _per_unique(cols["coating"], rows, "coating", parse_coating, CoatingError, problems)
    _per_unique(cols["dopant"], rows, "dopant", rt.parse_dopant, ValueError, problems)
    for treatment, conditions in rt.TREATMENT_NEEDS:
        for c in conditions:
            problems += [Problem(int(rows[i]), c, rt.fmt_value(v), rt.treatment_missing(treatment))
                         for i, (t, v) in enumerate(zip(cols[treatment], cols[c]))
                         if rt.treatment_absent(t) and not _is_missing(v) and not (rt.is_number(v) and v == 0)]
    counts = Counter(v for v in cols["record_id"] if v is not None)
    twice = {v for v, k in counts.items() if k > 1}
    problems += [Problem(int(rows[i]), "record_id", str(v), rt.NOT_UNIQUE) for i, v in enumerate(cols["record_id"])
                 if v is not None and v in twice]
    if dataset:
        _dataset(cols, present, rows, problems)


def _cathode_given(cols: dict[str, Column], present: set[str], rows: np.ndarray, problems: list[Problem]) -> None:
    ni = cols["ni_frac"]
    if "cathode" not in present:
        if "ni_frac" not in present and len(rows):
            problems.append(Problem(None, "cathode", None, rt.NO_CATHODE_COLUMNS))
            return
        problems += [Problem(int(rows[i]), "ni_frac", None, rt.NI_EMPTY_WITHOUT_CATHODE_COLUMN)
                     for i, f in enumerate(ni) if math.isnan(f)]
        return
    problems += [Problem(int(rows[i]), "cathode", None, rt.NO_CATHODE)
                 for i, (c, f) in enumerate(zip(cols["cathode"], ni)) if c is None and math.isnan(f)]


def _dataset(cols: dict[str, Column], present: set[str], rows: np.ndarray, problems: list[Problem]) -> None:
    for name in ("record_id", "source"):
        if name not in present:
            problems.append(Problem(None, name, None, rt.DATASET_COLUMN_MISSING))
            continue
        problems += [Problem(int(rows[i]), name, None, rt.DATASET_CELL_EMPTY) for i, v in enumerate(cols[name]) if v is None]
    for i in range(len(rows)):
        if all(math.isnan(cols[t][i]) for t in TARGETS):
            problems.append(Problem(int(rows[i]), None, None, rt.no_measured_target(TARGETS)))
    for target, needs in rt.DATASET_NEEDS:
        problems += [Problem(int(rows[i]), needs, None, rt.unmeasured_when(target)) for i in range(len(rows))
                     if not math.isnan(cols[target][i]) and _is_missing(cols[needs][i])]


def check_rows(records: Sequence[Mapping[str, Any]], *, dataset: bool = False,
               first_row: int = rt.FIRST_ROW) -> RowCheckResult:
    """Check records (one dict per recipe: raw text or JSON values) against every rule.

    The same answer as ``check_frame(pd.DataFrame.from_records(records), dataset=…,
    first_row=…)``: the problems in the same order with the same texts, and the same typed values
    (numbers as floats, NaN for unknown; text as written, ``None`` for unknown).
    """
    names = list(dict.fromkeys(str(k) for r in records for k in r))
    problems = header_problems(names)
    rows = np.arange(first_row, first_row + len(records))
    cols: dict[str, Column] = {}
    for name in CANONICAL:
        spec = SPECS[name]
        if name not in names:
            cols[name] = [NAN if spec.kind in ("float", "int") else None] * len(records)
            continue
        cols[name] = _column(spec, [r.get(name, _ABSENT) for r in records], rows, problems)
    _cross(cols, set(names), rows, problems, dataset)
    problems.sort(key=rt.problem_order)
    refused = {p.column for p in problems if p.row is None}
    ignored = [c for c in names if c not in SPECS and c not in PREDICTION_COLUMNS and c not in refused]
    return RowCheckResult(cols, len(records), problems, ignored)
