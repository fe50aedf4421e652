"""``cathodeml.atomic``: an output is replaced whole or not at all, and never by one of its inputs
(the commands' end-to-end cases are in tests/cli/test_output_files.py)."""

import os

import pytest

from cathodeml.atomic import check_not_input, replacing, write_text
from cathodeml.errors import OutputIsInputError


def test_a_failed_write_leaves_the_target_and_no_temporary_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("last week's results")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("chunk 5 is invalid")
    assert target.read_text() == "last week's results"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_complete_write_replaces_the_target_keeping_its_suffix_and_mode(tmp_path):
    target = tmp_path / "out.csv.gz"
    target.write_text("old")
    os.chmod(target, 0o640)
    with replacing(target) as tmp:
        assert tmp.name.endswith(".gz") and tmp.parent == tmp_path  # pandas infers the compression
        tmp.write_text("new")
    assert target.read_text() == "new" and (os.stat(target).st_mode & 0o777) == 0o640


def test_an_output_that_is_an_input_by_any_name_is_refused(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("x")
    os.link(src, tmp_path / "hard.csv")
    (tmp_path / "soft.csv").symlink_to(src)
    for name in ("hard.csv", "soft.csv", "./in.csv"):
        with pytest.raises(OutputIsInputError):
            check_not_input(tmp_path / name, None, src)
    check_not_input(tmp_path / "other.csv", src)  # a new file is fine


def test_a_read_only_target_is_left_alone(tmp_path):
    target = write_text(tmp_path / "keep.txt", "keep")
    os.chmod(target, 0o444)
    with pytest.raises(PermissionError):
        write_text(target, "overwrite")
    assert target.read_text() == "keep"
