"""Versioned lab datasets: validated appends, every problem listed and nothing appended on one,
sha256 per state, removal of the latest version, and the shipped dataset never touched."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cathodeml.data.dataset import dataset_path, sha256_bytes
from cathodeml.data.io import read_recipes
from cathodeml.data.labs import LabStore, check_name, table_bytes
from cathodeml.errors import DatasetError, RecipeValidationError

ROW = {"record_id": "demo-b01-01", "source": "lab:demo/batch-01", "cathode": "NCM811", "coating": "Al2O3",
       "coating_wt_pct": "1", "electrolyte": "liquid", "cell_type": "half", "v_min": "2.8", "v_max": "4.3",
       "capacity_c_rate": "0.1", "cycle_c_rate": "1", "cycles": "100", "rct_after_cycles": "100",
       "capacity_mah_g": "201.5", "retention_pct": "88.25", "rct_ohm": "55.5", "furnace": "F2"}


def rows(batch: int, n: int, **extra) -> list[dict]:
    return [ROW | {"record_id": f"demo-b{batch:02d}-{i:02d}", "source": f"lab:demo/batch-{batch:02d}",
                   "coating_wt_pct": str(0.5 * (i + 1))} | extra for i in range(n)]


@pytest.fixture
def shipped_bytes():
    before = dataset_path().read_bytes()
    yield before
    assert dataset_path().read_bytes() == before  # the shipped dataset is never written


def test_add_creates_version_1_with_its_sha256_and_counts(write_csv, shipped_bytes):
    path = write_csv(rows(1, 3) + rows(2, 2), "batch.csv")
    added = LabStore().add(path, "demo")
    v = added.version
    stored = added.dataset.folder / v.file
    assert (v.version, v.rows, v.rows_added, v.parent) == (1, 5, 5, None)
    assert v.sha256 == sha256_bytes(stored.read_bytes())
    assert v.added_sha256 == sha256_bytes(path.read_bytes())
    assert v.rows_per_source == {"lab:demo/batch-01": 3, "lab:demo/batch-02": 2}
    assert added.ignored_columns == ["furnace"]
    manifest = json.loads((added.dataset.folder / "manifest.json").read_text())
    assert manifest["versions"][0]["sha256"] == v.sha256


def test_the_stored_table_reads_back_as_the_file_did(write_csv):
    path = write_csv(rows(1, 4), "batch.csv")
    added = LabStore().add(path, "demo")
    given = read_recipes(path, dataset=True)
    stored = LabStore().get("demo").load()
    pd.testing.assert_frame_equal(stored[given.columns], given, check_dtype=False)
    assert table_bytes(stored) == (added.dataset.folder / added.version.file).read_bytes()  # a fixed point


def test_a_second_add_appends_and_unites_extra_columns(write_csv):
    store = LabStore()
    store.add(write_csv(rows(1, 2), "a.csv"), "demo")
    second = [r | {"operator": "AB"} for r in rows(2, 3)]
    for r in second:
        del r["furnace"]
    added = store.add(write_csv(second, "b.csv"), "demo")
    assert (added.version.version, added.version.rows, added.version.rows_added, added.version.parent) == (2, 5, 3, 1)
    assert added.new_columns == ["operator"]
    table = store.get("demo").load()
    assert list(table.columns[-2:]) == ["furnace", "operator"]
    blank = lambda c: int(table[c].fillna("").eq("").sum())  # noqa: E731 (extra columns are kept as text)
    assert blank("operator") == 2 and blank("furnace") == 3
    assert store.get("demo").path(1).is_file()  # version 1 is still there as it was


def test_a_bad_file_lists_every_problem_and_appends_nothing(write_csv, shipped_bytes):
    store = LabStore()
    store.add(write_csv(rows(1, 2), "a.csv"), "demo")
    folder = store.get("demo").folder
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    bad = rows(2, 4)
    bad[0]["v_max"] = "43"  # a reader rule
    bad[1]["record_id"] = "demo-b01-00"  # already in version 1
    bad[2]["source"] = "10.1039/d5eb00018a"  # a literature paper
    bad[3]["retention_pct"] = ""
    bad[3]["capacity_mah_g"] = ""
    bad[3]["rct_ohm"] = ""  # no measured target
    with pytest.raises(RecipeValidationError) as exc:
        store.add(write_csv(bad, "bad.csv"), "demo")
    text = str(exc.value)
    assert "row 2, column v_max" in text
    assert "'demo-b01-00' is already in lab 'demo' (version 1)" in text
    assert "'10.1039/d5eb00018a' is a paper of the shipped literature dataset" in text
    assert "row 5: has no measured target" in text
    assert len(exc.value.problems) == 4
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # nothing appended, nothing rewritten


def test_a_bad_first_file_creates_no_version(write_csv):
    with pytest.raises(RecipeValidationError):
        LabStore().add(write_csv([ROW | {"record_id": "s000-001"}], "a.csv"), "demo")  # a literature record id
    assert not LabStore().exists("demo")


def test_control_columns_are_refused_in_a_dataset(write_csv):
    with pytest.raises(RecipeValidationError, match="control_retention_pct: describes a prediction request"):
        LabStore().add(write_csv([ROW | {"control_retention_pct": "80"}], "a.csv"), "demo")


def test_remove_undoes_the_latest_version_and_never_reuses_its_number(write_csv, shipped_bytes):
    store = LabStore()
    store.add(write_csv(rows(1, 2), "a.csv"), "demo")
    store.add(write_csv(rows(2, 2), "b.csv"), "demo")
    with pytest.raises(DatasetError, match="version 1 is not the latest"):
        store.remove("demo", 1)
    left = store.remove("demo", 2)
    assert left.current.version == 1 and left.versions[1].removed
    assert not (left.folder / "v0002.csv").exists()
    with pytest.raises(DatasetError, match="version 2 was removed"):
        store.get("demo").load(2)
    again = store.add(write_csv(rows(3, 1), "c.csv"), "demo")
    assert (again.version.version, again.version.parent, again.version.rows) == (3, 1, 3)
    assert store.remove("demo") is None and store.names() == []


def test_unknown_labs_versions_and_names_are_clear_errors():
    with pytest.raises(DatasetError, match="no lab dataset 'nope'.*cathodeml data add FILE --lab nope"):
        LabStore().get("nope")
    for name in ("", "Bad Name", "../up", "x" * 64):
        with pytest.raises(DatasetError, match="lab name"):
            check_name(name)
