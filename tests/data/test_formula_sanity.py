"""A layered oxide has O2 and a metal site summing to 1: slipped decimals are errors (issue 15)."""

import pandas as pd
import pytest

from cathodeml.data.cathode import parse_cathode
from cathodeml.data.dataset import dataset_path
from cathodeml.data.io import check_file
from cathodeml.data.rules import check_frame
from cathodeml.errors import CathodeError


@pytest.mark.parametrize(
    ("formula", "fragment"),
    [
        ("LiNi0.8Co0.1Mn0.1O", "has O1 on the anion site; a layered oxide LiMO2 has O2"),
        ("LiNi08Co01Mn01O2", "has a metal site of 10 (Ni 8 + Co 1 + Mn 1)"),
        ("LiNi0.8Co0.2Mn0.1O2", "has a metal site of 1.1"),
        ("LiNi0.8Co0.1Mn0.1O3", "has O3 on the anion site"),
        ("Li5Ni0.8Co0.1Mn0.1O2", "has 5 Li"),
    ],
)
def test_not_a_layered_oxide_is_an_error(formula, fragment):
    with pytest.raises(CathodeError, match=fragment.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        parse_cathode(formula)
    res = check_frame(pd.DataFrame([{"cathode": formula}]))
    assert any(p.column == "cathode" and p.row == 2 for p in res.problems)


@pytest.mark.parametrize(
    "text",
    ["NCM811", "NMC622", "NCM90", "NCA", "NCMA", "LNO", "NCM71515", "NCM90505",
     "LiNi0.8Co0.1Mn0.1O2", "Li(Ni0.8Co0.1Mn0.1)0.99Ti0.01O2", "Li[Ni0.5Co0.2Mn0.3]O2",
     "Li0.98Mg0.02Ni0.94Co0.06O2",  # Mg on the Li site: metals 1.02
     "Li1.2Ni0.13Co0.13Mn0.54O2",  # Li-rich: Li + metals = 2
     "Li1.03Mo0.02Ni0.95O2", "Li1.02Ni0.8Co0.1Mn0.1O2",  # a stated Li excess, metals 1
     "Li0.963Ni0.91Co0.064Mn0.022Mg0.027O2",  # Mg on the Li site, Li + metals = 1.986
     "LiNi0.8Co0.1Mn0.1O1.98F0.02"],
)
def test_shorthand_and_real_formulas_still_read(text):
    parse_cathode(text)


def test_shipped_dataset_stays_clean():
    assert check_file(dataset_path(), dataset=True).problems == []
