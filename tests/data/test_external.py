"""The third-party doped-NCM table converts to valid recipes (read in place from ../shared)."""

import pytest

from cathodeml.data.external import read_ncm_ml_doped


def test_ncm_ml_doped_converts_every_row(shared_dir):
    folder = shared_dir / "datasets" / "ncm-ml-doped"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found: the doped-NCM benchmark data is not beside the repository")
    frame = read_ncm_ml_doped(folder)
    assert len(frame) == 168
    assert frame["source"].nunique() == 59
    assert frame["capacity_mah_g"].notna().all() and frame["capacity_50_mah_g"].notna().all()
    # the first row is Rb-doped Li1.19Ni0.13Co0.13Mn0.49Rb0.01O2 at 50 mA/g, 2.0–4.8 V (from the file)
    first = frame.iloc[0]
    assert first["dopant"] == "Rb" and first["v_max"] == 4.8 and first["capacity_c_rate"] == pytest.approx(0.25)
    assert first["cathode"] == "Li1.19Ni0.13Co0.13Mn0.49Rb0.01O2"
