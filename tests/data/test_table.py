"""From records to a table (cathodeml.data.table): the header found, every cell placed, files that
are not tables refused with one message."""

from __future__ import annotations

import pytest

from tests.data.files import messages, write, xlsx


# ---- CSV: nothing silently changed ---------------------------------------------------------


def test_duplicated_header_is_an_error(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max,v_max\nNCM811,4.3,4.4\n")
    assert messages(p) == ["column v_max: appears more than once in the header"]


def test_a_cell_beyond_the_header_is_an_error_not_dropped(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max\nNCM811,4.3,,5\nNCM622,4.4\n")
    assert messages(p) == ["row 2: '5' is beyond the header's last column (2 columns); give the column a name or delete the cell"]


def test_values_under_a_nameless_header_cell_are_an_error(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,,v_max\nNCM811,x,4.3\n")
    assert messages(p) == ["row 1, column 2 (no header): has no name in the header but holds values "
                           "(first at row 2: 'x'); name the column or delete it"]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("r.csv", b"", "is empty (0 bytes)"),
        ("r.csv", b"\n\n  \n", "has no header row: the file holds only blank rows"),
        ("r.csv", bytes(range(256)) * 8, "is not UTF-8 text: row 2 holds byte 0x80"),  # a binary file
        ("r.csv", b"\x89PNG\r\n\x1a\n" + bytes(100), "is a PNG image, not a table"),
        ("r.xls", b"cathode,v_max\nNCM811,4.3\n", "is a text file named .xls, not a workbook; if it is a table, rename it .csv"),
        ("r.xls", b"<html><table><tr><td>cathode</td></tr></table></html>", "is an HTML/XML file named .xls"),
        ("r.xlsx", b"cathode,v_max\n", "is a text file named .xlsx"),
        ("r.xlsx", b"", "is empty (0 bytes)"),
    ],
)
def test_not_a_table_is_one_clear_message(tmp_path, name, data, expected):
    (m,) = messages(write(tmp_path, name, data))
    assert m.startswith(expected), m


@pytest.mark.parametrize("make", ["csv", "xlsx"])
def test_title_row_above_the_header(tmp_path, make):
    rows = [["Recipes of 2024"], [], ["cathode", "v_max"], ["NCM811", 4.3]]
    p = xlsx(tmp_path, rows) if make == "xlsx" else write(tmp_path, "r.csv", "Recipes of 2024\n\ncathode,v_max\nNCM811,4.3\n")
    assert messages(p) == ["the header seems to be on row 3, not row 1 (which holds 'Recipes of 2024'); "
                           "delete the rows above the header"]


def test_missing_cathode_column_is_one_message(tmp_path):
    p = write(tmp_path, "r.csv", "v_max,coating\n" + "4.3,Al2O3\n" * 8)
    assert messages(p) == ["column cathode: is missing from the header (and so is ni_frac): add a cathode column "
                           "with a formula or shorthand, or the ni_frac…al_frac columns"]


def test_empty_cathode_cells_are_still_reported_per_row(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max\nNCM811,4.3\n,4.3\n")
    assert messages(p) == ["row 3, column cathode: is empty and so is ni_frac: give a formula, a shorthand or the fractions"]
