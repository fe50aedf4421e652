"""Workbooks (cathodeml.data.excel) are read as displayed, or refused naming the cell."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from cathodeml.data.io import check_file, read_recipes
from tests.data.files import messages, write, xlsx


# ---- CSV: nothing silently changed ---------------------------------------------------------


def test_zip_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "r.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("notes.txt", "hello")
    assert messages(p) == ["is a zip archive but not an Excel workbook (it has no xl/workbook.xml)"]


def test_truncated_xlsx(tmp_path):
    good = xlsx(tmp_path, [["cathode"], ["NCM811"]])
    p = write(tmp_path, "cut.xlsx", good.read_bytes()[:700])
    (m,) = messages(p)
    assert m.startswith("is a zip archive but not a complete Excel workbook") or m.startswith("cannot be read as an Excel")


def test_workbook_under_a_csv_name(tmp_path):
    p = write(tmp_path, "r.csv", xlsx(tmp_path, [["cathode"], ["NCM811"]]).read_bytes())
    assert messages(p) == ["is an Excel workbook (.xlsx) saved under a .csv name; rename it .xlsx"]


@pytest.mark.parametrize("code", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!"])
def test_excel_error_cells_are_errors_naming_the_cell(tmp_path, code):
    p = xlsx(tmp_path, [["cathode", "v_max"], ["NCM811", 4.3], ["NCM622", 4.4]], errors=[("B3", code)])
    assert messages(p) == [f"row 3, column v_max: '{code}' is an Excel error value; fix the formula or clear the cell"]


def test_formula_without_a_saved_value_is_an_error(tmp_path):
    p = xlsx(tmp_path, [["cathode", "v_max"], ["NCM811", "=4.3*1"]])  # openpyxl saves no computed value
    assert messages(p) == ["row 2, column v_max: '=4.3*1' is a formula without a saved value (the file was written "
                           "by a program that does not calculate); open and save it in Excel, or paste the values"]


def test_percent_cells_are_read_as_displayed(tmp_path):
    p = xlsx(tmp_path, [["cathode", "retention_pct", "coating_wt_pct", "li_loss_pct", "coating"], ["NCM811", 0.905, 0.05, 0.02, "Al2O3"]],
             formats={"B2": "0.0%", "C2": "0%", "D2": '0.00"%"'})
    frame = read_recipes(p)
    # shown as 90.5 %, 5 % (read 90.5, 5); a literal "%" in quotes does not scale (0.02 is shown, 0.02 read)
    assert (frame.loc[0, "retention_pct"], frame.loc[0, "coating_wt_pct"], frame.loc[0, "li_loss_pct"]) == (90.5, 5.0, 0.02)


def test_percent_formatted_fraction_column_is_a_range_error(tmp_path):
    p = xlsx(tmp_path, [["cathode", "ni_frac"], ["NCM811", 0.8]], formats={"B2": "0%"})
    assert messages(p) == ["row 2, column ni_frac: '80' is outside 0–1 — a fraction 0–1 — is it in %?"]


def test_numeric_header_cells_are_column_names(tmp_path):
    p = xlsx(tmp_path, [["cathode", 2024, 4.5], ["NCM811", 1, 2]])
    result = check_file(p)
    assert result.problems == [] and result.ignored_columns == ["2024", "4.5"]


def test_xls_is_read(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("recipes")
    for j, v in enumerate(["cathode", "v_max", "retention_pct", "cycles"]):
        sheet.write(0, j, v)
    sheet.write(1, 0, "NCM811")
    sheet.write(1, 1, 4.3)
    sheet.write(1, 2, 0.9, xlwt.easyxf(num_format_str="0%"))
    sheet.write(1, 3, 100)
    path = tmp_path / "r.xls"
    book.save(str(path))
    frame = read_recipes(path)
    assert (frame.loc[0, "cathode"], frame.loc[0, "v_max"], frame.loc[0, "retention_pct"], frame.loc[0, "cycles"]) == (
        "NCM811", 4.3, 90.0, 100)


def test_xlsx_rows_are_the_sheets_rows(tmp_path):
    p = xlsx(tmp_path, [["cathode", "v_max"], ["NCM811", 4.3], [], ["NCM622", 45]])
    assert messages(p) == ["row 4, column v_max: '45' is outside 1.5–5 V — is it in V?"]
