"""The third-party doped-NCM table converts to valid recipes (read in place from ../shared)."""

import pandas as pd
import pytest

from cathodeml.data.external import read_ncm_ml_doped


@pytest.fixture
def folder(shared_dir):
    folder = shared_dir / "datasets" / "ncm-ml-doped"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found: the doped-NCM benchmark data is not beside the repository")
    return folder


def test_ncm_ml_doped_converts_every_layered_oxide_row(folder):
    frame = read_ncm_ml_doped(folder)
    data = pd.read_csv(folder / "NMC_numerical_new.csv", encoding="utf-8-sig")
    metals = data[["Ni", "Co", "Mn", "M"]].sum(axis=1)
    # computed from the source columns, not by the reader: metals 1 ± 0.02 or Li + metals 2 ± 0.02
    layered = ((metals - 1).abs() <= 0.02 + 1e-9) | ((data["Li"] + metals - 2).abs() <= 0.02 + 1e-9)
    assert list(frame.index) == list(data.index[layered])
    assert sorted(frame.attrs["excluded"]) == [f"ncmml-{i:03d}" for i in data.index[~layered]]
    assert len(frame) == 158 and frame["source"].nunique() == 54
    assert frame["capacity_mah_g"].notna().all() and frame["capacity_50_mah_g"].notna().all()
    # the first row kept is row 3 of the file (Zr-doped LiNi0.45Co0.1Mn0.43Zr0.02O2), and Li-rich
    # oxides (Li + metals = 2) are kept too
    assert frame.index[0] == 3 and frame.loc[3, "cathode"] == "Li1Ni0.45Co0.1Mn0.43Zr0.02O2"
    assert "Li1.2Ni0.128Co0.128Mn0.538Zr0.005O2" in set(frame["cathode"])


def test_excluded_rows_say_why(folder):
    excluded = read_ncm_ml_doped(folder).attrs["excluded"]
    # row 0: Li1.19Ni0.13Co0.13Mn0.49Rb0.01O2, Li + metals = 1.19 + 0.76 = 1.95
    assert "metal site of 0.76" in excluded["ncmml-000"]
