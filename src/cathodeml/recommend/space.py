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
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cathodeml.data.rules import check_frame
from cathodeml.errors import SpaceError
from cathodeml.schema import SPECS, TARGETS

OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}
_CONSTRAINT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|>|<)\s*(-?\d+(?:\.\d*)?(?:[eE]-?\d+)?)\s*$")
#: Columns emptied when a treatment is "none".
DEPENDENT = {
    "coating": ("coating_wt_pct", "coating_thickness_nm", "coating_method", "anneal_temp_c", "anneal_time_h"),
    "dopant": ("dopant_mol_pct",),
}
_SECTIONS = ("fixed", "protocol", "choices", "ranges", "constraints")


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
    def from_dict(cls, doc: Any, where: str = "space") -> SearchSpace:
        problems: list[str] = []
        if not isinstance(doc, dict):
            raise SpaceError(f"{where}: expected a mapping with sections {', '.join(_SECTIONS)}")
        for key in doc:
            if key not in _SECTIONS:
                problems.append(f"unknown section '{key}' (known: {', '.join(_SECTIONS)})")
        fixed: dict[str, Any] = {}
        for section in ("fixed", "protocol"):
            block = doc.get(section) or {}
            if not isinstance(block, dict):
                problems.append(f"{section}: expected a mapping of column: value")
                continue
            for col, val in block.items():
                if col not in SPECS or SPECS[col].section == "target":
                    problems.append(f"{section}.{col}: not a recipe input column")
                else:
                    fixed[col] = val
        dims: list[tuple[str, tuple[Any, ...]]] = []
        for col, options in (doc.get("choices") or {}).items():
            if col not in SPECS or SPECS[col].section == "target":
                problems.append(f"choices.{col}: not a recipe input column")
            elif not isinstance(options, list) or not options:
                problems.append(f"choices.{col}: expected a non-empty list of options")
            else:
                dims.append((col, tuple(None if str(o).lower() == "none" and col in DEPENDENT else o for o in options)))
        for col, spec in (doc.get("ranges") or {}).items():
            if col not in SPECS or SPECS[col].kind not in ("float", "int") or SPECS[col].section == "target":
                problems.append(f"ranges.{col}: not a numeric recipe input column")
                continue
            if not isinstance(spec, dict) or not {"min", "max", "step"} <= set(spec):
                problems.append(f"ranges.{col}: expected {{min: …, max: …, step: …}}")
                continue
            try:
                lo, hi, step = float(spec["min"]), float(spec["max"]), float(spec["step"])
            except (TypeError, ValueError):
                problems.append(f"ranges.{col}: min, max and step must be numbers")
                continue
            if step <= 0 or hi < lo:
                problems.append(f"ranges.{col}: need min ≤ max and step > 0 (got {lo:g}, {hi:g}, {step:g})")
                continue
            n = int(np.floor((hi - lo) / step + 1e-9)) + 1
            values = tuple(float(round(lo + k * step, 10)) for k in range(n))
            dims.append((col, values))
        names = [d for d, _ in dims]
        for dup in {c for c in names if names.count(c) > 1} | (set(names) & set(fixed)):
            problems.append(f"{dup}: given more than once (fixed, choices and ranges must not overlap)")
        constraints = []
        for text in doc.get("constraints") or []:
            m = _CONSTRAINT.match(str(text))
            if not m:
                problems.append(f"constraint '{text}': write COLUMN OP NUMBER, e.g. 'capacity_mah_g >= 190'")
                continue
            col = m.group(1)
            if col not in SPECS:
                problems.append(f"constraint '{text}': unknown column {col}")
                continue
            constraints.append(Constraint(col, m.group(2), float(m.group(3))))
        if problems:
            raise SpaceError(f"{where}: {len(problems)} problem(s)\n  " + "\n  ".join(problems))
        space = cls(tuple(fixed.items()), tuple(dims), tuple(constraints))
        space._check_values(where)
        return space

    def _check_values(self, where: str) -> None:
        """Every option must pass the recipe rules (checked on one candidate per option)."""
        rows = []
        base = self.candidates(np.array([0])).iloc[0].to_dict()
        for col, options in self.dims:
            for o in options:
                rows.append(base | {col: o} | ({c: np.nan for c in DEPENDENT.get(col, ())} if o is None else {}))
        frame = pd.DataFrame(rows or [base])
        result = check_frame(frame.astype(object).where(frame.notna(), ""), first_row=1)
        if result.problems:
            raise SpaceError(f"{where}: values break the recipe rules\n  " + "\n  ".join(
                str(p).split(": ", 1)[-1] if p.row is None else str(p).replace(f"row {p.row}, ", "", 1)
                for p in result.problems))

    @cached_property
    def radices(self) -> np.ndarray:
        return np.array([len(o) for _, o in self.dims], dtype=np.int64)

    @property
    def size(self) -> int:
        return int(np.prod(self.radices)) if self.dims else 1

    def index_of(self, digits: np.ndarray) -> np.ndarray:
        """Grid numbers of per-dimension option indices (rows of ``digits``)."""
        if not self.dims:
            return np.zeros(len(digits), dtype=np.int64)
        return np.ravel_multi_index(np.asarray(digits, dtype=np.int64).T, tuple(self.radices)).astype(np.int64)

    def candidates(self, index: np.ndarray) -> pd.DataFrame:
        """The candidates with these grid numbers, as a recipe frame (fixed columns + one per dim)."""
        index = np.asarray(index, dtype=np.int64)
        cols: dict[str, Any] = {c: np.repeat(np.array([v], dtype=object), len(index)) for c, v in self.fixed}
        if self.dims:
            digits = np.unravel_index(index, tuple(self.radices))
            for (col, options), digit in zip(self.dims, digits):
                cols[col] = np.array(options, dtype=object)[digit]
        frame = pd.DataFrame(cols)
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
    import yaml

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpaceError(f"{path}: not valid YAML ({exc})") from None
    return SearchSpace.from_dict(doc, where=str(path))


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
