import hashlib

import pandas as pd
import pytest

from cathodeml.data.io import RecipeValidationError, iter_recipe_chunks, read_recipes


def test_csv_and_xlsx_read_the_same(write_csv, tmp_path):
    rows = [{"record_id": "a", "cathode": "NCM811", "v_max": "4.3", "cycles": "100"}]
    p = write_csv(rows)
    x = tmp_path / "r.xlsx"
    pd.DataFrame(rows).to_excel(x, index=False)
    a, b = read_recipes(p), read_recipes(x)
    pd.testing.assert_frame_equal(a, b)


def test_error_lists_every_problem_and_file_untouched(write_csv):
    p = write_csv([
        {"record_id": "a", "cathode": "NCM811", "v_max": "45"},
        {"record_id": "b", "cathode": "NCM812", "v_max": "4.3"},
    ])
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    with pytest.raises(RecipeValidationError) as ei:
        read_recipes(p)
    text = str(ei.value)
    assert "2 problem(s)" in text
    assert "row 2, column v_max: '45' is outside" in text
    assert "row 3, column cathode: 'NCM812'" in text
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before


def test_chunked_reader_reports_file_row_numbers(write_csv):
    rows = [{"cathode": "NCM811", "v_max": "4.3"} for _ in range(25)]
    rows[21]["v_max"] = "43"
    p = write_csv(rows)
    with pytest.raises(RecipeValidationError, match=r"row 23, column v_max"):
        list(iter_recipe_chunks(p, chunksize=10))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_recipes(tmp_path / "nope.csv")
