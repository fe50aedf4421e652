"""``cathodeml predict`` and ``cathodeml featurize``: recipes in, numbers out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cathodeml.cli.common import (
    OUTPUT_FORMATS,
    USAGE,
    ModelOption,
    command,
    err,
    fail,
    load_model_or_fail,
    out,
    progress,
    refuse_same_file,
)
from cathodeml.tables import table_format, write_table

app = typer.Typer()


@command(app, "predict")
def predict(
    path: Annotated[Path, typer.Argument(help="CSV/XLSX of candidate recipes (canonical columns)")],
    output: Annotated[Path, typer.Option("-o", "--output", help=f"where to write input + predictions ({OUTPUT_FORMATS})")],
    model: ModelOption = None,
    chunksize: Annotated[int, typer.Option(help="rows per chunk (memory stays bounded)")] = 100_000,
) -> None:
    """Predict capacity, retention and Rct with intervals and domain notes for every recipe of a file."""
    from cathodeml.serve.batch import count_rows, predict_file

    if not path.exists():
        fail(f"{path}: no such file")
    refuse_same_file(output, path)
    total = count_rows(path) if path.suffix.lower() == ".csv" else None
    table_format(output, total)  # before the model loads: a bad -o costs nothing
    m = load_model_or_fail(model)
    with progress("predicting") as bar:
        task = bar.add_task("predict", total=total)
        try:
            n = predict_file(m, path, output, chunksize=chunksize, on_chunk=lambda k: bar.advance(task, k))
        except ValueError as exc:
            if type(exc) is not ValueError:
                raise
            fail(str(exc), USAGE)
    out.print(f"wrote {escape(str(output))}: {n} recipes with {', '.join(m.targets)} predictions"
              f" ({m.confidence:.0%} intervals) and domain notes")


@command(app, "featurize")
def featurize(
    path: Annotated[Path, typer.Argument(help="CSV or XLSX recipe table")],
    output: Annotated[Path, typer.Option("-o", "--output", help=f"where to write the features ({OUTPUT_FORMATS})")],
) -> None:
    """Turn recipes into the named feature columns the models use (plus record_id)."""
    from cathodeml.data.io import read_recipes
    from cathodeml.features.recipe import feature_table

    refuse_same_file(output, path)
    table_format(output)
    frame = read_recipes(path)
    with err.status(f"featurizing {len(frame)} recipes"):
        X, version = feature_table(frame)
    write_table(X, output, float_format="%.7g")
    out.print(f"wrote {escape(str(output))}: {len(X)} rows × {X.shape[1] - 1} features (feature set {version})")
