"""One round of the lab loop at the command line, with the example lab file: add, list, train on
papers + lab, recommend a batch, fill it in, add it, show the lineage, remove — and a bad file
refused with every problem listed and nothing appended. The shipped dataset stays byte-identical."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.data.dataset import dataset_path
from cathodeml.data.labs import LabStore
from tests.conftest import synthetic_recipes

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "lab_ncm811_coatings.csv"
SPACE = REPO / "examples" / "lab_ncm811_coatings.yaml"
runner = CliRunner()


def cli(*args) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def shipped_unchanged():
    before = dataset_path().read_bytes()
    yield
    assert dataset_path().read_bytes() == before


def test_one_round_of_the_loop(tmp_path, shipped_unchanged):
    example = EXAMPLE.read_bytes()
    assert "version 1 — 8 rows from 2 sources" in cli("data", "add", EXAMPLE, "--lab", "demo")
    assert "demo" in cli("data", "list")
    papers = tmp_path / "papers.csv"
    synthetic_recipes(n_sources=5, per_source=6).to_csv(papers, index=False)
    config = tmp_path / "train.yaml"
    config.write_text("xgboost: {n_estimators: 20}\nn_splits: 3\n", encoding="utf-8")
    out = cli("train", "--config", config, "--data", papers, "--data", "lab:demo", "--targets", "retention_pct",
              "--lab-weight", "2")
    assert f"training on {papers} + lab:demo@1: 38 rows" in out
    assert "grouped CV on each dataset's own rows" in out and "lab:demo" in out
    assert "retention_pct: 38 rows from 7 sources, validated by grouped CV" in out

    batch = tmp_path / "batch-03.csv"
    out = cli("recommend", "--batch", 3, "--lab", "demo", "--space", SPACE, "--objectives", "retention_pct:max",
              "-o", batch)
    assert "next batch batch-03" in out and "cathodeml data add" in out
    table = pd.read_csv(batch)
    assert list(table["record_id"]) == [f"demo-batch-03-0{i}" for i in (1, 2, 3)]
    assert table["retention_pct"].isna().all() and set(table["source"]) == {"lab:demo/batch-03"}
    table.assign(retention_pct=[90.1, 88.0, 91.3]).to_csv(batch, index=False)  # "measured"
    assert "version 2 — 11 rows from 3 sources" in cli("data", "add", batch, "--lab", "demo")

    shown = cli("data", "show", "demo")
    assert "lab:demo/batch-03" in shown and "│ 1       │" in shown  # rows per source; runs that used version 1
    assert "train" in shown and "recommend-batch" in shown
    assert "registered model models:/cathodeml/1 saw version 1" in shown
    assert EXAMPLE.read_bytes() == example  # the user's file is only read

    refused = runner.invoke(app, ["data", "remove", "demo", "--version", "2"])
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert "current version: 1 (8 rows)" in cli("data", "remove", "demo", "--version", "2", "--yes")


def test_a_bad_lab_file_is_refused_with_every_problem_and_nothing_appended(tmp_path, shipped_unchanged):
    cli("data", "add", EXAMPLE, "--lab", "demo")
    folder = LabStore().get("demo").folder
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    bad = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    bad["record_id"] = [f"demo-batch-09-{i}" for i in range(len(bad))]
    bad.loc[0, "v_max"] = "43"
    bad.loc[1, "coating"] = "LiAIO2"  # capital i
    bad.loc[2, "record_id"] = "demo-batch-01-01"  # already in version 1
    bad.loc[3, "cycles"] = ""  # retention without its cycle count
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    result = runner.invoke(app, ["data", "add", str(path), "--lab", "demo"])
    assert result.exit_code == 1
    text = result.output
    assert "4 problem(s)" in text and "Traceback" not in text
    assert "row 2, column v_max" in text and "row 3, column coating" in text and "row 5, column cycles" in text
    assert "'demo-batch-01-01' is already in lab 'demo' (version 1)" in text
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert "│ demo │       1 │    8 │" in cli("data", "list")
