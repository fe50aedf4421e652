"""Small lab tables for the lab-loop tests: the synthetic recipes of ``tests.conftest`` renamed as a
lab's batches (record ids ``demo-…``, sources ``lab:demo/batch-NN``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.conftest import synthetic_recipes


def lab_table(n_batches: int = 2, per_batch: int = 5, *, first_batch: int = 1, seed: int = 7, lab: str = "demo",
              rct: bool = True) -> pd.DataFrame:
    df = synthetic_recipes(n_sources=n_batches, per_source=per_batch, seed=seed)
    batch = df["source"].str.rsplit(".", n=1).str[-1].astype(int) + first_batch
    df["source"] = [f"lab:{lab}/batch-{b:02d}" for b in batch]
    df["record_id"] = [f"{lab}-b{b:02d}-{i:02d}" for i, b in zip(range(len(df)), batch)]
    df["notes"] = "synthetic lab rows for tests"
    if not rct:
        df["rct_ohm"] = None
        df["rct_after_cycles"] = None
    return df


def write(df: pd.DataFrame, path: Path) -> Path:
    df.to_csv(path, index=False)
    return path
