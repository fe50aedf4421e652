"""What every command shares: the consoles, the one error handler, progress bars, options.

A scientist never sees a Python traceback for a mistake in a spreadsheet, a missing model or a
bad option: every error cathodeml raises on purpose (:class:`~cathodeml.errors.CathodeMLError`)
and every file-system error is rendered here as one clear message with a non-zero exit code —
1 for a problem with a file, a model or the data, 2 for a bad option.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from cathodeml.errors import CathodeMLError, ConfigError, OutputIsInputError, Problem, RecipeValidationError
from cathodeml.tracking.store import masked

# Wide enough for the result tables when output goes to a file or CI log (no terminal to measure).
out = Console(width=None if sys.stdout.isatty() else 110, soft_wrap=True)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 110, soft_wrap=True)

#: Exit code of a bad option (typer's own usage errors also exit 2).
USAGE = 2


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one error line (a password in any ``scheme://user:password@host`` masked) and exit."""
    err.print(f"[bold red]error:[/] {escape(masked(message))}")
    raise typer.Exit(code)


def report_problems(path: Path | str, problems: list[Problem], ignored: list[str]) -> None:
    err.print(f"[bold red]{escape(str(path))}: {len(problems)} problem(s)[/]")
    for p in problems:
        err.print(f"  {p}", markup=False, highlight=False)
    if ignored:
        err.print(f"[yellow]ignored columns (kept, not used): {escape(', '.join(ignored))}[/]")


#: Packages whose errors mean "the tracking store cannot be used" (a server down, a driver missing):
#: rendered as one masked line, since their messages and tracebacks may carry the store's URI.
_STORE_ERRORS = ("mlflow", "sqlalchemy", "alembic", "psycopg", "psycopg2", "pymysql")


def handle_errors(func: Callable) -> Callable:
    """Render cathodeml's errors, file-system and tracking-store errors; anything else is a bug and propagates."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RecipeValidationError as exc:
            report_problems(exc.path or "input", exc.problems, exc.ignored_columns)
            raise typer.Exit(1) from None
        except (ConfigError, OutputIsInputError) as exc:
            fail(str(exc), USAGE)
        except (CathodeMLError, FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
            fail(str(exc))
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in _STORE_ERRORS:
                raise
            fail(f"MLflow tracking store: {type(exc).__name__}: {exc}")

    return wrapper


def command(app: typer.Typer, name: str) -> Callable[[Callable], Callable]:
    """Register ``func`` as command ``name`` of ``app`` behind the one error handler."""

    def decorate(func: Callable) -> Callable:
        return app.command(name)(handle_errors(func))

    return decorate


def progress(label: str):
    """The bar every long command shows (on stderr): label, bar, done/total, elapsed time."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err)


class RichProgress:
    """Adapter from the library's progress hooks (start/advance/stop) to a rich bar."""

    def __init__(self) -> None:
        self.bar = progress("{task.description}")
        self.task = None

    def start(self, total: int, description: str) -> None:
        self.bar.start()
        self.task = self.bar.add_task(escape(description), total=total)

    def advance(self) -> None:
        self.bar.advance(self.task)

    def stop(self) -> None:
        self.bar.stop()


def load_model_or_fail(model: str | None):
    from cathodeml.tracking.registry import load_model

    with err.status(f"loading model {escape(model or '(latest registered in the cathodeml home)')}"):
        return load_model(model)


def print_run(run: Any, model_uri: str | None = None) -> None:
    """Where a run went: its name and id, the store, the registered model, and how to look at it
    (``run``: anything with ``run_id``, ``run_name``, ``tracking_uri`` and ``experiment_id``)."""
    from cathodeml.tracking.store import masked
    from cathodeml.tracking.ui import where_to_look

    out.print(f"MLflow: run {escape(repr(run.run_name))} ({run.run_id}) in the store {escape(masked(run.tracking_uri))}")
    if model_uri:
        out.print(f"registered [bold]{escape(model_uri)}[/] (the default --model of predict, explain, recommend and serve)")
    out.print(escape(where_to_look(run.tracking_uri, run.experiment_id)))


def refuse_same_file(output: Path, *inputs: Path | None) -> None:
    """Refuse an output that is one of the inputs by any name (hard link, symlink, ./x): exit 2."""
    from cathodeml.atomic import check_not_input

    try:
        check_not_input(output, *inputs)
    except OutputIsInputError as exc:
        fail(str(exc), USAGE)


#: The table formats ``-o`` takes, for the options' help.
OUTPUT_FORMATS = ".csv, .xlsx or .parquet, by the suffix"

# Options several commands share, declared once so their flags and help stay the same.
ModelOption = Annotated[str | None, typer.Option("--model", help="model directory or MLflow URI (models:/cathodeml/3, runs:/…); default: latest registered")]
SpaceOption = Annotated[Path, typer.Option("--space", help="search space YAML (see docs/recommend.md)")]
RiskOption = Annotated[str, typer.Option(help="pessimistic (interval bound on the bad side) | mean | optimistic")]
OutOfDomainOption = Annotated[bool, typer.Option("--allow-out-of-domain/--no-allow-out-of-domain", help="keep candidates outside the training domain (flagged)")]
MlflowOption = Annotated[bool, typer.Option("--mlflow/--no-mlflow", help="log the run to MLflow")]
TrackingOption = Annotated[str | None, typer.Option("--tracking-uri", help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI or sqlite in the runs folder of the cathodeml home, $CATHODEML_HOME)")]
