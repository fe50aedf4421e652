"""Regeneration and doping featurizers, against values worked out by hand (Z: Mg 12, Al 13)."""

import numpy as np
import pandas as pd
import pytest

from cathodeml.features.process import DopingFeaturizer, RegenerationFeaturizer

REGEN = RegenerationFeaturizer()
DOPE = DopingFeaturizer()


def _regen(*values) -> dict[str, float]:
    return dict(zip(REGEN.feature_labels(), REGEN.featurize(*values)))


def test_route_and_conditions():
    row = _regen("hydrothermal", "LiOH", 220.0, 12.0, 850.0, 4.0)
    assert row["regen_method_hydrothermal"] == 1 and sum(v for k, v in row.items() if k.startswith("regen_method_")) == 1
    assert [row[k] for k in ("regen_temp_c", "regen_time_h", "sinter_temp_c", "sinter_time_h")] == [220, 12, 850, 4]
    assert np.isnan(_regen(None, None, None, None, None, None)["regen_method_none"])  # unknown route
    assert _regen("none", None, None, None, None, None)["regen_method_none"] == 1  # "none" is a value


@pytest.mark.parametrize(
    ("source", "classes", "n_salts"),
    [("LiOH-LiNO3", {"hydroxide", "nitrate"}, 2), ("Li2CO3", {"carbonate"}, 1), ("LiCl+LiOH", {"halide", "hydroxide"}, 2),
     ("lithium acetate", {"organic"}, 1), ("Li2SO4", {"sulfate"}, 1), ("LiOH/LiNO3/LiCl", {"hydroxide", "nitrate", "halide"}, 3)],
)
def test_li_source_is_read_by_salt_name(source, classes, n_salts):
    row = _regen("molten_salt", source, None, None, None, None)
    assert {k.removeprefix("regen_li_") for k, v in row.items() if k.startswith("regen_li_") and k != "regen_li_n_salts" and v == 1} == classes
    assert row["regen_li_n_salts"] == n_salts


def test_frame_equals_row_by_row():
    frame = pd.DataFrame({"regen_method": ["hydrothermal", None, "none"], "regen_li_source": ["LiOH-LiNO3", None, None],
                          "regen_temp_c": [220.0, np.nan, np.nan], "regen_time_h": [4.0, np.nan, np.nan],
                          "sinter_temp_c": [800.0, np.nan, np.nan], "sinter_time_h": [np.nan, np.nan, np.nan]})
    out = REGEN.featurize_frame(frame)
    for i, row in enumerate(frame.itertuples(index=False)):
        np.testing.assert_array_equal(out[i], np.array(REGEN.featurize(*(None if pd.isna(v) else v for v in row)), dtype=np.float32))


def test_doping_absent_known_and_unknown_amount():
    labels = DOPE.feature_labels()
    frame = pd.DataFrame({"dopant": [None, "Al,Mg", "Al"], "dopant_mol_pct": [np.nan, 1.0, np.nan]})
    out = pd.DataFrame(DOPE.featurize_frame(frame), columns=labels)
    assert out.loc[0, ["dopant_present", "dopant_n_elements", "dopant_mol_pct"]].tolist() == [0, 0, 0]  # not doped
    assert out.loc[1, ["dopant_present", "dopant_n_elements", "dopant_mol_pct"]].tolist() == [1, 2, 1.0]
    assert out.loc[1, "dopant_magpie_mean_Number"] == pytest.approx((13 + 12) / 2)  # equal weights
    assert out.loc[2, "dopant_present"] == 1 and np.isnan(out.loc[2, "dopant_mol_pct"])  # doped, amount not reported
    assert set(DOPE.feature_groups().values()) == {"doping"} and set(REGEN.feature_groups().values()) == {"regeneration"}
