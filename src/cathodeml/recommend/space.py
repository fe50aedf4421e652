"""Search spaces for recommending recipes: what may vary, what is fixed, what must hold.

A space is a YAML (or JSON) document::

    fixed:        {cathode: NCM622, history: spent, regen_method: hydrothermal, regen_li_source: LiOH}
    protocol:     {v_min: 2.8, v_max: 4.3, capacity_c_rate: 1, cycle_c_rate: 1, cycles: 100}
    choices:      {coating: [Al2O3, LiAlO2, Li3PO4, none], coating_method: [wet_chemical]}
    ranges:       {coating_wt_pct: {min: 0.5, max: 3, step: 0.5}, anneal_temp_c: {min: 300, max: 800, step: 50}}
    constraints:  ["capacity_mah_g >= 170", "coating_wt_pct <= 2"]

``fixed`` and ``protocol`` are recipe columns applied to every candidate (the protocol is the test
the predictions are made under). ``choices`` list the options of a column; ``none`` in the
``coating`` (or ``dopant``) choices means *without*, and then that treatment's amount, method and
anneal columns are left empty. ``ranges`` are inclusive grids. A constraint is
``COLUMN OP NUMBER`` with OP one of ``>= <= > < ==``, on a recipe column or on a target (then on
the risk-adjusted value: with the default pessimistic risk, ``capacity_mah_g >= 170`` asks the
*lower* interval bound to reach 170).

Candidates are numbered 0…size−1 in mixed radix (numpy's ``ravel_multi_index`` over the
option counts), so any slice of the grid can be built on its own — which is what lets
``screen`` stream millions of candidates and farm chunks out to Dask.

A space is bounded before anything is built (:class:`SpaceLimits`): the values of a range are
counted from its min, max and step, never listed, so ``step: 1e-300`` is refused at once; the
REST service passes tighter limits than the command line.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cathodeml.data.rules import check_frame
from cathodeml.data import ruletable as rt
from cathodeml.data.ruletable import EXACT_INT
from cathodeml.errors import SpaceError
from cathodeml.schema import SPECS, TARGETS

OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}
_CONSTRAINT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|>|<)\s*(-?\d+(?:\.\d*)?(?:[eE]-?\d+)?)\s*$")
#: Columns emptied when a treatment is "none".
DEPENDENT = dict(rt.TREATMENT_NEEDS)
_SECTIONS = ("fixed", "protocol", "choices", "ranges", "constraints")
_SCALARS = (str, int, float, bool, type(None))


def _value_problem(where: str, col: str, value: Any) -> str | None:
    """Why ``value`` cannot stand in column ``col`` at all (before the recipe rules), or None."""
    if not isinstance(value, _SCALARS):
        return f"{where}.{col}: expected one value, not {type(value).__name__}"
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and SPECS[col].kind == "int" and not abs(value) <= EXACT_INT:
        return f"{where}.{col}: {value!r} is not a whole number within ±2^53"
    return None


@dataclass(frozen=True)
class SpaceLimits:
    """How large a space may be, checked before any value is materialised.

    ``max_size`` stays below 2**63 because grid numbers are int64. The names are what a message
    calls each limit (the service uses its setting names, so a 422 says which one to raise).
    """

    max_values: int = 100_000
    max_size: int = 10**15
    values_name: str = "values per range or choice list"
    size_name: str = "candidates in the grid"


def _range_count(col: str, spec: Any, limits: SpaceLimits, problems: list[str]) -> tuple[float, float, int] | None:
    """(min, step, number of values) of a range, counted without listing them; None after a problem."""
    if not isinstance(spec, dict) or not {"min", "max", "step"} <= set(spec):
        problems.append(f"ranges.{col}: expected {{min: …, max: …, step: …}}")
        return None
    raw = [spec[k] for k in ("min", "max", "step")]
    try:
        if any(isinstance(v, bool) or not isinstance(v, (int, float, str)) for v in raw):
            raise TypeError
        lo, hi, step = (float(v) for v in raw)
    except (TypeError, ValueError):
        problems.append(f"ranges.{col}: min, max and step must be numbers")
        return None
    if not all(math.isfinite(v) for v in (lo, hi, step)):
        problems.append(f"ranges.{col}: min, max and step must be finite numbers (got {lo:g}, {hi:g}, {step:g})")
        return None
    if step <= 0 or hi < lo:
        problems.append(f"ranges.{col}: need min ≤ max and step > 0 (got {lo:g}, {hi:g}, {step:g})")
        return None
    if (problem := _value_problem("ranges", col, lo) or _value_problem("ranges", col, hi)) is not None:
        problems.append(problem)
        return None
    steps = (hi - lo) / step
    if not math.isfinite(steps) or steps + 1 > limits.max_values:
        shown = "more than 10^308" if not math.isfinite(steps) else f"{steps + 1:,.0f}" if steps < 1e9 else f"{steps + 1:.3g}"
        problems.append(f"ranges.{col}: {shown} values exceed the limit of {limits.max_values:,} "
                        f"{limits.values_name}; use a larger step or a narrower range")
        return None
    return lo, step, int(math.floor(steps + 1e-9)) + 1


@dataclass(frozen=True)
class Constraint:
    column: str
    op: str
    value: float

    def mask(self, values: pd.Series) -> np.ndarray:
        v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            return OPS[self.op](v, self.value) & ~np.isnan(v)

    def __str__(self) -> str:
        return f"{self.column} {self.op} {self.value:g}"


@dataclass(frozen=True)
class SearchSpace:
    """A validated space (build it with :meth:`from_dict` or :func:`load_space`)."""

    fixed: tuple[tuple[str, Any], ...]
    dims: tuple[tuple[str, tuple[Any, ...]], ...]
    constraints: tuple[Constraint, ...]

    @classmethod
    def from_dict(cls, doc: Any, where: str = "space", limits: SpaceLimits = SpaceLimits()) -> SearchSpace:
        """Validate a space document (every problem listed in one :class:`SpaceError`)."""
        problems: list[str] = []
        if not isinstance(doc, dict):
            raise SpaceError(f"{where}: expected a mapping with sections {', '.join(_SECTIONS)}")
        for key in doc:
            if key not in _SECTIONS:
                problems.append(f"unknown section '{key}' (known: {', '.join(_SECTIONS)})")
        sections = {k: doc.get(k) or ({} if k != "constraints" else []) for k in _SECTIONS}
        for key, kind, text in (("fixed", dict, "a mapping of column: value"), ("protocol", dict, "a mapping of column: value"),
                                ("choices", dict, "a mapping of column: [options]"),
                                ("ranges", dict, "a mapping of column: {min, max, step}"),
                                ("constraints", list, "a list of 'COLUMN OP NUMBER'")):
            if not isinstance(sections[key], kind):
                problems.append(f"{key}: expected {text}")
                sections[key] = kind()
        fixed: dict[str, Any] = {}
        for section in ("fixed", "protocol"):
            for col, val in sections[section].items():
                if col not in SPECS or SPECS[col].section == "target":
                    problems.append(f"{section}.{col}: not a recipe input column")
                elif (problem := _value_problem(section, col, val)) is not None:
                    problems.append(problem)
                else:
                    fixed[col] = val
        dims: list[tuple[str, tuple[Any, ...]]] = []
        for col, options in sections["choices"].items():
            if col not in SPECS or SPECS[col].section == "target":
                problems.append(f"choices.{col}: not a recipe input column")
            elif not isinstance(options, list) or not options:
                problems.append(f"choices.{col}: expected a non-empty list of single values")
            elif bad := [p for o in options if (p := _value_problem("choices", col, o)) is not None]:
                problems.append(bad[0])
            elif len(options) > limits.max_values:
                problems.append(f"choices.{col}: {len(options):,} options exceed the limit of {limits.max_values:,} "
                                f"{limits.values_name}")
            else:
                dims.append((col, tuple(None if str(o).lower() == "none" and col in DEPENDENT else o for o in options)))
        ranges: list[tuple[str, float, float, int]] = []
        for col, spec in sections["ranges"].items():
            if col not in SPECS or SPECS[col].kind not in ("float", "int") or SPECS[col].section == "target":
                problems.append(f"ranges.{col}: not a numeric recipe input column")
            elif (counted := _range_count(col, spec, limits, problems)) is not None:
                ranges.append((col, *counted))
        names = [c for c, _ in dims] + [c for c, *_ in ranges]
        for dup in {c for c in names if names.count(c) > 1} | (set(names) & set(fixed)):
            problems.append(f"{dup}: given more than once (fixed, choices and ranges must not overlap)")
        size = math.prod([len(o) for _, o in dims] + [n for *_, n in ranges])
        if not problems and size > limits.max_size:
            problems.append(f"the grid has {size:.3g} candidates, above the limit of {limits.max_size:,} "
                            f"{limits.size_name}; fix more columns or use fewer values")
        constraints = []
        for text in sections["constraints"]:
            m = _CONSTRAINT.match(str(text))
            if not m:
                problems.append(f"constraint '{text}': write COLUMN OP NUMBER, e.g. 'capacity_mah_g >= 190'")
                continue
            col = m.group(1)
            if col not in SPECS:
                problems.append(f"constraint '{text}': unknown column {col}")
                continue
            constraints.append(Constraint(col, m.group(2), float(m.group(3))))
        if problems:  # all of them at once, before a single range value is built
            raise SpaceError(f"{where}: {len(problems)} problem(s)\n  " + "\n  ".join(problems))
        dims += [(col, tuple(float(round(lo + k * step, 10)) for k in range(n))) for col, lo, step, n in ranges]
        return cls._typed(fixed, dims, tuple(constraints), where)

    @classmethod
    def _typed(cls, fixed: dict[str, Any], dims: list[tuple[str, tuple[Any, ...]]], constraints: tuple[Constraint, ...],
               where: str) -> SearchSpace:
        """Check every value with the recipe rules (one candidate per option) and keep it as the
        rules read it ("4.3" → 4.3, "n/a" → unknown), so every candidate can be built and predicted."""
        base = {**fixed, **{col: options[0] for col, options in dims}}
        for col, deps in DEPENDENT.items():
            if col in base and base[col] is None:
                base.update({d: None for d in deps if d in base})
        rows, where_is = [base], []
        for col, options in dims:
            for o in options:
                where_is.append((col, len(rows)))
                rows.append(base | {col: o} | ({c: None for c in DEPENDENT.get(col, ())} if o is None else {}))
        frame = pd.DataFrame(rows, dtype=object, index=range(len(rows)))
        result = check_frame(frame.where(frame.notna(), ""), first_row=1)
        if result.problems:
            raise SpaceError(f"{where}: values break the recipe rules\n  " + "\n  ".join(
                str(p).split(": ", 1)[-1] if p.row is None else str(p).replace(f"row {p.row}, ", "", 1)
                for p in result.problems))
        typed = result.frame

        def value(col: str, row: int) -> Any:
            v = typed.at[row, col]
            return None if pd.isna(v) else v.item() if isinstance(v, np.generic) else v

        options: dict[str, list[Any]] = {col: [] for col, _ in dims}
        for col, row in where_is:
            options[col].append(value(col, row))
        return cls(tuple((c, value(c, 0)) for c in fixed), tuple((c, tuple(options[c])) for c, _ in dims), constraints)

    @cached_property
    def radices(self) -> np.ndarray:
        return np.array([len(o) for _, o in self.dims], dtype=np.int64)

    @property
    def size(self) -> int:
        return math.prod(len(o) for _, o in self.dims)  # Python ints: no int64 overflow

    def index_of(self, digits: np.ndarray) -> np.ndarray:
        """Grid numbers of per-dimension option indices (rows of ``digits``)."""
        if not self.dims:
            return np.zeros(len(digits), dtype=np.int64)
        return np.ravel_multi_index(np.asarray(digits, dtype=np.int64).T, tuple(self.radices)).astype(np.int64)

    def canonical_index(self, index: np.ndarray) -> np.ndarray:
        """The one grid number of each candidate's recipe: a treatment chosen as ``none`` empties
        its dependent columns, so all their options name the same recipe — the first stands for it."""
        index = np.asarray(index, dtype=np.int64)
        if not self.dims:
            return index
        digits = list(np.unravel_index(index, tuple(self.radices)))
        position = {col: k for k, (col, _) in enumerate(self.dims)}
        for col, deps in DEPENDENT.items():
            if col not in position:
                continue
            options = self.dims[position[col]][1]
            none = np.array([o is None for o in options])[digits[position[col]]]
            for d in deps:
                if d in position:
                    digits[position[d]] = np.where(none, 0, digits[position[d]])
        return np.ravel_multi_index(digits, tuple(self.radices)).astype(np.int64)

    def candidates(self, index: np.ndarray) -> pd.DataFrame:
        """The candidates with these grid numbers, as a recipe frame (fixed columns + one per dim)."""
        index = np.asarray(index, dtype=np.int64)
        cols: dict[str, Any] = {c: np.repeat(np.array([v], dtype=object), len(index)) for c, v in self.fixed}
        if self.dims:
            digits = np.unravel_index(index, tuple(self.radices))
            for (col, options), digit in zip(self.dims, digits):
                cols[col] = np.array(options, dtype=object)[digit]
        frame = pd.DataFrame(cols, index=range(len(index)))
        for col, deps in DEPENDENT.items():
            if col in frame and frame[col].isna().any():
                none = frame[col].isna()
                for d in deps:
                    if d in frame:
                        frame.loc[none, d] = np.nan
        for col in frame:
            if SPECS[col].kind in ("float", "int"):
                frame[col] = pd.to_numeric(frame[col])
        return frame

    def value_for(self, target: str, preds: pd.DataFrame, maximize: bool, risk: str) -> pd.Series:
        """Risk-adjusted prediction: the unfavourable bound (pessimistic), the point, or the favourable one."""
        if risk == "mean":
            return preds[f"{target}_pred"]
        lower = (risk == "pessimistic") == maximize
        col = f"{target}_{'lower' if lower else 'upper'}"
        return preds[col].fillna(preds[f"{target}_pred"])  # no interval (tiny data) → the point

    def violations(self, candidates: pd.DataFrame, preds: pd.DataFrame, risk: str) -> dict[str, np.ndarray]:
        """Per constraint (named as the user wrote it, with the bound a target constraint is
        applied to), the candidates that break it."""
        out: dict[str, np.ndarray] = {}
        for c in self.constraints:
            if c.column in TARGETS:
                at_least = c.op in (">=", ">")
                ok = c.mask(self.value_for(c.column, preds, at_least, risk))
                bound = "point prediction" if risk == "mean" else \
                    f"{'lower' if (risk == 'pessimistic') == at_least else 'upper'} interval bound"
                name = f"{c} ({bound})"
            elif c.column in candidates:
                # An empty recipe value means "not applicable" (no coating → no coating amount): it passes.
                ok, name = c.mask(candidates[c.column]) | candidates[c.column].isna().to_numpy(), str(c)
            else:
                ok, name = np.zeros(len(candidates), dtype=bool), str(c)
            out[name] = out.get(name, np.zeros(len(candidates), dtype=bool)) | ~ok
        return out

    def feasible(self, candidates: pd.DataFrame, preds: pd.DataFrame, risk: str) -> np.ndarray:
        ok = np.ones(len(candidates), dtype=bool)
        for broken in self.violations(candidates, preds, risk).values():
            ok &= ~broken
        return ok


def load_space(path: str | Path) -> SearchSpace:
    """Read and validate a YAML/JSON space file (clear errors, never a traceback)."""
    from cathodeml.training.config import read_yaml

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    return SearchSpace.from_dict(read_yaml(path, SpaceError), where=str(path))


def parse_objectives(text: str) -> list[tuple[str, bool]]:
    """``retention_pct:max,capacity_mah_g:max`` → [(target, maximize), …]."""
    out = []
    for part in text.split(","):
        name, _, direction = part.strip().partition(":")
        if name not in TARGETS or direction not in ("max", "min"):
            raise SpaceError(f"objective '{part.strip()}': write TARGET:max or TARGET:min with TARGET in {', '.join(TARGETS)}")
        out.append((name, direction == "max"))
    if not out:
        raise SpaceError("no objective given")
    return out
