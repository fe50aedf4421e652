"""Text files (cathodeml.data.textfile): encodings, delimiters and the file's own row numbers."""

from __future__ import annotations

import pytest

from cathodeml.data.io import iter_recipe_chunks, read_recipes
from cathodeml.errors import RecipeValidationError
from tests.data.files import messages, write


# ---- CSV: nothing silently changed ---------------------------------------------------------


def test_nul_byte_in_a_cell_is_an_error_naming_the_cell(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max\nNCM811,4\x0045\nNCM622,4.3\n")
    assert messages(p) == ["row 2, column v_max: '4\\x0045' contains a NUL character (byte 0), "
                           "which would cut the value short; remove it"]  # was read as 4.0


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


def test_chunked_reader_counts_blank_lines(tmp_path):
    p = write(tmp_path, "r.csv", "cathode,v_max\n" + "NCM811,4.3\n\n" * 12 + "NCM622,43\n")
    with pytest.raises(RecipeValidationError, match=r"row 26, column v_max: '43'"):
        list(iter_recipe_chunks(p, chunksize=5))


def test_unclosed_quote_is_one_clear_message(tmp_path):
    p = write(tmp_path, "r.csv", 'cathode,v_max\n"NCM811,4.3\nNCM622,4.4\n')
    (m,) = messages(p)
    assert m.startswith("row 2: cannot be read as delimited text from here on") and "quote left open" in m


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
