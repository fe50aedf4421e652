"""Atomic writes: a complete file or the old one, never half of either; outputs are not inputs."""

import os

import pandas as pd
import pytest

from cathodeml.atomic import check_not_input, replacing, same_file, staged_dir, write_csv, write_text
from cathodeml.errors import OutputIsInputError


def test_write_text_replaces_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_text(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with replacing(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_write_csv_is_readable_back(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    pd.testing.assert_frame_equal(pd.read_csv(write_csv(frame, tmp_path / "t.csv", index=False)), frame)


def test_same_file_sees_links_and_paths(tmp_path, monkeypatch):
    a = tmp_path / "a.csv"
    a.write_text("x")
    os.link(a, tmp_path / "hard.csv")
    (tmp_path / "soft.csv").symlink_to(a)
    monkeypatch.chdir(tmp_path)
    for other in ("hard.csv", "soft.csv", "./a.csv", a):
        assert same_file(other, a), other
        with pytest.raises(OutputIsInputError, match="refusing to overwrite the input file"):
            check_not_input(other, None, a)
    assert not same_file(tmp_path / "new.csv", a)


def test_a_staged_directory_is_swapped_in_whole(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with staged_dir(target) as stage:
        (stage / "new.txt").write_text("new")
        assert (target / "old.txt").exists()  # the old one stays until the new one is complete
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_a_complete_write_replaces_the_target_keeping_its_suffix_and_mode(tmp_path):
    target = tmp_path / "out.csv.gz"
    target.write_text("old")
    os.chmod(target, 0o640)
    with replacing(target) as tmp:
        assert tmp.name.endswith(".gz") and tmp.parent == tmp_path  # pandas infers the compression
        tmp.write_text("new")
    assert target.read_text() == "new" and (os.stat(target).st_mode & 0o777) == 0o640


def test_a_read_only_target_is_left_alone(tmp_path):
    target = write_text(tmp_path / "keep.txt", "keep")
    os.chmod(target, 0o444)
    with pytest.raises(PermissionError):
        write_text(target, "overwrite")
    assert target.read_text() == "keep"
