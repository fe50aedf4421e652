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
