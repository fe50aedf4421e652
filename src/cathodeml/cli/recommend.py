"""``cathodeml recommend`` and ``cathodeml screen``: what to try next."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from cathodeml.cli.common import (
    OUTPUT_FORMATS,
    USAGE,
    MlflowOption,
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
    print_run,
    progress,
    refuse_same_file,
)
from cathodeml.errors import SpaceError
from cathodeml.schema import axis_label
from cathodeml.tables import table_format, write_table

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
    output: Annotated[Path, typer.Option("-o", "--output", help=f"the recommended recipes ({OUTPUT_FORMATS}); the Pareto plot beside it as .png")],
    objectives: Annotated[str, typer.Option(help="TARGET:max|min, comma-separated")] = "retention_pct:max,capacity_mah_g:max",
    n: Annotated[int, typer.Option("--n", help="how many recipes to return")] = 20,
    trials: Annotated[int, typer.Option(help="candidates evaluated by NSGA-II")] = 400,
    model: ModelOption = None,
    risk: RiskOption = "pessimistic",
    allow_out_of_domain: OutOfDomainOption = False,
    seed: Annotated[int, typer.Option()] = 42,
    tracking_uri: TrackingOption = None,
    log_mlflow: MlflowOption = True,
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
                               no_mlflow=not log_mlflow)
    from cathodeml.recommend.plots import plot_pareto
    from cathodeml.recommend.runs import log_search
    from cathodeml.tracking.registry import model_uri
    from cathodeml.recommend.search import RecommendConfig, search, top_treatments
    from cathodeml.recommend.space import load_space

    plot_path = output.with_suffix(".png")
    refuse_same_file(output, space_path)
    refuse_same_file(plot_path, space_path)
    table_format(output)
    space = load_space(space_path)
    objs = _objectives(objectives)
    try:
        cfg = RecommendConfig(tuple(objs), n=n, trials=trials, risk=risk, allow_out_of_domain=allow_out_of_domain, seed=seed)
    except ValueError as exc:
        fail(str(exc), USAGE)
    uri = model_uri(model)
    m = load_model_or_fail(uri)
    out.print(f"searching {space.size:,} possible candidates with NSGA-II ({trials} trials, risk {risk})")
    with progress("recommend") as bar:
        task = bar.add_task("rec", total=trials)
        try:
            found = search(m, space, cfg, on_generation=lambda k: bar.advance(task, k))
        except ValueError as exc:
            fail(str(exc), USAGE)
    table, report = found.table, found.report
    if table.empty:
        err.print("[yellow]no feasible candidate[/] — " + escape("; ".join(report.lines()[1:-1]) or "none evaluated"))
        err.print("relax the constraints, widen the space, or pass --allow-out-of-domain to keep flagged candidates")
        raise typer.Exit(1)
    table["top_treatments"] = top_treatments(m, table).to_numpy()
    write_table(table, output)
    plot = plot_pareto(table, objs, plot_path)
    dims = [c for c, _ in space.dims]
    t = Table(title=f"recommended recipes ({len(table)}; {risk}; prediction \\[interval])", title_justify="left")
    for c in ["#"] + dims + [axis_label(o) for o, _ in objs] + ["in domain"]:
        t.add_column(escape(c))  # "capacity [mAh/g]": brackets are markup to rich
    for k, row in table.iterrows():
        cells = ["—" if pd.isna(row[c]) else f"{row[c]:.4g}" if isinstance(row[c], float) else str(row[c]) for c in dims]
        cells += [f"{row[f'{o}_pred']:.4g} " + ("(no interval)" if pd.isna(row[f"{o}_lower"]) else
                                                f"[{row[f'{o}_lower']:.4g}–{row[f'{o}_upper']:.4g}]") for o, _ in objs]
        t.add_row(str(k + 1), *map(escape, cells), "yes" if row["in_domain"] else "no")
    out.print(t)
    for k, note in enumerate(table["same_prediction"]):
        if note:
            out.print(f"  #{k + 1}: {escape(note)}")
    for line in report.lines():
        out.print(escape(line))
    out.print(f"wrote {escape(str(output))} and {escape(str(plot))}")
    if log_mlflow:
        params = {"objectives": objectives, "risk": risk, "trials": trials, "n": n, "seed": seed,
                  "allow_out_of_domain": allow_out_of_domain, "model": uri}
        print_run(log_search("recommend", space_path, params, [space_path, output, plot], model_uri=uri,
                             report=report, tracking_uri=tracking_uri))


@command(app, "screen")
def screen(
    space_path: SpaceOption,
    output: Annotated[Path, typer.Option("-o", "--output", help=f"the top candidates ({OUTPUT_FORMATS})")],
    objective: Annotated[str, typer.Option(help="TARGET:max|min to rank by")] = "retention_pct:max",
    model: ModelOption = None,
    top: Annotated[int, typer.Option("--top", help="how many candidates to keep")] = 100,
    risk: RiskOption = "pessimistic",
    allow_out_of_domain: OutOfDomainOption = False,
    chunksize: Annotated[int, typer.Option(help="candidates scored per chunk (bounds memory)")] = 200_000,
    dask_scheduler: Annotated[str | None, typer.Option("--dask-scheduler", help="address of a Dask scheduler (tcp://host:8786) to run the chunks on")] = None,
    tracking_uri: TrackingOption = None,
    log_mlflow: MlflowOption = True,
) -> None:
    """Score every candidate of the grid in chunks and keep the top K (optionally on a Dask cluster)."""
    from cathodeml.recommend.runs import log_search
    from cathodeml.recommend.screen import screen as run_screen
    from cathodeml.recommend.space import load_space
    from cathodeml.tracking.registry import model_uri

    refuse_same_file(output, space_path)
    table_format(output)
    space = load_space(space_path)
    (obj,) = _objectives(objective, single=True)
    uri = model_uri(model)
    m = load_model_or_fail(uri)
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
    write_table(table, output)
    out.print(f"screened {space.size:,} candidates; wrote the top {len(table)} by {objective} ({risk}) to {escape(str(output))}")
    if log_mlflow:
        params = {"objective": objective, "risk": risk, "top": top, "allow_out_of_domain": allow_out_of_domain,
                  "model": uri, "grid_size": space.size}
        print_run(log_search("screen", space_path, params, [space_path, output], model_uri=uri, tracking_uri=tracking_uri))
