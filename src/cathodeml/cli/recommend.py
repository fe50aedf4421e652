"""``cathodeml recommend`` and ``cathodeml screen``: what to try next."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from cathodeml.cli.common import (
    USAGE,
    ModelOption,
    OutOfDomainOption,
    RiskOption,
    SpaceOption,
    TrackingOption,
    command,
    err,
    fail,
    load_model_or_fail,
    out,
    progress,
    refuse_same_file,
)
from cathodeml.errors import SpaceError
from cathodeml.schema import axis_label

app = typer.Typer()


def _objectives(text: str, single: bool = False):
    from cathodeml.recommend.space import parse_objectives

    try:
        objs = parse_objectives(text)
    except SpaceError as exc:
        fail(str(exc), USAGE)
    if single and len(objs) != 1:
        fail(f"objective {text!r}: screen ranks by one objective", USAGE)
    return objs


@command(app, "recommend")
def recommend(
    space_path: SpaceOption,
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV of the recommended recipes")],
    objectives: Annotated[str, typer.Option(help="TARGET:max|min, comma-separated")] = "retention_pct:max,capacity_mah_g:max",
    model: ModelOption = None,
    n: Annotated[int, typer.Option("--n", help="how many recipes to return")] = 20,
    trials: Annotated[int, typer.Option(help="candidates evaluated by NSGA-II")] = 400,
    risk: RiskOption = "pessimistic",
    allow_out_of_domain: OutOfDomainOption = False,
    seed: Annotated[int, typer.Option()] = 42,
    tracking_uri: TrackingOption = None,
    no_mlflow: Annotated[bool, typer.Option("--no-mlflow", help="do not log the run to MLflow")] = False,
    batch: Annotated[int | None, typer.Option("--batch", help="propose the next batch of K diverse recipes to make (acquisition on the first objective) as a CSV to fill in; see docs/lab-loop.md")] = None,
    lab: Annotated[str | None, typer.Option("--lab", help="with --batch: your lab dataset (no near-repeats of its recipes; names the batch; its best is the ei incumbent)")] = None,
    acquisition: Annotated[str, typer.Option(help="with --batch: ucb | ei | mean")] = "ucb",
    kappa: Annotated[float, typer.Option(help="with --batch ucb: prediction + kappa × the interval's half-width")] = 1.0,
    min_distance: Annotated[float | None, typer.Option("--min-distance", help="with --batch: least distance between two picks in the model's feature space (default: the training recipes' typical spacing)")] = None,
    best: Annotated[float | None, typer.Option(help="with --batch ei: best value measured so far (default: the lab's best)")] = None,
) -> None:
    """Recommend recipes: multi-objective NSGA-II search on the trained model, Pareto set + plot
    (with --batch: the next batch of K diverse recipes to make, as a CSV to fill in)."""
    if batch is not None:
        from cathodeml.cli.labs import recommend_batch

        return recommend_batch(space_path=space_path, output=output, objectives=objectives, model=model, k=batch, lab=lab,
                               acquisition=acquisition, kappa=kappa, min_distance=min_distance, best=best, risk=risk,
                               allow_out_of_domain=allow_out_of_domain, seed=seed, tracking_uri=tracking_uri,
                               no_mlflow=no_mlflow)
    from cathodeml.recommend.plots import plot_pareto
    from cathodeml.recommend.runs import log_recommendation
    from cathodeml.recommend.search import RecommendConfig, top_treatments
    from cathodeml.recommend.search import recommend as search
    from cathodeml.recommend.space import load_space

    refuse_same_file(output, space_path)
    space = load_space(space_path)
    objs = _objectives(objectives)
    try:
        cfg = RecommendConfig(tuple(objs), n=n, trials=trials, risk=risk, allow_out_of_domain=allow_out_of_domain, seed=seed)
    except ValueError as exc:
        fail(str(exc), USAGE)
    m = load_model_or_fail(model)
    out.print(f"searching {space.size:,} possible candidates with NSGA-II ({trials} trials, risk {risk})")
    with progress("recommend") as bar:
        task = bar.add_task("rec", total=trials)
        try:
            table = search(m, space, cfg, on_generation=lambda k: bar.advance(task, k))
        except ValueError as exc:
            fail(str(exc), USAGE)
    if table.empty:
        err.print("[yellow]no feasible candidate: relax the constraints, or --allow-out-of-domain[/]")
        raise typer.Exit(1)
    table["top_treatments"] = top_treatments(m, table).to_numpy()
    table.to_csv(output, index=False, float_format="%.6g")
    plot = plot_pareto(table, objs, output.with_suffix(".png"))
    dims = [c for c, _ in space.dims]
    t = Table(title=f"recommended recipes ({len(table)}; {risk}; prediction \\[interval])", title_justify="left")
    for c in dims + [axis_label(o) for o, _ in objs] + ["in domain"]:
        t.add_column(c)
    for _, row in table.head(n).iterrows():
        cells = ["—" if pd.isna(row[c]) else f"{row[c]:.4g}" if isinstance(row[c], float) else str(row[c]) for c in dims]
        cells += [f"{row[f'{o}_pred']:.4g} [{row[f'{o}_lower']:.4g}–{row[f'{o}_upper']:.4g}]" for o, _ in objs]
        t.add_row(*map(escape, cells), "yes" if row["in_domain"] else "no")
    out.print(t)
    out.print(f"wrote {escape(str(output))} and {escape(str(plot))}")
    if not no_mlflow:
        params = {"objectives": objectives, "risk": risk, "trials": trials, "n": n, "seed": seed,
                  "allow_out_of_domain": allow_out_of_domain, "model": model or "latest"}
        run_id, uri = log_recommendation(params, [space_path, output, plot], tracking_uri=tracking_uri)
        out.print(f"MLflow: run {run_id} at {escape(uri)}")


@command(app, "screen")
def screen(
    space_path: SpaceOption,
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV of the top candidates")],
    objective: Annotated[str, typer.Option(help="TARGET:max|min to rank by")] = "retention_pct:max",
    model: ModelOption = None,
    top: Annotated[int, typer.Option("--top", help="how many candidates to keep")] = 100,
    risk: RiskOption = "pessimistic",
    allow_out_of_domain: OutOfDomainOption = False,
    chunksize: Annotated[int, typer.Option(help="candidates scored per chunk (bounds memory)")] = 200_000,
    dask_scheduler: Annotated[str | None, typer.Option("--dask-scheduler", help="address of a Dask scheduler (tcp://host:8786) to run the chunks on")] = None,
) -> None:
    """Score every candidate of the grid in chunks and keep the top K (optionally on a Dask cluster)."""
    from cathodeml.recommend.screen import screen as run_screen
    from cathodeml.recommend.space import load_space

    refuse_same_file(output, space_path)
    space = load_space(space_path)
    (obj,) = _objectives(objective, single=True)
    m = load_model_or_fail(model)
    client = None
    if dask_scheduler:
        try:
            from distributed import Client
        except ImportError:
            fail("--dask-scheduler needs the 'dask' extra: pip install 'cathodeml[dask]'")
        client = Client(dask_scheduler)
    try:
        with progress("screening") as bar:
            task = bar.add_task("screen", total=space.size)
            table = run_screen(m, space, obj, top=top, risk=risk, allow_out_of_domain=allow_out_of_domain,
                               chunksize=chunksize, client=client, on_chunk=lambda k: bar.advance(task, k))
    finally:
        if client is not None:
            client.close()
    if table.empty:
        err.print("[yellow]no feasible candidate: relax the constraints, or --allow-out-of-domain[/]")
        raise typer.Exit(1)
    table.to_csv(output, index=False, float_format="%.6g")
    out.print(f"screened {space.size:,} candidates; wrote the top {len(table)} by {objective} ({risk}) to {escape(str(output))}")
