"""`cathodeml data validate | info | card`: what a user sees at the command line."""

import json

from typer.testing import CliRunner

from cathodeml.cli import app
from cathodeml.data.dataset import dataset_path, load_datacard, sha256_bytes

runner = CliRunner()

GOOD = {"record_id": "r1", "source": "10.1/x", "cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": "1",
        "v_min": "2.8", "v_max": "4.3", "capacity_mah_g": "200", "my_lab_column": "kept"}


def test_validate_good_file_names_ignored_columns(write_csv):
    result = runner.invoke(app, ["data", "validate", str(write_csv([GOOD]))])
    assert result.exit_code == 0, result.output
    assert "1 rows, no problems" in result.output
    assert "my_lab_column" in result.output


def test_validate_bad_file_lists_every_problem_without_traceback(write_csv):
    path = write_csv([GOOD, GOOD | {"record_id": "r2", "v_max": "45", "coating": "Unobtainium"}])
    before = path.read_bytes()
    result = runner.invoke(app, ["data", "validate", str(path)])
    assert result.exit_code == 1
    assert "row 3" in result.output and "v_max" in result.output and "coating" in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == before  # the user's file is never modified


def test_info_on_the_shipped_dataset_matches_its_datacard():
    card = load_datacard()
    result = runner.invoke(app, ["data", "info"])
    assert result.exit_code == 0, result.output
    assert f"v{card.version}" in result.output
    assert f"rows: {card.row_count}" in result.output
    assert "rows per electrolyte" in result.output


def test_card_fingerprints_the_file(tmp_path):
    out = tmp_path / "card.json"
    result = runner.invoke(app, ["data", "card", str(dataset_path()), "--version", "9.9.9", "-o", str(out)])
    assert result.exit_code == 0, result.output
    card = json.loads(out.read_text())
    assert card["version"] == "9.9.9"
    assert card["sha256"] == sha256_bytes(dataset_path().read_bytes())
    assert card["row_count"] == load_datacard().row_count
