"""The validation rules, applied to whole columns at once.

A scientist's spreadsheet should fail with *every* problem listed, each naming the spreadsheet row,
the column, the offending value and the rule — not with the first exception. The rules work on a
frame of raw strings (exactly what the file holds), so that nothing is coerced before it is
checked: ``"45,0"`` is reported as not a number rather than silently read as 450 or dropped.

The same function checks a one-row frame for :class:`~cathodeml.data.recipe.Recipe` and a
ten-million-row chunk for ``predict``; per-row Python work is limited to the unique values of the
text columns (cathode, coating, dopant), which are few, and to the rows that break a rule.

Whatever passes here can be featurised and predicted: element symbols are checked against the
periodic table, names are capped at :data:`~cathodeml.schema.MAX_NAME_CHARS` characters, and a
number outside its column's range (``inf``, ``1e19`` or ``10**30`` in ``cycles`` included) is a
range error, never an overflow. The header rules (duplicates, near misses of canonical names)
are those of :mod:`cathodeml.data.headers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cathodeml.data import ruletable as rt
from cathodeml.data.cathode import parse_cathode
from cathodeml.data.coatings import parse_coating
from cathodeml.data.headers import header_problems
from cathodeml.data.ruletable import FIRST_ROW, FRACTION_TOL, MISSING_TOKENS, fmt_value, parse_dopant
from cathodeml.errors import CathodeError, CoatingError, Problem
from cathodeml.schema import CANONICAL, FRACTIONS, PREDICTION_COLUMNS, SPECS, TARGETS, ColumnSpec

__all__ = ["FIRST_ROW", "FRACTION_TOL", "MISSING_TOKENS", "CheckResult", "check_column", "check_frame"]


@dataclass
class CheckResult:
    """The typed frame (NaN where unknown) and what was wrong with the raw one."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _factorize(col: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values): text rules run once per distinct value, then broadcast by code."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def _broadcast(codes: np.ndarray, per_unique: np.ndarray, fill) -> np.ndarray:
    out = np.full(len(codes), fill, dtype=per_unique.dtype if len(per_unique) else type(fill))
    known = codes >= 0
    if len(per_unique):
        out[known] = per_unique[codes[known]]
    return out


def _missing_mask(col: pd.Series) -> np.ndarray:
    codes, uniques = _factorize(col)
    missing_u = uniques.astype("string").str.strip().str.lower().isin(MISSING_TOKENS).to_numpy(dtype=bool)
    return _broadcast(codes, missing_u, True)


def _check_numeric(spec: ColumnSpec, raw: pd.Series, rows: np.ndarray, problems: list[Problem]) -> pd.Series:
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        # Already numbers (a typed frame, a JSON payload): only the range rules apply.
        values = raw.astype("float64")
    else:
        missing = _missing_mask(raw)
        text = raw.astype("string").str.strip()
        values = pd.to_numeric(text.where(~missing), errors="coerce").astype("float64")
        bad_num = ~missing & values.isna().to_numpy()
        for i in np.flatnonzero(bad_num):
            problems.append(Problem(int(rows[i]), spec.name, fmt_value(raw.iloc[i]), rt.not_a_number(spec, raw.iloc[i])))
    arr = values.to_numpy()
    with np.errstate(invalid="ignore"):
        low = np.zeros(len(arr), bool) if spec.lo is None else (arr <= spec.lo if spec.lo_open else arr < spec.lo)
        high = np.zeros(len(arr), bool) if spec.hi is None else arr > spec.hi
        out = (low | high | ~np.isfinite(arr)) & ~np.isnan(arr) | np.isinf(arr)
    for i in np.flatnonzero(out):
        problems.append(Problem(int(rows[i]), spec.name, fmt_value(raw.iloc[i]), rt.out_of_range(spec)))
    if out.any():  # a value that breaks its own range takes part in no cross-column rule (one message, not three)
        values = values.mask(out)
        arr = values.to_numpy()
    if spec.kind == "int":
        with np.errstate(invalid="ignore"):
            frac = ~np.isnan(arr) & np.isfinite(arr) & (np.floor(arr) != arr)
        for i in np.flatnonzero(frac):
            problems.append(Problem(int(rows[i]), spec.name, fmt_value(raw.iloc[i]), rt.NOT_WHOLE))
        # Out-of-range values are NaN by now: inf or 1e19 would overflow int64 (they are range errors).
        return values.round().astype("Int64") if not frac.any() else values
    return values


