"""Files are read exactly as written or refused with one clear message; nothing is silently changed.

Each case writes the file a user could send and checks the message (row, column, value, reason)
and that the file is untouched (issues 14 and 15).
"""

from __future__ import annotations

import hashlib
import zipfile

import openpyxl
import pytest

from cathodeml.data.io import check_file, iter_recipe_chunks, read_recipes
from cathodeml.errors import RecipeValidationError


def messages(path) -> list[str]:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = check_file(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # the user's file is only read
    return [str(p) for p in result.problems]


def write(tmp_path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def xlsx(tmp_path, rows, name="r.xlsx", formats=None, errors=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for ref, code in errors:
        ws[ref].value, ws[ref].data_type = code, "e"
    path = tmp_path / name
    wb.save(path)
    return path


# ---- CSV: nothing silently changed ---------------------------------------------------------

def test_nul_byte_in_a_cell_is_an_error_naming_the_cell(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max\nNCM811,4\x0045\nNCM622,4.3\n")
    assert messages(p) == ["row 2, column v_max: '4\\x0045' contains a NUL character (byte 0), "
                           "which would cut the value short; remove it"]  # was read as 4.0


def test_duplicated_header_is_an_error(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max,v_max\nNCM811,4.3,4.4\n")
    assert messages(p) == ["column v_max: appears more than once in the header"]


def test_blank_lines_keep_the_files_row_numbers(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max\nNCM811,4.3\n\n\nNCM622,45\n")
    assert messages(p) == ["row 5, column v_max: '45' is outside 1.5–5 V — is it in V?"]
    assert len(read_recipes(write(tmp_path, "ok.csv", "cathode\nNCM811\n\nNCM622\n"))) == 2


def test_quoted_cell_over_two_lines_keeps_row_numbers(tmp_path):
    p = write(tmp_path, "r.csv", 'cathode,notes,v_max\nNCM811,"two\nlines",4.3\nNCM622,x,45\n')
    assert messages(p) == ["row 4, column v_max: '45' is outside 1.5–5 V — is it in V?"]


def test_trailing_comma_does_not_shift_columns(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max\nNCM811,4.3,\nNCM622,45,\n")
    assert messages(p) == ["row 3, column v_max: '45' is outside 1.5–5 V — is it in V?"]


def test_a_cell_beyond_the_header_is_an_error_not_dropped(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max\nNCM811,4.3,,5\nNCM622,4.4\n")
    assert messages(p) == ["row 2: '5' is beyond the header's last column (2 columns); give the column a name or delete the cell"]


def test_values_under_a_nameless_header_cell_are_an_error(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,,v_max\nNCM811,x,4.3\n")
    assert messages(p) == ["row 1, column 2 (no header): has no name in the header but holds values "
                           "(first at row 2: 'x'); name the column or delete it"]


def test_chunked_reader_counts_blank_lines(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max\n" + "NCM811,4.3\n\n" * 12 + "NCM622,43\n")
    with pytest.raises(RecipeValidationError, match=r"row 26, column v_max: '43'"):
        list(iter_recipe_chunks(p, chunksize=5))


def test_unclosed_quote_is_one_clear_message(tmp_path):
    p = write(tmp_path, "r.csv", 'cathode,v_max\n"NCM811,4.3\nNCM622,4.4\n')
    (m,) = messages(p)
    assert m.startswith("row 2: cannot be read as delimited text from here on") and "quote left open" in m


# ---- CSV: delimiters, decimal commas, encodings ------------------------------------------------

def test_semicolon_file_is_read_and_decimal_commas_get_a_hint(tmp_path):
    p = write(tmp_path, "r.csv", "record_id;cathode;v_max\na;NCM811;4,3\nb;NCM622;4.4\n")
    assert messages(p) == ["row 2, column v_max: '4,3' is not a number — decimal comma? write 4.3"]
    frame = read_recipes(write(tmp_path, "ok.csv", "record_id;cathode;v_max\na;NCM811;4.3\n"))
    assert frame.loc[0, "v_max"] == 4.3 and frame.loc[0, "cathode"] == "NCM811"


@pytest.mark.parametrize("sep", ["\t", "|"])
def test_tab_and_pipe_files_are_read(tmp_path, sep):
    frame = read_recipes(write(tmp_path, "r.csv", f"cathode{sep}v_max\nNCM811{sep}4.3\n"))
    assert frame.loc[0, "v_max"] == 4.3


def test_utf16_with_bom_is_read(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("cathode\tv_max\tnotes\nNCM811\t4.3\t25 °C\n", encoding="utf-16")
    frame = read_recipes(p)
    assert frame.loc[0, "notes"] == "25 °C" and frame.loc[0, "v_max"] == 4.3


def test_other_encodings_are_refused_naming_the_row(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,notes\nNCM811,ok\nNCM622,25 \xb0C\n".encode("latin-1"))
    assert messages(p) == ["is not UTF-8 text: row 3 holds byte 0xb0, which UTF-8 does not allow (a binary file, "
                           "or text in another encoding); save it as 'CSV UTF-8' or as .xlsx"]


# ---- files that are not tables ------------------------------------------------------------------

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


# ---- Excel: read as displayed or refused ----------------------------------------------------

@pytest.mark.parametrize("code", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!"])
def test_excel_error_cells_are_errors_naming_the_cell(tmp_path, code):
    p = xlsx(tmp_path, [["cathode", "v_max"], ["NCM811", 4.3], ["NCM622", 4.4]], errors=[("B3", code)])
    assert messages(p) == [f"row 3, column v_max: '{code}' is an Excel error value; fix the formula or clear the cell"]


def test_formula_without_a_saved_value_is_an_error(tmp_path):
    p = xlsx(tmp_path, [["cathode", "v_max"], ["NCM811", "=4.3*1"]])  # openpyxl saves no computed value
    assert messages(p) == ["row 2, column v_max: '=4.3*1' is a formula without a saved value (the file was written "
                           "by a program that does not calculate); open and save it in Excel, or paste the values"]


def test_percent_cells_are_read_as_displayed(tmp_path):
    p = xlsx(tmp_path, [["cathode", "retention_pct", "coating_wt_pct", "li_loss_pct"], ["NCM811", 0.905, 0.05, 0.02]],
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


def test_quoted_lines_and_a_long_row_keep_row_numbers(tmp_path):
    # the long row sends the file through the exact (csv module) path; rows stay the file's
    p = write(tmp_path, "r.csv", 'cathode,notes,v_max\nNCM811,"two\nlines",4.3,,,\nNCM622,x,45\n')
    assert messages(p) == ["row 4, column v_max: '45' is outside 1.5–5 V — is it in V?"]


def test_chunked_reader_switches_to_the_exact_path_mid_file(tmp_path):
    rows = ["NCM811,4.3"] * 30
    rows[24] = "NCM622,4.4,,,"  # more cells than the fast parser's spare column, in the third chunk
    p = write(tmp_path, "r.csv", "cathode,v_max\n" + "\n".join(rows) + "\n")
    chunks = list(iter_recipe_chunks(p, chunksize=10))
    cathodes = [c for chunk in chunks for c in chunk["cathode"]]
    assert cathodes == [r.split(",")[0] for r in rows]  # every row once, in order
