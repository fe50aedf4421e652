"""Our Magpie statistics must equal matminer's ElementProperty on the same data files."""

import numpy as np
import pytest

from cathodeml.features.elements import PROPERTIES, STATS, element_stats


@pytest.mark.parametrize("formula", ["LiNi0.8Co0.1Mn0.1O2", "LiAlO2", "Al2O3", "Li3InCl6", "C6H4O2S"])
def test_matches_matminer_element_property(formula):
    from matminer.featurizers.composition import ElementProperty
    from pymatgen.core import Composition

    ep = ElementProperty(data_source="magpie", features=list(PROPERTIES), stats=list(STATS))
    comp = Composition(formula)
    expected = np.array(ep.featurize(comp), dtype=float)
    got = element_stats({el.symbol: comp[el] for el in comp.elements})
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)


def test_unknown_statistic_is_an_error():
    with pytest.raises(ValueError, match="unknown statistic 'median'"):
        element_stats({"Ni": 1.0}, ("median",))
