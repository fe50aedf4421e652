"""``cathodeml data …``: validate, inspect and describe recipe tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cathodeml.cli import labs
from cathodeml.cli.common import command, out, refuse_same_file, report_problems

app = typer.Typer(help="Validate, inspect and describe recipe tables.", no_args_is_help=True)


@command(app, "validate")
def validate(
    path: Annotated[Path, typer.Argument(help="CSV or XLSX recipe table")],
    dataset: Annotated[bool, typer.Option("--dataset/--no-dataset", help="also apply the training-dataset rules (record_id, source, a target)")] = False,
) -> None:
    """Check a recipe table; list every problem with its row and column."""
    from cathodeml.data.io import check_file

    result = check_file(path, dataset=dataset)
    if result.problems:
        report_problems(path, result.problems, result.ignored_columns)
        raise typer.Exit(1)
    out.print(f"[green]{escape(str(path))}: {len(result.frame)} rows, no problems[/]")
    if result.ignored_columns:
        out.print(f"[yellow]ignored columns (kept, not used): {escape(', '.join(result.ignored_columns))}[/]")


def _counts_table(title: str, counts: dict, value: str = "rows", fmt=str) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("value")
    t.add_column(value, justify="right")
    for k, v in counts.items():
        t.add_row(escape(str(k)), fmt(v))
    return t


@command(app, "info")
def info(path: Annotated[Path | None, typer.Argument(help="recipe table; default: the shipped dataset")] = None) -> None:
    """Rows, sources, targets and coverage of a recipe table (default: the shipped dataset)."""
    from cathodeml.data.dataset import load_datacard, load_dataset
    from cathodeml.data.info import coverage
    from cathodeml.data.io import read_recipes

    if path is None:
        frame = load_dataset()
        card = load_datacard()
        out.print(f"[bold]{escape(card.name)}[/] v{escape(card.version)} — {escape(card.description)}")
        out.print(f"sha256 {card.sha256}")
    else:
        frame = read_recipes(path)
    cov = coverage(frame)
    out.print(f"rows: {cov.rows}   sources: {cov.sources}")
    for title, counts in (
        ("rows per target", cov.per_target),
        ("rows per coating class", cov.per_coating_class),
        ("rows per Ni band (TM-site fraction)", cov.per_ni_band),
        ("rows per regeneration route", cov.per_regen_method),
        ("rows per electrolyte", cov.per_electrolyte),
    ):
        out.print(_counts_table(title, counts))
    out.print(_counts_table("column coverage (share of rows with a value)", cov.column_coverage, "filled", "{:.0%}".format))


@command(app, "card")
def card(
    path: Annotated[Path, typer.Argument(help="canonical dataset CSV")],
    version: Annotated[str, typer.Option(help="dataset version, e.g. 2.0.0")],
    name: Annotated[str, typer.Option(help="dataset name")] = "cathodeml-literature",
    description: Annotated[str, typer.Option(help="one-line description")] = "",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write the JSON here (default: stdout)")] = None,
) -> None:
    """Write the datacard (units, row count, sha256, sources) of a dataset CSV."""
    from cathodeml.data.dataset import build_datacard

    if output is not None:
        refuse_same_file(output, path)
    datacard = build_datacard(path, name=name, version=version, description=description)
    if output is None:
        typer.echo(datacard.to_json(), nl=False)
        return
    from cathodeml.atomic import write_text

    write_text(output, datacard.to_json())
    out.print(f"wrote {escape(str(output))} ({datacard.row_count} rows, {len(datacard.sources)} sources)")


app.registered_commands.extend(labs.app.registered_commands)  # add, list, show, remove: your lab's datasets
