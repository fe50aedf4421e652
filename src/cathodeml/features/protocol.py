"""Featurizer of the test protocol: the measured numbers depend on it as much as on the recipe.

A higher upper cut-off gives more capacity and faster fade; a higher C-rate gives less capacity;
retention falls with cycles; Rct depends on when it was measured. The protocol is therefore an
input of every model, never a silent confounder.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cathodeml.schema import CellType, Electrolyte
from cathodeml.features.base import VectorizedFeaturizer, num, one_hot

class ProtocolFeaturizer(VectorizedFeaturizer):
    """Voltage window, C-rates and cycles (log scale), temperature, electrolyte, cell, EIS timing."""

    columns = ("v_min", "v_max", "capacity_c_rate", "cycle_c_rate", "cycles", "test_temp_c",
               "electrolyte", "cell_type", "rct_after_cycles")
    group = "protocol"
    _electrolytes = tuple(e.value for e in Electrolyte)

    def feature_labels(self) -> list[str]:
        return [
            "protocol_v_min", "protocol_v_max", "protocol_window_v",
            "protocol_log10_capacity_c_rate", "protocol_log10_cycle_c_rate", "protocol_log10_cycles",
            "protocol_test_temp_c",
            *(f"protocol_electrolyte_{e}" for e in self._electrolytes),
            "protocol_half_cell", "protocol_rct_after_cycles", "protocol_log10_1p_rct_after_cycles",
        ]

    def feature_sources(self) -> dict[str, tuple[str, ...]]:
        own = {"protocol_v_min": ("v_min",), "protocol_v_max": ("v_max",), "protocol_window_v": ("v_min", "v_max"),
               "protocol_log10_capacity_c_rate": ("capacity_c_rate",), "protocol_log10_cycle_c_rate": ("cycle_c_rate",),
               "protocol_log10_cycles": ("cycles",), "protocol_test_temp_c": ("test_temp_c",),
               "protocol_half_cell": ("cell_type",), "protocol_rct_after_cycles": ("rct_after_cycles",),
               "protocol_log10_1p_rct_after_cycles": ("rct_after_cycles",)}
        return {label: own.get(label, ("electrolyte",)) for label in self.feature_labels()}

    def featurize_frame(self, frame: pd.DataFrame) -> np.ndarray:
        vmin, vmax = num(frame, "v_min"), num(frame, "v_max")
        temp = num(frame, "test_temp_c")
        rct_n = num(frame, "rct_after_cycles")
        with np.errstate(divide="ignore", invalid="ignore"):
            cols = [
                vmin, vmax, vmax - vmin,
                np.log10(num(frame, "capacity_c_rate")), np.log10(num(frame, "cycle_c_rate")),
                np.log10(num(frame, "cycles")),
                temp,  # blank = 25 °C: filled by cathodeml.data.defaults before featurizing
            ]
        half = one_hot(frame["cell_type"], (CellType.half.value,))
        return np.column_stack([*cols, one_hot(frame["electrolyte"], self._electrolytes), half, rct_n, np.log10(1 + rct_n)])
