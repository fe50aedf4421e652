"""Property: every recipe row that check_frame accepts is featurised without error (issue 14).

Rows come from :mod:`.strategies` (shorthand, real and broken formulas of random elements, coatings,
dopants incl. D/T, numbers incl. inf/1e19/10**30, junk). Rows with a problem are left out; the rest
must give finite-or-NaN features — the promise that validation is what prediction relies on.
"""

import numpy as np
import pandas as pd
from hypothesis import event, given, settings

from cathodeml.data.recipe import Recipe
from cathodeml.data.rules import check_frame
from cathodeml.features import RecipeFeaturizer

from .strategies import examples, recipe_rows

FEATURIZER = RecipeFeaturizer().fit(check_frame(pd.DataFrame([{"cathode": "NCM811"}])).frame)


@settings(max_examples=examples(60))
@given(recipe_rows())
def test_accepted_rows_featurise_to_finite_or_nan(table):
    columns, rows = table
    res = check_frame(pd.DataFrame(rows, columns=columns))
    if any(p.row is None for p in res.problems):  # a header problem (no cathode column) refuses every row
        return
    accepted = res.frame.drop(index=sorted({p.row - 2 for p in res.problems}))
    event(f"{min(len(accepted), 3)}{'+' if len(accepted) >= 3 else ''} rows accepted")
    X = FEATURIZER.transform(accepted)
    assert X.shape == (len(accepted), FEATURIZER.n_features_out_)
    assert not np.isinf(X).any()


def test_a_featurised_recipe_is_also_a_valid_recipe_object():
    # the Recipe value object uses the same rules: a row the frame accepts builds a Recipe
    row = check_frame(pd.DataFrame([{"cathode": "LiNi0.8Og0.2O2", "dopant": "Og", "cycles": "100"}])).frame.iloc[0]
    values = {k: (None if pd.isna(v) else v) for k, v in row.items()}
    values["cycles"] = int(values["cycles"])
    assert Recipe(**values).cathode == "LiNi0.8Og0.2O2"
