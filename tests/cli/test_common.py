"""The one error handler: a mistake is one clear line and an exit code, never a traceback;
a bug still propagates."""

import pytest
import typer
from typer.testing import CliRunner

from cathodeml.cli.common import RichProgress, USAGE, command, refuse_same_file
from cathodeml.errors import ConfigError, ModelNotFoundError, Problem, RecipeValidationError


def _app(exc: BaseException) -> typer.Typer:
    app = typer.Typer()

    @command(app, "go")
    def go() -> None:
        raise exc

    @command(app, "other")  # two commands: typer then dispatches by name
    def other() -> None:
        pass

    return app


@pytest.mark.parametrize(
    ("exc", "code", "text"),
    [(RecipeValidationError("lab.csv", [Problem(3, "v_max", "45", "is outside 1.5–5 V")], ["extra"]), 1,
      "lab.csv: 1 problem(s)\n  row 3, column v_max: '45' is outside 1.5–5 V\nignored columns (kept, not used): extra"),
     (ConfigError("train.yaml: 1 problem(s)"), USAGE, "error: train.yaml: 1 problem(s)"),
     (ModelNotFoundError("no model at x"), 1, "error: no model at x"),
     (FileNotFoundError("lab.csv: no such file"), 1, "error: lab.csv: no such file"),
     (PermissionError("out.csv: permission denied"), 1, "error: out.csv: permission denied")],
)
def test_errors_become_a_message_and_an_exit_code(exc, code, text):
    res = CliRunner().invoke(_app(exc), ["go"])
    assert res.exit_code == code
    assert text in res.output and "Traceback" not in res.output


def test_a_bug_is_not_disguised():
    res = CliRunner().invoke(_app(KeyError("bug")), ["go"])
    assert isinstance(res.exception, KeyError)


def test_an_output_that_is_an_input_is_refused(tmp_path):
    f = tmp_path / "a.csv"
    with pytest.raises(typer.Exit) as info:
        refuse_same_file(tmp_path / "." / "a.csv", None, f)
    assert info.value.exit_code == USAGE
    refuse_same_file(tmp_path / "b.csv", f, None)  # another file is fine


def test_progress_adapter_counts_to_the_total():
    p = RichProgress()
    p.start(3, "cross-validating")
    for _ in range(3):
        p.advance()
    task = p.bar.tasks[0]
    p.stop()
    assert (task.completed, task.total, task.description) == (3, 3, "cross-validating")
