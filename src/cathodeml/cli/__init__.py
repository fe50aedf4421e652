"""The ``cathodeml`` command line: one thin module per command group over the library.

Each command parses its options, calls one library function and prints the result; errors are
rendered by the one handler in :mod:`cathodeml.cli.common`.

Help is click's plain layout (``rich_markup_mode=None``): typer's rich panels print ``<bool>``
beside every flag, which reads as "give a value" (users typed ``--allow-out-of-domain true``);
the plain layout shows ``--flag / --no-flag`` as click and every other CLI of the ecosystem do.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cathodeml.cli import data, explain, predict, recommend, serve, train

#: ``-h`` as well as ``--help``, for every command and group (click passes it down to sub-contexts).
CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="cathodeml",
    help="Predict capacity, retention and Rct of treated Ni-rich cathodes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings=CONTEXT,
)
app.add_typer(data.app, name="data", context_settings=CONTEXT)
for sub in (predict.app, train.app, explain.app, recommend.app, serve.app):
    app.registered_commands.extend(sub.registered_commands)


def _print_version(value: bool) -> None:
    if value:
        from cathodeml import __version__

        typer.echo(f"cathodeml {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_print_version, is_eager=True,
                                          help="print the version and exit")] = False,
) -> None:
    """Predict capacity, retention and Rct of treated Ni-rich cathodes."""


def main() -> None:
    """Entry point of the ``cathodeml`` console script (a process of its own: it may quieten
    MLflow's download bars for itself)."""
    import os

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    app()


if __name__ == "__main__":
    main()
