"""Shared fixtures: where ../shared lives, and tiny recipe tables written to tmp files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found beside the repository ({SHARED}); third-party data tests need it")
    return SHARED


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (list of dicts) to a CSV and return its path."""
    import csv

    def _write(rows: list[dict], name: str = "recipes.csv") -> Path:
        cols: list[str] = []
        for r in rows:
            cols += [k for k in r if k not in cols]
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
        return path

    return _write


def synthetic_recipes(n_sources: int = 6, per_source: int = 10, seed: int = 0):
    """A small recipe table with known physics-like trends (for end-to-end training tests).

    capacity rises with Ni and v_max and falls with C-rate; retention falls with Ni, cycles and
    v_max and improves with a ~1 wt% Al2O3 coating (optimum); each source adds its own offset.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    rows = []
    cathodes = {"NCM622": 0.6, "NCM811": 0.8, "NCM90": 0.9}
    for s in range(n_sources):
        offset = rng.normal(0, 2)
        for i in range(per_source):
            cath = list(cathodes)[(s + i) % 3]
            ni = cathodes[cath]
            coated = i % 2 == 1
            wt = [0.5, 1.0, 2.0, 3.0][i % 4] if coated else None
            vmax = [4.3, 4.5][(i // 2) % 2]
            rate = [0.1, 1.0][(i // 3) % 2]
            cycles = [100, 200][(i // 4) % 2]
            cap = 100 + 110 * ni + 30 * (vmax - 4.3) - 12 * np.log10(rate / 0.1) + offset + rng.normal(0, 1)
            coat_gain = (8 - 4 * (wt - 1.0) ** 2) if coated else 0.0
            ret = 120 - 40 * ni - 0.05 * cycles - 20 * (vmax - 4.3) + coat_gain + offset + rng.normal(0, 1)
            rows.append({
                "record_id": f"syn-{s}-{i}", "source": f"10.0000/synthetic.{s}", "notes": "synthetic",
                "cathode": cath, "coating": "Al2O3" if coated else "", "coating_wt_pct": wt if coated else "",
                "regen_method": "none", "electrolyte": "liquid", "cell_type": "half",
                "v_min": 2.8, "v_max": vmax, "capacity_c_rate": rate, "cycle_c_rate": 1.0, "cycles": cycles,
                "rct_after_cycles": 0 if i % 2 == 0 else 100,
                "capacity_mah_g": round(cap, 2), "retention_pct": round(min(ret, 100), 2),
                "rct_ohm": round(float(10 ** (1.5 + (0.5 if i % 2 else 0) + 0.3 * ni + rng.normal(0, 0.05))), 2),
            })
    return pd.DataFrame(rows)


def synthetic_frame(**kwargs):
    """:func:`synthetic_recipes` typed by the reader's rules (as read from its CSV)."""
    from cathodeml.data.rules import check_frame

    return check_frame(synthetic_recipes(**kwargs).astype(str).replace({"nan": "", "None": ""})).frame


@pytest.fixture
def synthetic_csv(tmp_path):
    path = tmp_path / "synthetic.csv"
    synthetic_recipes().to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A model trained on the synthetic table (fast parameters), written like `train --out`."""
    from cathodeml.training.config import TrainConfig
    from cathodeml.training.reports import write_outputs
    from cathodeml.training.train import train

    out = tmp_path_factory.mktemp("tiny-model")
    frame = synthetic_frame()
    res = train(TrainConfig(xgboost={"n_estimators": 40}), frame)
    write_outputs(res, out)
    return out


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own cathodeml home: nothing is written to the user's real one."""
    home = tmp_path_factory.mktemp("cathodeml-home")
    monkeypatch.setenv("CATHODEML_HOME", str(home))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return home
