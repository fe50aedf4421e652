import numpy as np
import pandas as pd

from cathodeml.training.rows import blanked_copies, target_rows
from tests.conftest import synthetic_frame


def test_copies_blank_the_fields_and_stay_with_their_source():
    frame = synthetic_frame(n_sources=3, per_source=4)
    rows = target_rows(frame, lambda f: pd.DataFrame({"v_max": f["v_max"].to_numpy(float)}), "retention_pct",
                       ("electrolyte", "cell_type"), copy_weight=0.5)
    assert len(rows.copy_y) == rows.n  # every synthetic row states both
    X, y, g, w, cal = rows.fit_set(np.array([0, 1]))
    assert len(y) == 4 and cal.tolist() == [True, True, False, False]
    assert g[2] == g[0] and g[3] == g[1]  # a copy keeps its source (grouped folds keep them together)
    assert w.tolist() == [1.0, 1.0, 0.5, 0.5]


def test_rows_that_state_nothing_get_no_copy():
    frame = synthetic_frame(n_sources=2, per_source=3)
    frame.loc[0, ["electrolyte", "cell_type"]] = np.nan
    copies, parent = blanked_copies(frame, ("electrolyte", "cell_type"))
    assert 0 not in parent and copies["electrolyte"].isna().all() and len(copies) == len(frame) - 1
