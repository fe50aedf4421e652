"""The spaces the targets are learnt in: a target's units are not where its errors are additive.

* ``identity`` — initial capacity (mAh/g).
* ``log10`` — Rct: it spans decades, so errors and intervals are multiplicative.
* ``fade`` — retention R (%) is learnt as ``z = ln(1 − R/100)``, the log of the capacity *lost*.
  Fade compounds: going from 98 % to 96 % is as large a change as 80 % to 60 %, and a
  model additive in z moves high retentions little and low ones much. The back-transform keeps
  R below 100 % by construction. (Grouped CV: MAE 8.9 vs 10.1 in % space; docs/training.md.)

A transform is decreasing when a higher model value means a lower target (``fade``); physics
constraints are declared in target units and flipped for such transforms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

#: Smallest capacity loss the fade transform represents (0.1 %): a retention of 100 % is read as 99.9 %.
MIN_FADE = 1e-3


@dataclass(frozen=True)
class Transform:
    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    inverse: Callable[[np.ndarray], np.ndarray]
    increasing: bool = True


def _fade_forward(r: np.ndarray) -> np.ndarray:
    return np.log(np.clip(1.0 - np.asarray(r, dtype=float) / 100.0, MIN_FADE, None))


def _fade_inverse(z: np.ndarray) -> np.ndarray:
    return 100.0 * (1.0 - np.exp(np.minimum(np.asarray(z, dtype=float), 0.0)))


TRANSFORMS: dict[str, Transform] = {
    "identity": Transform("identity", lambda y: np.asarray(y, dtype=float), lambda z: np.asarray(z, dtype=float)),
    "log10": Transform("log10", lambda y: np.log10(np.asarray(y, dtype=float)), lambda z: 10.0 ** np.asarray(z, dtype=float)),
    "fade": Transform("fade", _fade_forward, _fade_inverse, increasing=False),
}


def get_transform(name: str) -> Transform:
    if name not in TRANSFORMS:
        raise ValueError(f"transform {name!r} is not one of {', '.join(TRANSFORMS)}")
    return TRANSFORMS[name]


#: How a value in each space is written, from the target's unit: what SHAP values are in.
_SPACE_UNITS: dict[str, str] = {"identity": "{unit}", "log10": "log10({unit})", "fade": "ln(1 − R/100)"}


def space_unit(name: str, unit: str) -> str:
    """The unit of a target's model space: ``mAh/g``, ``log10(Ω)``, ``ln(1 − R/100)`` (R in %)."""
    get_transform(name)
    return _SPACE_UNITS[name].format(unit=unit)
