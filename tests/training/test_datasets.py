"""train --data: specs, datasets concatenated with their own groups and weights, clear clashes."""

from __future__ import annotations

import numpy as np
import pytest

from cathodeml.data.dataset import dataset_path, load_datacard, sha256_bytes
from cathodeml.data.labs import LabStore
from cathodeml.errors import DatasetError
from cathodeml.training.datasets import load_data, parse_spec
from tests.conftest import synthetic_recipes
from tests.lab_tables import lab_table, write


@pytest.fixture
def papers_csv(tmp_path):
    return write(synthetic_recipes(n_sources=4, per_source=6), tmp_path / "papers.csv")


@pytest.fixture
def lab(tmp_path):
    LabStore().add(write(lab_table(2, 4).assign(furnace="F1"), tmp_path / "lab.csv"), "demo")
    return LabStore().get("demo")


def test_specs():
    assert parse_spec("literature") == ("literature", "literature", None)
    assert parse_spec("lab:demo") == ("lab", "demo", None)
    assert parse_spec("lab:demo@3") == ("lab", "demo", 3)
    assert parse_spec("my/file.csv") == ("file", "my/file.csv", None)
    with pytest.raises(DatasetError, match="lab:NAME@VERSION"):
        parse_spec("lab:demo@latest")
    with pytest.raises(DatasetError, match="lab name"):
        parse_spec("lab:Demo Lab")


def test_no_spec_is_the_shipped_dataset_with_its_own_sha256():
    data = load_data(None)
    assert data.label == f"cathodeml-literature v{load_datacard().version}"
    assert data.sha256 == sha256_bytes(dataset_path().read_bytes())
    assert data.weight is None and set(data.origin) == {"literature"}


def test_a_file_and_a_lab_train_together_with_their_own_groups_and_weight(papers_csv, lab):
    data = load_data([str(papers_csv), "lab:demo"], lab_weight=3.0)
    assert len(data.frame) == 24 + 8
    lab_rows = data.origin == "lab:demo"
    assert lab_rows.sum() == 8 and lab_rows[-8:].all()
    assert np.array_equal(data.weight, np.where(lab_rows, 3.0, 1.0))
    assert set(data.frame.loc[lab_rows, "source"]) == {"lab:demo/batch-01", "lab:demo/batch-02"}  # batches = groups
    assert [p.label for p in data.parts] == [str(papers_csv), "lab:demo@1"]
    assert data.parts[1].sha256 == lab.version().sha256
    assert data.label == f"{papers_csv} + lab:demo@1"
    assert load_data([str(papers_csv), "lab:demo"]).weight is None  # equal weights are no weights
    assert "furnace" in lab.load() and "furnace" not in data.frame  # kept in the lab's table, not trained on


def test_clashing_datasets_are_refused_with_every_clash(papers_csv, lab, tmp_path):
    clash = synthetic_recipes(n_sources=1, per_source=3)  # the same record ids and source as papers.csv
    other = write(clash, tmp_path / "other.csv")
    with pytest.raises(DatasetError) as exc:
        load_data([str(papers_csv), str(other)])
    text = str(exc.value)
    assert "3 record_id value(s) in more than one dataset" in text and "'syn-0-0' is in" in text
    assert "1 source value(s)" in text and "'10.0000/synthetic.0'" in text
    with pytest.raises(DatasetError, match="lab:demo is given more than once"):
        load_data(["lab:demo", "lab:demo@1"])
    controls = write(synthetic_recipes(n_sources=1, per_source=2).assign(control_retention_pct=80.0),
                     tmp_path / "controls.csv")
    with pytest.raises(DatasetError, match="control_retention_pct filled in"):
        load_data(str(controls))


def test_a_lab_file_changed_outside_cathodeml_is_refused(lab):
    path = lab.path()
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(DatasetError, match="changed outside cathodeml"):
        load_data("lab:demo")


def test_a_config_names_its_datasets_as_a_list_or_one_spec():
    from cathodeml.errors import ConfigError
    from cathodeml.training.config import TrainConfig

    cfg = TrainConfig.from_dict({"data": ["literature", "lab:demo"], "lab_weight": 2})
    assert cfg.data == ("literature", "lab:demo") and cfg.lab_weight == 2.0
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    assert TrainConfig.from_dict({"data": ["my.csv"]}).data == "my.csv"  # one spec stays a path
    with pytest.raises(ConfigError, match="lab_weight"):
        TrainConfig.from_dict({"lab_weight": 0})
