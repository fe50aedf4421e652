"""The ``cathodeml`` command line.

Every command reports bad input as a list of problems (row, column, value, rule) and exits
non-zero; a scientist never sees a Python traceback for a mistake in a spreadsheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cathodeml.data.cathode import CathodeError
from cathodeml.data.coatings import CoatingError
from cathodeml.data.io import RecipeValidationError

app = typer.Typer(
    name="cathodeml",
    help="Predict capacity, retention and Rct of treated Ni-rich cathodes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_app = typer.Typer(help="Validate, inspect and describe recipe tables.", no_args_is_help=True)
app.add_typer(data_app, name="data")

out = Console()
err = Console(stderr=True)


def _report_problems(path: Path, problems, ignored) -> None:
    err.print(f"[bold red]{path}: {len(problems)} problem(s)[/]")
    for p in problems:
        err.print(f"  {p}", markup=False, highlight=False)
    if ignored:
        err.print(f"[yellow]ignored columns (kept, not used): {', '.join(ignored)}[/]")


@data_app.command("validate")
def data_validate(
    path: Annotated[Path, typer.Argument(help="CSV or XLSX recipe table")],
    dataset: Annotated[bool, typer.Option("--dataset", help="also apply the training-dataset rules (record_id, source, a target)")] = False,
) -> None:
    """Check a recipe table; list every problem with its row and column."""
    from cathodeml.data.io import check_file

    result = check_file(path, dataset=dataset)
    if result.problems:
        _report_problems(path, result.problems, result.ignored_columns)
        raise typer.Exit(1)
    out.print(f"[green]{path}: {len(result.frame)} rows, no problems[/]")
    if result.ignored_columns:
        out.print(f"[yellow]ignored columns (kept, not used): {', '.join(result.ignored_columns)}[/]")


@data_app.command("info")
def data_info(
    path: Annotated[Path | None, typer.Argument(help="recipe table; default: the shipped dataset")] = None,
) -> None:
    """Rows, sources, targets and coverage of a recipe table (default: the shipped dataset)."""
    from cathodeml.data.dataset import load_datacard, load_dataset
    from cathodeml.data.info import coverage
    from cathodeml.data.io import read_recipes

    if path is None:
        frame = load_dataset()
        card = load_datacard()
        out.print(f"[bold]{card.name}[/] v{card.version} — {card.description}")
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
    ):
        t = Table(title=title, title_justify="left")
        t.add_column("value")
        t.add_column("rows", justify="right")
        for k, v in counts.items():
            t.add_row(str(k), str(v))
        out.print(t)
    t = Table(title="column coverage (share of rows with a value)", title_justify="left")
    t.add_column("column")
    t.add_column("filled", justify="right")
    for k, v in cov.column_coverage.items():
        t.add_row(k, f"{v:.0%}")
    out.print(t)


@data_app.command("card")
def data_card(
    path: Annotated[Path, typer.Argument(help="canonical dataset CSV")],
    version: Annotated[str, typer.Option(help="dataset version, e.g. 2.0.0")],
    name: Annotated[str, typer.Option(help="dataset name")] = "cathodeml-literature",
    description: Annotated[str, typer.Option(help="one-line description")] = "",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write the JSON here (default: stdout)")] = None,
) -> None:
    """Write the datacard (units, row count, sha256, sources) of a dataset CSV."""
    from cathodeml.data.dataset import build_datacard

    card = build_datacard(path, name=name, version=version, description=description)
    if output is None:
        typer.echo(card.to_json(), nl=False)
    else:
        output.write_text(card.to_json(), encoding="utf-8")
        out.print(f"wrote {output} ({card.row_count} rows, {len(card.sources)} sources)")


@app.command("featurize")
def featurize(
    path: Annotated[Path, typer.Argument(help="CSV or XLSX recipe table")],
    output: Annotated[Path, typer.Option("-o", "--output", help="where to write the feature CSV")],
) -> None:
    """Turn recipes into the named feature columns the models use (plus record_id)."""
    import pandas as pd

    from cathodeml.data.io import read_recipes
    from cathodeml.features import RecipeFeaturizer

    if output.resolve() == path.resolve():
        err.print("[bold red]error:[/] the output would overwrite the input file; choose another -o")
        raise typer.Exit(2)
    frame = read_recipes(path)
    with out.status(f"featurizing {len(frame)} recipes"):
        f = RecipeFeaturizer().fit(frame)
        X = pd.DataFrame(f.transform(frame), columns=f.get_feature_names_out())
    record_id = frame["record_id"] if frame["record_id"].notna().any() else pd.Series(range(1, len(frame) + 1))
    X.insert(0, "record_id", record_id.to_numpy())
    X.to_csv(output, index=False)
    out.print(f"wrote {output}: {len(X)} rows × {X.shape[1] - 1} features (feature set {f.feature_set_version_})")


def main() -> None:
    """Entry point: run the app, turning known input errors into a report and exit code 1."""
    try:
        app()
    except RecipeValidationError as exc:
        _report_problems(exc.path or Path("input"), exc.problems, exc.ignored_columns)
        raise SystemExit(1) from None
    except (CathodeError, CoatingError) as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise SystemExit(1) from None
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise SystemExit(1) from None
