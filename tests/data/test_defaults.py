"""What a blank means: stated defaults equal the blank; unknowns stay unknown."""

import numpy as np
import pandas as pd

from cathodeml.data.defaults import missing_key_fields, with_defaults
from cathodeml.data.rules import check_frame


def typed(rows):
    return check_frame(pd.DataFrame(rows).astype(str).replace({"nan": "", "None": ""})).frame


def test_blank_and_stated_defaults_become_the_same_values():
    f = with_defaults(typed([{"cathode": "NCM811"}, {"cathode": "NCM811", "al_frac": 0.0, "morphology": "polycrystalline",
                                                        "history": "pristine", "regen_method": "none", "test_temp_c": 25}]))
    cols = ["ni_frac", "co_frac", "mn_frac", "al_frac", "morphology", "history", "regen_method", "test_temp_c", "li_loss_pct"]
    assert f.loc[0, cols].tolist() == f.loc[1, cols].tolist()
    assert f.loc[0, "al_frac"] == 0.0 and f.loc[0, "ni_frac"] == 0.8 and f.loc[0, "li_loss_pct"] == 0.0


def test_unknowns_stay_unknown():
    f = with_defaults(typed([{"cathode": "NCM90", "history": "spent"}]))
    assert np.isnan(f.loc[0, "co_frac"]) and np.isnan(f.loc[0, "mn_frac"])  # the name does not say
    assert np.isnan(f.loc[0, "li_loss_pct"])  # a spent cathode's Li loss is not 0 by default
    assert pd.isna(f.loc[0, "electrolyte"]) and pd.isna(f.loc[0, "cell_type"]) and np.isnan(f.loc[0, "v_max"])


def test_input_frame_is_not_modified():
    frame = typed([{"cathode": "NCM811"}])
    before = frame.copy()
    with_defaults(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_missing_key_fields_per_target():
    f = typed([{"cathode": "NCM811", "v_max": 4.3, "cycles": 100}])
    m = missing_key_fields(f, "retention_pct")
    assert m.loc[0].to_dict() == {"v_max": False, "cycle_c_rate": True, "cycles": False}


def test_the_input_frame_is_left_as_it_was_and_extra_columns_of_one_name_are_kept():
    f = typed([{"cathode": "NCM811"}, {"cathode": "NCM622", "history": "spent"}])
    f = pd.concat([f, pd.DataFrame({"note": ["a", "b"]}), pd.DataFrame({"note": ["c", "d"]})], axis=1)
    before = f.copy()
    out = with_defaults(f)
    pd.testing.assert_frame_equal(f, before)  # nothing filled into the caller's frame
    assert list(out.columns) == list(f.columns) and out.iloc[:, -2:].values.tolist() == [["a", "c"], ["b", "d"]]
    assert out["history"].tolist() == ["pristine", "spent"] and (out.dtypes.to_numpy() == f.dtypes.to_numpy()).all()