def _check_enum(spec: ColumnSpec, raw: pd.Series, rows: np.ndarray, problems: list[Problem]) -> pd.Series:
    codes, uniques = _factorize(raw)
    stripped = uniques.astype("string").str.strip()
    missing_u = stripped.str.lower().isin(MISSING_TOKENS).to_numpy(dtype=bool)
    bad_u = ~missing_u & ~stripped.isin(spec.choices).to_numpy(dtype=bool)
    for i in np.flatnonzero(_broadcast(codes, bad_u, False)):
        problems.append(Problem(int(rows[i]), spec.name, fmt_value(raw.iloc[i]), rt.not_one_of(spec)))
    value_u = np.where(missing_u, np.nan, stripped.astype(object).to_numpy())
    return pd.Series(_broadcast(codes, value_u.astype(object), np.nan), index=raw.index, dtype=object)


def _check_text(raw: pd.Series, column: str) -> pd.Series:
    """Text as written; empty, missing tokens and (for coating/dopant) stated "none" → NaN
    (:func:`~cathodeml.data.ruletable.reads_as_empty`, once per distinct text)."""
    codes, uniques = _factorize(raw)
    missing_u = np.array([rt.reads_as_empty(column, str(u)) for u in uniques], dtype=bool)
    value_u = np.where(missing_u, np.nan, uniques.to_numpy(dtype=object)).astype(object)
    return pd.Series(_broadcast(codes, value_u, np.nan), index=raw.index, dtype=object)


def _per_unique(
    col: pd.Series, rows: np.ndarray, name: str, parse, errors, problems: list[Problem]
) -> dict[str, object]:
    """Parse each distinct value once; report a failure on every row that holds it."""
    parsed: dict[str, object] = {}
    codes, uniques = _factorize(col)
    for k, value in enumerate(uniques):
        try:
            parsed[value] = parse(str(value))
        except errors as exc:
            for i in np.flatnonzero(codes == k):
                problems.append(Problem(int(rows[i]), name, str(value), str(exc)))
    return parsed


def check_column(spec: ColumnSpec, col: pd.Series, rows: np.ndarray, problems: list[Problem]) -> pd.Series:
    """The ``column`` rule of one canonical column: its typed values; problems appended."""
    if spec.kind in ("float", "int"):
        return _check_numeric(spec, col, rows, problems)
    if spec.kind == "enum":
        return _check_enum(spec, col, rows, problems)
    return _check_text(col, spec.name)


def check_frame(
    raw: pd.DataFrame, *, dataset: bool = False, first_row: int = FIRST_ROW, rows: np.ndarray | None = None
) -> CheckResult:
    """Check a frame of raw cell strings against every rule; return the typed frame and problems.

    Columns that are already numeric (a typed frame, a JSON payload) skip the text parsing and get
    the range and cross-column rules only, so re-checking a typed frame is cheap.

    ``dataset=True`` adds the rules of a training table: every row has ``record_id`` and
    ``source`` and at least one measured target. Row numbers start at ``first_row`` (2 for a
    file with a header row); chunked readers pass the offset of the chunk, and readers that
    skip blank lines pass ``rows``, the file's own row number of every row.
    """
    problems: list[Problem] = header_problems(raw.columns)
    raw = raw.reset_index(drop=True)
    if not all(isinstance(c, str) for c in raw.columns):  # a numeric header cell is a name like any other
        raw = raw.set_axis([str(c) for c in raw.columns], axis=1)
    rows = np.arange(first_row, first_row + len(raw)) if rows is None else np.asarray(rows)
    if raw.columns.has_duplicates:
        raw = raw.loc[:, ~raw.columns.duplicated()]
    ignored = [c for c in raw.columns if c not in SPECS]

    cols: dict[str, pd.Series] = {}  # one frame built at the end: 40 column inserts cost more than the rules
    for name in CANONICAL:
        spec = SPECS[name]
        if name not in raw.columns:
            numeric = spec.kind in ("float", "int")  # an object Series, not an array: no datetime inference
            cols[name] = np.full(len(raw), np.nan) if numeric else pd.Series(np.nan, index=raw.index, dtype=object)
            continue
        cols[name] = check_column(spec, raw[name], rows, problems)
    out = pd.DataFrame(cols | {c: raw[c] for c in ignored}, index=raw.index, copy=False)

    _check_cross(out, raw.columns, rows, problems, dataset)
    problems.sort(key=rt.problem_order)
    refused = {p.column for p in problems if p.row is None}
    return CheckResult(out, problems, [c for c in ignored if c not in PREDICTION_COLUMNS and c not in refused])


