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
