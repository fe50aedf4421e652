"""Control-anchored predictions: the user's own untreated sample plus the predicted treatment effect.

A lab that measured its own untreated cathode under its own protocol knows more about the
absolute level than 104 papers do. Given ``control_T`` (see :data:`cathodeml.schema.CONTROLS`),
the prediction for target T is, in the model's space (mAh/g; log capacity loss for retention,
so an effect is a ratio of fades; log10 Ω for Rct)::

    treated = control + (f(recipe) − f(recipe without its treatments))        mode "model"
    treated = control + median effect of the literature's treated/control pairs   mode "constant"

The mode is chosen per target at training time, on the literature's treated/control pairs under
grouped CV (:mod:`cathodeml.training.anchoring`): the model's treatment-specific effect is used
only where it beats "control + the constant median effect" on the same pairs; otherwise the
constant is used and the output says so. The interval is the conformal quantile of the chosen
mode's out-of-fold errors on those pairs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Anchor:
    target: str
    mode: str  # "model" | "constant"
    median_effect: float  # model space
    halfwidth: float  # model space; NaN = too few pairs to calibrate
    n_pairs: int
    mae_model: float  # target units, literature pairs, grouped CV
    mae_constant: float
    mae_absolute: float  # the unanchored model on the same pairs

    def to_dict(self) -> dict:
        return asdict(self)

    def anchored(self, control_z: np.ndarray, effect_z: np.ndarray, treated: np.ndarray | None = None) -> np.ndarray:
        """Model-space prediction from the control's model-space value and the predicted effect.

        An untreated recipe *is* its control: its prediction is the control (effect 0).
        """
        effect = effect_z if self.mode == "model" else np.full(len(control_z), self.median_effect)
        if treated is not None:
            effect = np.where(np.asarray(treated, dtype=bool), effect, 0.0)
        return np.asarray(control_z, dtype=float) + effect

    def note(self) -> str:
        how = ("your control + the predicted effect of this treatment" if self.mode == "model" else
               "your control + the median literature effect (the model's treatment-specific effect did not beat "
               "that constant on literature pairs)")
        return f"{self.target} anchored on control_{self.target}: {how}"
