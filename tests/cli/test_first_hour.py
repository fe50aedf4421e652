"""What a new user meets first at the command line: -h, --version, flags, error text, progress."""

from __future__ import annotations

import click
import typer
from typer.testing import CliRunner

from cathodeml import __version__
from cathodeml.cli import app

runner = CliRunner()


def _commands(cmd: click.Command, path: tuple[str, ...] = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _commands(sub, path + (name,))


def test_version_and_short_help():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"cathodeml {__version__}"
    for args in (["-h"], ["predict", "-h"], ["data", "validate", "-h"], ["data", "-h"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, (args, res.output)
        assert "Usage: cathodeml" in res.output and "-h, --help" in res.output


def test_every_boolean_option_is_a_flag_pair_and_help_shows_no_bool_value():
    root = typer.main.get_command(app)
    lonely = []
    for path, cmd in _commands(root):
        for p in cmd.params:
            if isinstance(p, click.Option) and p.is_flag and not p.is_eager and not p.secondary_opts:
                lonely.append(f"{' '.join(path)} {p.opts}")
        if path:
            text = runner.invoke(app, [*path, "--help"]).output
            assert "<bool>" not in text and "BOOLEAN" not in text, path
    assert not lonely, f"flags without their --no- form: {lonely}"
    text = runner.invoke(app, ["recommend", "--help"]).output
    assert "--allow-out-of-domain / --no-allow-out-of-domain" in text
    assert "--mlflow / --no-mlflow" in text


def test_predict_writes_the_format_the_suffix_names(tiny_model_dir, synthetic_csv, tmp_path):
    import pandas as pd

    res = runner.invoke(app, ["predict", str(synthetic_csv), "-o", str(tmp_path / "out.xlsx"), "--model", str(tiny_model_dir)])
    assert res.exit_code == 0, res.output
    book = pd.read_excel(tmp_path / "out.xlsx")
    assert len(book) == len(pd.read_csv(synthetic_csv)) and book["retention_pct_pred"].dtype.kind == "f"
    assert book["v_max"].dtype.kind == "f"  # numbers, not text, in the workbook


def test_unknown_output_suffix_is_refused_before_work_and_leaves_files_alone(tiny_model_dir, synthetic_csv, tmp_path):
    keep = tmp_path / "notes.txt"
    keep.write_text("mine")
    res = runner.invoke(app, ["predict", str(synthetic_csv), "-o", str(keep), "--model", str(tiny_model_dir)])
    assert res.exit_code == 2
    assert "'.txt' names no table format" in res.output and ".xlsx" in res.output and "Traceback" not in res.output
    assert keep.read_text() == "mine"


def test_explain_and_tune_show_progress_on_stderr(tiny_model_dir, synthetic_csv, tmp_path):
    import pandas as pd

    few = tmp_path / "few.csv"
    pd.read_csv(synthetic_csv).head(6).to_csv(few, index=False)
    res = runner.invoke(app, ["explain", str(few), "--out", str(tmp_path / "x"), "--model", str(tiny_model_dir),
                              "--waterfalls", "1", "--show", "1"])
    assert res.exit_code == 0, res.output
    steps = 4 + 3 * 2  # attributions, counterfactuals, tables, global plot; per target a beeswarm and one waterfall
    assert "explaining 6 recipes" in res.stderr and f"{steps}/{steps}" in res.stderr
    res = runner.invoke(app, ["tune", "--target", "capacity_mah_g", "--study-name", "s", "--n-trials", "1",
                              "--data", str(synthetic_csv), "--storage", f"sqlite:///{tmp_path / 'o.db'}"])
    assert res.exit_code == 0, res.output
    assert "tuning capacity_mah_g" in res.stderr and "2/2" in res.stderr  # one trial and the refit


BAD_SPACE = "fixed: {cathode: NCM811}\nranges: {coating_wt_pct: {min: 1}}\n"


def test_error_markup_is_rendered_and_plain_off_a_terminal(tmp_path):
    space = tmp_path / "bad [1].yaml"  # brackets in user text are text, not markup
    space.write_text(BAD_SPACE)
    res = runner.invoke(app, ["recommend", "--space", str(space), "-o", str(tmp_path / "r.csv")])
    assert res.exit_code == 1
    assert res.stderr.startswith("error: ") and "bad [1].yaml" in res.stderr and "expected {min: …" in res.stderr
    assert "[bold" not in res.stderr and "[/]" not in res.stderr and "\x1b[" not in res.stderr


def test_error_markup_is_styled_on_a_terminal(tmp_path):
    import os
    import subprocess
    import sys

    space = tmp_path / "bad [1].yaml"
    space.write_text(BAD_SPACE)
    env = os.environ | {"FORCE_COLOR": "1", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.run([sys.executable, "-m", "cathodeml.cli", "recommend", "--space", str(space), "-o", str(tmp_path / "r.csv")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", proc.stderr)
    assert "\x1b[1;31merror:" in proc.stderr and text.startswith("error: ") and "bad [1].yaml" in text
    assert "[bold" not in text and "[/]" not in text


def test_recommend_reports_what_it_evaluated_and_why_it_dropped(tiny_model_dir, tmp_path):
    import yaml

    from tests.recommend.test_accounting import SPACE

    space = tmp_path / "space.yaml"
    space.write_text(yaml.safe_dump(SPACE))
    args = ["recommend", "--space", str(space), "-o", str(tmp_path / "r.csv"), "--model", str(tiny_model_dir),
            "--trials", "40", "--n", "5", "--no-mlflow"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "capacity [mAh/g]" in res.stdout  # a unit in brackets is not eaten as markup
    assert "distinct recipes in 40 trials (grid of 48 points)" in res.stdout and "Pareto set" in res.stdout
    space.write_text(yaml.safe_dump(SPACE | {"constraints": ["capacity_mah_g >= 1000"]}))
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert "no feasible candidate" in res.stderr and "capacity_mah_g >= 1000 (lower interval bound)" in res.stderr