def _check_cathode_given(out: pd.DataFrame, present, rows: np.ndarray, problems: list[Problem]) -> None:
    """Every row names its cathode (or its fractions); a header without either column is one problem."""
    if "cathode" not in present:
        if "ni_frac" not in present and len(out):
            problems.append(Problem(None, "cathode", None, rt.NO_CATHODE_COLUMNS))
            return
        for i in np.flatnonzero(np.isnan(out["ni_frac"].to_numpy(float))):
            problems.append(Problem(int(rows[i]), "ni_frac", None, rt.NI_EMPTY_WITHOUT_CATHODE_COLUMN))
        return
    no_cathode = out["cathode"].isna().to_numpy() & np.isnan(out["ni_frac"].to_numpy(float))
    for i in np.flatnonzero(no_cathode):
        problems.append(Problem(int(rows[i]), "cathode", None, rt.NO_CATHODE))


def _check_cross(out: pd.DataFrame, present, rows: np.ndarray, problems: list[Problem], dataset: bool) -> None:
    # Voltage window.
    vmin, vmax = out["v_min"].to_numpy(float), out["v_max"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        bad = vmin >= vmax
    for i in np.flatnonzero(bad):
        problems.append(Problem(int(rows[i]), "v_min", f"{vmin[i]:g}", rt.v_min_not_below(vmax[i])))

    # Transition-metal fractions: given ones may not exceed one; all four given must sum to one.
    fr = out[list(FRACTIONS)].to_numpy(float)
    given = ~np.isnan(fr)
    total = np.where(given, fr, 0.0).sum(axis=1)
    for i in np.flatnonzero(rt.fraction_sum_broken(total, given.all(axis=1))):
        problems.append(Problem(int(rows[i]), "ni_frac", None, rt.fractions_off(total[i])))

    # Cathode: parse each distinct name once, then compare with given fractions.
    cath = out["cathode"]
    parsed = _per_unique(cath, rows, "cathode", parse_cathode, CathodeError, problems)
    if parsed:
        codes, uniques = _factorize(cath)
        for col in FRACTIONS:
            implied_u = np.array([parsed[v].fractions()[col] if v in parsed else np.nan for v in uniques], dtype=float)
            implied = _broadcast(codes, implied_u, np.nan)
            stated = out[col].to_numpy(float)
            with np.errstate(invalid="ignore"):
                diff = np.abs(implied - stated) > FRACTION_TOL
            for i in np.flatnonzero(diff):
                problems.append(Problem(int(rows[i]), col, f"{stated[i]:g}",
                                        rt.disagrees_with_cathode(cath.iloc[i], implied[i])))
    _check_cathode_given(out, present, rows, problems)

    _per_unique(out["coating"], rows, "coating", parse_coating, CoatingError, problems)
    _per_unique(out["dopant"], rows, "dopant", parse_dopant, ValueError, problems)

    # A treatment's conditions need the treatment.
    for treatment, conditions in rt.TREATMENT_NEEDS:
        col = out[treatment]
        absent = col.isna().to_numpy() | (col == "none").fillna(False).to_numpy(dtype=bool)
        if not absent.any():
            continue
        for c in conditions:
            values = out[c]
            stated = values.notna().to_numpy() & ~(values == 0).fillna(False).to_numpy(dtype=bool)  # 0 = none
            for i in np.flatnonzero(absent & stated):
                problems.append(Problem(int(rows[i]), c, rt.fmt_value(values.iloc[i]), rt.treatment_missing(treatment)))

    # Record ids: unique when given.
    rid = out["record_id"]
    dup = rid.notna().to_numpy() & rid.duplicated(keep=False).to_numpy()
    for i in np.flatnonzero(dup):
        problems.append(Problem(int(rows[i]), "record_id", str(rid.iloc[i]), rt.NOT_UNIQUE))

    if dataset:
        for name in ("record_id", "source"):
            if name not in present:
                problems.append(Problem(None, name, None, rt.DATASET_COLUMN_MISSING))
                continue
            for i in np.flatnonzero(out[name].isna().to_numpy()):
                problems.append(Problem(int(rows[i]), name, None, rt.DATASET_CELL_EMPTY))
        no_target = out[list(TARGETS)].isna().all(axis=1).to_numpy()
        for i in np.flatnonzero(no_target):
            problems.append(Problem(int(rows[i]), None, None, rt.no_measured_target(TARGETS)))
        # A retention without its cycle count, or an Rct without its timing, cannot be learnt from.
        for target, needs in rt.DATASET_NEEDS:
            lacking = out[target].notna().to_numpy() & out[needs].isna().to_numpy()
            for i in np.flatnonzero(lacking):
                problems.append(Problem(int(rows[i]), needs, None, rt.unmeasured_when(target)))
