"""What a search evaluated, what it dropped and why, and which candidates the model cannot tell apart.

"No feasible candidate" is only actionable with its reasons: which constraint removed how many
candidates, and which domain rule (``anneal_temp_c above training max 600 °C``) removed how many
more. And a Pareto set of pairs that differ only in a column the model does not respond to
(four anneal temperatures, one prediction) wastes the lab's attention: such candidates are
collapsed into one row that says what varied without changing the prediction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cathodeml.models.domain import count_reasons
from cathodeml.recommend.space import SearchSpace
from cathodeml.schema import PREDICTION_SUFFIXES, SPECS, TARGET_NAMES

#: Relative tolerance under which two predictions (and interval bounds) count as the same: below
#: the four significant digits the tables show.
SAME_RTOL = 1e-4


@dataclass
class SearchReport:
    """Counts over the *distinct* recipes a search evaluated (NSGA-II revisits some, and grid
    points of a "none" treatment that differ only in its emptied amount are one recipe)."""

    grid_size: int
    trials: int
    asked: int  # the n of the request
    allow_out_of_domain: bool = False
    evaluated: int = 0
    feasible: int = 0
    infeasible: int = 0  # breaking at least one constraint
    constraints: Counter[str] = field(default_factory=Counter)  # constraint → candidates breaking it
    out_of_domain: int = 0
    domain_reasons: Counter[str] = field(default_factory=Counter)  # reason → candidates it applies to
    pareto: int = 0  # Pareto-optimal candidates found
    distinct: int = 0  # of them, the ones the model can tell apart
    returned: int = 0

    def add(self, space: SearchSpace, cands: pd.DataFrame, preds: pd.DataFrame, ok: np.ndarray, risk: str,
            seen: set[int]) -> None:
        """Count the recipes of one generation not counted before (``seen`` holds their keys)."""
        keys = recipe_keys(cands).to_numpy()
        _, first = np.unique(keys, return_index=True)
        new = np.array([i for i in sorted(first) if int(keys[i]) not in seen], dtype=np.int64)
        if not len(new):
            return
        seen.update(int(keys[i]) for i in new)
        c, p = cands.iloc[new].reset_index(drop=True), preds.iloc[new].reset_index(drop=True)
        broken = space.violations(c, p, risk)
        self.evaluated += len(new)
        self.feasible += int(ok[new].sum())
        self.infeasible += int(np.any(np.stack(list(broken.values())), axis=0).sum()) if broken else 0
        self.constraints.update({name: int(mask.sum()) for name, mask in broken.items() if mask.any()})
        if "in_domain" in p:
            outside = ~p["in_domain"].to_numpy(dtype=bool)
            self.out_of_domain += int(outside.sum())
            self.domain_reasons.update(count_reasons(p.loc[outside, "domain_notes"]))

    def lines(self) -> list[str]:
        """The report as sentences, most frequent reason first."""
        out = [f"evaluated {self.evaluated:,} distinct recipes in {self.trials:,} trials (grid of {self.grid_size:,} points)"]
        if self.infeasible:
            out.append(f"{self.infeasible:,} break a constraint: " + _counts(self.constraints))
        if self.out_of_domain:
            verb = "kept, flagged (--allow-out-of-domain)" if self.allow_out_of_domain else "dropped"
            out.append(f"{self.out_of_domain:,} outside the training domain, {verb}: " + _counts(self.domain_reasons))
        whole = f" (the whole Pareto set; {self.asked:,} asked)" if self.returned < self.asked else ""
        out.append(f"{self.feasible:,} feasible; Pareto set {self.pareto:,} recipes, {self.distinct:,} the model "
                   f"can tell apart; {self.returned:,} returned{whole}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"grid_size": self.grid_size, "trials": self.trials, "asked": self.asked, "evaluated": self.evaluated,
                "feasible": self.feasible, "infeasible": self.infeasible, "constraints": dict(self.constraints),
                "out_of_domain": self.out_of_domain, "domain_reasons": dict(self.domain_reasons),
                "pareto": self.pareto, "distinct": self.distinct, "returned": self.returned}


def recipe_keys(cands: pd.DataFrame) -> pd.Series:
    """One number per distinct recipe: grid points that differ only in columns a "none" treatment
    empties (the amount of no coating) are one recipe, and count once."""
    return pd.util.hash_pandas_object(cands, index=False)


def _counts(counter: Counter[str]) -> str:
    return "; ".join(f"{name}: {n:,}" for name, n in counter.most_common())


def prediction_matrix(preds: pd.DataFrame) -> np.ndarray:
    """Every prediction and interval bound of a frame, as floats (NaN = no interval)."""
    cols = [c for c in preds.columns if c.endswith(PREDICTION_SUFFIXES)]
    return preds[cols].to_numpy(dtype=float)


def same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise: do prediction rows ``a`` equal ``b`` (broadcast) to :data:`SAME_RTOL`?"""
    return np.isclose(a, b, rtol=SAME_RTOL, atol=1e-9, equal_nan=True).all(axis=-1)


def groups(preds: pd.DataFrame) -> list[list[int]]:
    """Positions of rows with the same predictions and domain verdict, in first-seen order."""
    values = prediction_matrix(preds)
    verdict = preds["in_domain"].to_numpy(dtype=bool) if "in_domain" in preds else np.ones(len(preds), bool)
    out: list[list[int]] = []
    for i in range(len(preds)):
        for g in out:
            if verdict[g[0]] == verdict[i] and same(values[i], values[g[0]]):
                g.append(i)
                break
        else:
            out.append([i])
    return out


def describe(space: SearchSpace, varied: dict[str, set[int]], targets: list[str]) -> str:
    """``anneal_temp_c 300–600 °C give the same retention and capacity predictions`` from option
    positions per column."""
    parts = []
    for col, positions in varied.items():
        options = dict(space.dims)[col]
        ordered = sorted(positions)
        values = ["none" if options[k] is None else f"{options[k]:g}" if isinstance(options[k], float) else str(options[k])
                  for k in ordered]
        unit = SPECS[col].unit if SPECS[col].unit not in ("", "-") else ""
        contiguous = ordered == list(range(ordered[0], ordered[-1] + 1))
        shown = f"{values[0]}–{values[-1]}" if contiguous and len(values) > 2 else ", ".join(values)
        parts.append(f"{col} {shown}{' ' + unit if unit and 'none' not in values else ''}")
    names = [TARGET_NAMES[t] for t in targets]
    what = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return ", ".join(parts) + f" give the same {what} prediction{'s' if len(names) > 1 else ''}"
