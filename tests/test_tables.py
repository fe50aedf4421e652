"""Output tables: the format the suffix names, or a refusal that lists the supported ones."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from cathodeml import tables
from cathodeml.errors import OutputFormatError

FRAME = pd.DataFrame({"record_id": ["007", "008"], "v_max": ["4.3", "NA"], "capacity_mah_g_pred": [201.5, 188.25],
                      "in_domain": [True, False], "domain_notes": ["", "v_max\x01 unknown"]})


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_each_suffix_writes_its_format(tmp_path, suffix):
    if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        pytest.skip("pyarrow not installed")
    path = tables.write_table(FRAME, tmp_path / f"t{suffix}")
    back = {".csv": lambda p: pd.read_csv(p, dtype={"record_id": str}),
            ".xlsx": lambda p: pd.read_excel(p, dtype={"record_id": str}),
            ".parquet": pd.read_parquet}[suffix](path)
    assert list(back.columns) == list(FRAME.columns) and len(back) == 2
    assert back["capacity_mah_g_pred"].tolist() == [201.5, 188.25]
    if suffix != ".csv":  # a canonical numeric column is a number, an id keeps its leading zeros
        assert back["v_max"].iloc[0] == 4.3 and pd.isna(back["v_max"].iloc[1])
        assert back["record_id"].astype(str).tolist() == ["007", "008"]
    if suffix == ".xlsx":
        assert path.read_bytes()[:2] == b"PK"  # a zip container, not CSV text


def test_unknown_suffix_is_refused_with_the_supported_list(tmp_path):
    with pytest.raises(OutputFormatError, match=r"\.txt.*\.csv.*\.xlsx.*\.parquet"):
        tables.write_table(FRAME, tmp_path / "t.txt")
    with pytest.raises(OutputFormatError, match="no suffix"):
        tables.table_format(tmp_path / "t")
    assert not list(tmp_path.iterdir())


def test_parquet_without_pyarrow_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(OutputFormatError, match="pip install pyarrow"):
        tables.table_format(tmp_path / "t.parquet")


def test_workbook_row_limit_is_said_before_and_while_streaming(monkeypatch, tmp_path):
    with pytest.raises(OutputFormatError, match="at most 1,048,575"):
        tables.table_format(tmp_path / "t.xlsx", n_rows=2_000_000)
    monkeypatch.setattr(tables, "XLSX_MAX_ROWS", 3)
    with pytest.raises(OutputFormatError, match="write .csv"):
        with tables.table_writer(tmp_path / "t.xlsx") as write:
            write(FRAME)
            write(FRAME)
    assert not (tmp_path / "t.xlsx").exists()


def test_csv_streams_chunks_under_one_header(tmp_path):
    with tables.table_writer(tmp_path / "t.csv") as write:
        write(FRAME)
        write(FRAME)
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert len(lines) == 5 and lines[0].startswith("record_id,")
