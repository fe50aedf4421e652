"""``cathodeml explain``: which treatment matters, per recipe and overall."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cathodeml.cli.common import ModelOption, RichProgress, command, load_model_or_fail, out

app = typer.Typer()


@command(app, "explain")
def explain(
    path: Annotated[Path, typer.Argument(help="CSV/XLSX of recipes to explain")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder for treatments.csv, features.csv, counterfactuals.csv and PNGs")],
    model: ModelOption = None,
    waterfalls: Annotated[int, typer.Option(help="waterfall plots for the first N recipes")] = 10,
    show: Annotated[int, typer.Option(help="recipes whose top treatments are printed")] = 10,
) -> None:
    """Which treatment matters: SHAP per feature and per treatment group, counterfactuals, plots."""
    from cathodeml.data.io import read_recipes
    from cathodeml.explain.report import write_explanation

    frame = read_recipes(path)
    m = load_model_or_fail(model)
    exp = write_explanation(m, frame, out_dir, waterfalls=waterfalls, inputs=(path,), progress=RichProgress())
    table = Table(title="top treatments per recipe (SHAP group sums in model units; model attributions, not causation)",
                  title_justify="left")
    for col in ("recipe", "target", "prediction", "top treatments"):
        table.add_column(col)
    ids = exp.recipe_ids()
    tops = exp.top_treatments(3)
    preds = m.predict_features(exp.X[:show])
    for i, rid in enumerate(ids[:show]):
        for t, te in exp.targets.items():
            pred = preds.loc[i, f"{t}_pred"]
            table.add_row(escape(rid), t, f"{pred:.3g}", escape(", ".join(f"{g} {v:+.3g} {te.unit}" for g, v in tops[i][t])))
    out.print(table)
    out.print(f"wrote {escape(str(out_dir))}: treatments.csv, features.csv, counterfactuals.csv and plots")
