"""User files are sacred: outputs replace atomically, and no output may be one of the inputs (issue 14, item 4)."""

import os

import pytest
import yaml
from typer.testing import CliRunner

from cathodeml.cli import app
from tests.recommend.test_search import SPACE

GOOD = {"cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": "1", "v_min": "2.8", "v_max": "4.3",
        "capacity_c_rate": "0.1", "cycle_c_rate": "1", "cycles": "100"}
runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def recipes(write_csv):
    return write_csv([GOOD, GOOD | {"v_max": "4.5"}])


@pytest.fixture
def space(tmp_path):
    path = tmp_path / "space.yaml"
    path.write_text(yaml.safe_dump(SPACE))
    return path


def _aliases(tmp_path, target):
    """Other names of ``target``: a hard link, a symlink, and the same file written as ./name."""
    hard, soft = tmp_path / "hard.csv", tmp_path / "soft.csv"
    os.link(target, hard)
    os.symlink(target, soft)
    return {"hard link": hard, "symlink": soft, "dot path": f"{target.parent}/./{target.name}"}


def _no_temp_files(folder) -> bool:
    return not [p for p in folder.iterdir() if ".tmp" in p.name]


def test_predict_failure_leaves_an_existing_output_untouched(tiny_model_dir, write_csv, tmp_path):
    bad = write_csv([GOOD] * 3 + [GOOD | {"v_max": "45"}], name="bad.csv")
    out = tmp_path / "predictions.csv"
    out.write_text("last week's predictions\n")
    res = _run("predict", bad, "-o", out, "--model", tiny_model_dir, "--chunksize", "2")
    assert res.exit_code == 1 and "v_max" in res.output
    assert out.read_text() == "last week's predictions\n"
    assert _no_temp_files(tmp_path)


def test_predict_replaces_an_output_whole(tiny_model_dir, recipes, tmp_path):
    out = tmp_path / "predictions.csv"
    out.write_text("old\n")
    res = _run("predict", recipes, "-o", out, "--model", tiny_model_dir)
    assert res.exit_code == 0, res.output
    assert out.read_text().startswith("cathode,") and len(out.read_text().splitlines()) == 3
    assert _no_temp_files(tmp_path)


def test_a_read_only_output_is_not_replaced(tiny_model_dir, recipes, tmp_path):
    out = tmp_path / "keep.csv"
    out.write_text("protected\n")
    out.chmod(0o444)
    res = _run("predict", recipes, "-o", out, "--model", tiny_model_dir)
    assert res.exit_code == 1 and "read-only" in res.output
    assert out.read_text() == "protected\n"


@pytest.mark.parametrize("route", ["hard link", "symlink", "dot path"])
@pytest.mark.parametrize("command", ["predict", "featurize"])
def test_output_that_is_the_input_by_any_route_is_refused(tiny_model_dir, recipes, tmp_path, route, command):
    before = recipes.read_bytes()
    out = _aliases(tmp_path, recipes)[route]
    args = ["--model", tiny_model_dir] if command == "predict" else []
    res = _run(command, recipes, "-o", out, *args)
    assert res.exit_code == 2 and "refusing to overwrite the input" in res.output, res.output
    assert recipes.read_bytes() == before


def test_data_card_does_not_overwrite_its_input(synthetic_csv, tmp_path):
    before = synthetic_csv.read_bytes()
    hard = tmp_path / "card.json"
    os.link(synthetic_csv, hard)
    res = _run("data", "card", synthetic_csv, "--version", "1.0.0", "-o", hard)
    assert res.exit_code == 2 and "refusing to overwrite the input" in res.output
    assert synthetic_csv.read_bytes() == before


@pytest.mark.parametrize("command", ["recommend", "screen"])
def test_recommend_and_screen_do_not_overwrite_the_space(tiny_model_dir, space, tmp_path, command):
    before = space.read_bytes()
    hard = tmp_path / "out.csv"
    os.link(space, hard)
    res = _run(command, "--space", space, "-o", hard, "--model", tiny_model_dir)
    assert res.exit_code == 2 and "refusing to overwrite the input" in res.output
    assert space.read_bytes() == before


def test_recommend_plot_does_not_overwrite_the_space(tiny_model_dir, tmp_path):
    space = tmp_path / "space.png"  # the plot goes to OUTPUT with .png: here, the space file itself
    space.write_text(yaml.safe_dump(SPACE))
    before = space.read_bytes()
    res = _run("recommend", "--space", space, "-o", tmp_path / "space.csv", "--model", tiny_model_dir, "--no-mlflow")
    assert res.exit_code == 2 and "refusing to overwrite the input" in res.output
    assert space.read_bytes() == before


def test_explain_does_not_overwrite_its_input_inside_the_out_folder(tiny_model_dir, write_csv, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    inp = write_csv([GOOD], name="report/treatments.csv")
    before = inp.read_bytes()
    res = _run("explain", inp, "--out", out, "--model", tiny_model_dir, "--waterfalls", "0")
    assert res.exit_code == 2 and "refusing to overwrite the input" in res.output
    assert inp.read_bytes() == before


def test_train_does_not_overwrite_its_data_inside_the_out_folder(synthetic_csv, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    data = out / "cv_table.csv"
    data.write_bytes(synthetic_csv.read_bytes())
    res = _run("train", "--data", data, "--out", out, "--no-mlflow")
    assert res.exit_code == 2 and "refusing to overwrite the input" in res.output
    assert data.read_bytes() == synthetic_csv.read_bytes()
