"""The ``cathodeml`` command line: one thin module per command group over the library.

Each command parses its options, calls one library function and prints the result; errors are
rendered by the one handler in :mod:`cathodeml.cli.common`.
"""

from __future__ import annotations

import typer

from cathodeml.cli import data, explain, predict, recommend, serve, train

app = typer.Typer(
    name="cathodeml",
    help="Predict capacity, retention and Rct of treated Ni-rich cathodes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data.app, name="data")
for sub in (predict.app, train.app, explain.app, recommend.app, serve.app):
    app.registered_commands.extend(sub.registered_commands)


def main() -> None:
    """Entry point of the ``cathodeml`` console script (a process of its own: it may quieten
    MLflow's download bars for itself)."""
    import os

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    app()


if __name__ == "__main__":
    main()
