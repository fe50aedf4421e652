"""`cathodeml explain`'s folder: attributions, counterfactuals and plots, consistent with each other."""

import numpy as np
import pandas as pd

from cathodeml.explain.report import write_explanation
from cathodeml.features.base import GROUPS


def test_writes_every_file_from_one_explanation(model, shipped_frame, tmp_path):
    recipes = shipped_frame.iloc[[0, 40, 80]].reset_index(drop=True)
    exp = write_explanation(model, recipes, tmp_path / "out", waterfalls=1)
    out = tmp_path / "out"
    treatments = pd.read_csv(out / "treatments.csv")
    assert len(treatments) == 3 * len(model.targets) * len(GROUPS)
    expected = exp.treatments()
    assert treatments["record_id"].astype(str).tolist() == expected["record_id"].tolist()
    np.testing.assert_allclose(treatments["value"], expected["value"], rtol=1e-5, atol=1e-9)  # 6 digits in the CSV
    assert set(pd.read_csv(out / "features.csv")["target"]) == set(model.targets)
    cf = pd.read_csv(out / "counterfactuals.csv")
    assert set(cf["record_id"]) <= set(recipes["record_id"])
    waterfalls = sorted(p.name for p in (out / "waterfalls").iterdir())
    assert waterfalls == sorted(f"0001_{t}.png" for t in model.targets)  # the first recipe's only
    for t in model.targets:
        assert (out / f"beeswarm_{t}.png").stat().st_size > 1000
    assert (out / "global_treatment_importance.png").stat().st_size > 1000
