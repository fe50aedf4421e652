"""The ``cathodeml`` command line.

Every command reports bad input as a list of problems (row, column, value, rule) and exits
non-zero; a scientist never sees a Python traceback for a mistake in a spreadsheet.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cathodeml.data.cathode import CathodeError
from cathodeml.data.coatings import CoatingError
from cathodeml.data.io import RecipeValidationError

def friendly_errors(func):
    """Turn input errors into a report and exit code 1 (for the console script and CliRunner alike)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except RecipeValidationError as exc:
            _report_problems(exc.path or Path("input"), exc.problems, exc.ignored_columns)
            raise typer.Exit(1) from None
        except (CathodeError, CoatingError) as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(1) from None
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(1) from None

    return wrapper


app = typer.Typer(
    name="cathodeml",
    help="Predict capacity, retention and Rct of treated Ni-rich cathodes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_app = typer.Typer(help="Validate, inspect and describe recipe tables.", no_args_is_help=True)
app.add_typer(data_app, name="data")

# Wide enough for the result tables when output goes to a file or CI log (no terminal to measure).
out = Console(width=None if sys.stdout.isatty() else 110, soft_wrap=True)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 110, soft_wrap=True)

# Options several commands share, declared once so their flags and help stay the same.
ModelOption = Annotated[str | None, typer.Option("--model", help="model directory or MLflow URI; default: latest registered")]
SpaceOption = Annotated[Path, typer.Option("--space", help="search space YAML (see docs/recommend.md)")]
RiskOption = Annotated[str, typer.Option(help="pessimistic (interval bound on the bad side) | mean | optimistic")]
OutOfDomainOption = Annotated[bool, typer.Option("--allow-out-of-domain", help="keep candidates outside the training domain (flagged)")]


def _report_problems(path: Path, problems, ignored) -> None:
    err.print(f"[bold red]{path}: {len(problems)} problem(s)[/]")
    for p in problems:
        err.print(f"  {p}", markup=False, highlight=False)
    if ignored:
        err.print(f"[yellow]ignored columns (kept, not used): {', '.join(ignored)}[/]")


@data_app.command("validate")
@friendly_errors
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
@friendly_errors
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
        ("rows per electrolyte", cov.per_electrolyte),
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
@friendly_errors
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
@friendly_errors
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
    X.to_csv(output, index=False, float_format="%.7g")
    out.print(f"wrote {output}: {len(X)} rows × {X.shape[1] - 1} features (feature set {f.feature_set_version_})")


def _progress(label: str):
    """The progress bar every long command shows: label, bar, done/total, elapsed time."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=out)


class _RichProgress:
    """Adapter from training's progress hooks to a rich progress bar."""

    def __init__(self):
        self.bar = _progress("{task.description}")
        self.task = None

    def start(self, total: int, description: str) -> None:
        self.bar.start()
        self.task = self.bar.add_task(description, total=total)

    def advance(self) -> None:
        self.bar.advance(self.task)

    def stop(self) -> None:
        self.bar.stop()


SHORT = {"capacity_mah_g": "capacity mAh/g", "retention_pct": "retention %", "rct_ohm": "Rct log10 Ω"}


def _results_table(metrics: dict) -> Table:
    t = Table(title="cross-validated performance (grouped by source = headline; random beside it)",
              title_justify="left")
    for col in ("target", "model", "grp MAE", "grp R²", "grp cov", "rnd MAE", "rnd R²", "n"):
        t.add_column(col, justify="right" if col not in ("target", "model") else "left")
    fmt = lambda v: "—" if v != v else f"{v:.3g}"  # noqa: E731
    for target in [t for t in SHORT if t in metrics]:
        splits = metrics[target]
        for model in ("xgboost", "dummy", "ridge"):
            g = splits.get("grouped", {}).get(model, {})
            r = splits.get("random", {}).get(model, {})
            nan = float("nan")
            t.add_row(SHORT[target], model, fmt(g.get("mae", nan)), fmt(g.get("r2", nan)),
                      fmt(g.get("coverage", nan)), fmt(r.get("mae", nan)), fmt(r.get("r2", nan)),
                      str((g or r).get("n", 0)))
    return t


@app.command("train")
@friendly_errors
def train_cmd(
    data: Annotated[Path | None, typer.Option("--data", help="recipe CSV/XLSX with targets (default: the shipped dataset)")] = None,
    targets: Annotated[list[str] | None, typer.Option("--targets", help="targets to model (repeatable); default: all")] = None,
    n_trials: Annotated[int, typer.Option("--n-trials", help="Optuna trials per target (0 = default parameters)")] = 0,
    timeout: Annotated[float | None, typer.Option("--timeout", help="seconds per Optuna study")] = None,
    storage: Annotated[str | None, typer.Option("--storage", help="Optuna RDB URL (default: sqlite file under ./cathodeml-runs)")] = None,
    study_name: Annotated[str | None, typer.Option("--study-name", help="reuse/extend a shared study (see `cathodeml tune`)")] = None,
    tracking_uri: Annotated[str | None, typer.Option("--tracking-uri", help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI or sqlite under ./cathodeml-runs)")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="also write the model, metrics.json and plots here")] = None,
    seed: Annotated[int, typer.Option(help="random seed for folds, XGBoost and Optuna")] = 42,
    confidence: Annotated[float, typer.Option(help="prediction-interval level")] = 0.9,
    no_mlflow: Annotated[bool, typer.Option("--no-mlflow", help="do not log to MLflow (needs --out)")] = False,
) -> None:
    """Train one model per target with grouped-CV evaluation, conformal intervals and MLflow tracking."""
    import logging
    import os
    import tempfile
    from dataclasses import replace

    from cathodeml.data.columns import TARGETS

    # Quiet third-party chatter for this command only (set at run time, never at import).
    logging.getLogger("alembic").setLevel(logging.WARNING)
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    from cathodeml.training.config import TrainConfig
    from cathodeml.training.train import load_training_data, train, write_outputs

    if no_mlflow and out_dir is None:
        err.print("[bold red]error:[/] --no-mlflow needs --out, or the model would be written nowhere")
        raise typer.Exit(2)
    try:
        cfg = TrainConfig(targets=tuple(targets or TARGETS), seed=seed, confidence=confidence, n_trials=n_trials,
                          timeout_s=timeout, storage=storage, study_name=study_name, tracking_uri=tracking_uri)
    except ValueError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if storage is None and (n_trials or study_name):
        cfg.runs_dir.mkdir(parents=True, exist_ok=True)
        cfg = replace(cfg, storage=cfg.default_storage())
    frame, sha, label = load_training_data(data)
    out.print(f"training on {label}: {len(frame)} rows, {frame['source'].nunique()} sources (sha256 {sha[:12]}…)")

    def run(trial_callback=None):
        res = train(cfg, frame, data_sha256=sha, progress=_RichProgress(), trial_callback=trial_callback)
        target_dir = out_dir or Path(tempfile.mkdtemp(prefix="cathodeml-"))
        paths = write_outputs(res, target_dir)
        return res, paths

    if no_mlflow:
        res, paths = run()
    else:
        import warnings

        from cathodeml.training.tracking import RunLogger

        # After mlflow's import (it configures its own logger then): keep only its warnings, and
        # drop its hints about signature inference (our signature is explicit, all columns optional).
        logging.getLogger("mlflow").setLevel(logging.WARNING)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"mlflow\..*")
        logger = RunLogger(cfg)
        with logger.run(run_name=f"train-{len(frame)}rows"):
            res, paths = run(trial_callback=logger.trial_callback)
            logger.log_config(cfg, {"data": label, "data_sha256": sha,
                                    "feature_set_version": res.model.meta["feature_set_version"]})
            logger.log_dataset(frame, source=str(data or label), digest=sha, name=label)
            logger.log_metrics(res.metrics)
            logger.log_dict(res.treatment_effects, "treatment_effects.json")
            logger.log_dict(res.best_params, "best_params.json")
            for key, path in paths.items():
                if key.startswith("parity_"):
                    logger.log_artifact(path, "plots")
            logger.log_artifact(paths["cv_table"])
            logger.log_artifact(paths["metrics"])
            from cathodeml.models.explain import Explainer
            from cathodeml.models.explain_plots import plot_global_importance

            exp = Explainer(res.model).explain(frame, validate=False)
            importance = exp.global_importance()
            logger.log_dict(json.loads(importance.to_json()), "treatment_importance.json")
            logger.log_artifact(plot_global_importance(exp, paths["model"].parent / "plots" / "global_treatment_importance.png"), "plots")
            example = frame.drop(columns=list(TARGETS)).head(3)
            uri = logger.log_model(res.model, paths["model"], example)
        out.print(f"MLflow: run {logger.run_id} at {logger.uri}; registered [bold]{uri}[/]")
    out.print(_results_table(res.metrics))
    for t, splits in res.treatment_effects.items():
        te = splits.get("grouped", {}).get("xgboost")
        if te and te["n_pairs"]:
            out.print(f"treatment effect vs the paper's control ({t}, grouped CV): MAE {te['mae']:.3g}, "
                      f"sign agreement {te['sign_agreement']:.0%} over {te['n_pairs']} pairs")
    if out_dir is not None:
        out.print(f"model and metrics written to {out_dir}")


@app.command("explain")
@friendly_errors
def explain_cmd(
    path: Annotated[Path, typer.Argument(help="CSV/XLSX of recipes to explain")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder for treatments.csv, features.csv, counterfactuals.csv and PNGs")],
    model: ModelOption = None,
    waterfalls: Annotated[int, typer.Option(help="waterfall plots for the first N recipes")] = 10,
    show: Annotated[int, typer.Option(help="recipes whose top treatments are printed")] = 10,
) -> None:
    """Which treatment matters: SHAP per feature and per treatment group, counterfactuals, plots."""
    from cathodeml.data.io import read_recipes
    from cathodeml.models.explain import Explainer
    from cathodeml.models.explain_plots import plot_beeswarm, plot_global_importance, plot_waterfall

    frame = read_recipes(path)
    m = _load_model_or_exit(model)
    with out.status(f"explaining {len(frame)} recipes"):
        explainer = Explainer(m)
        exp = explainer.explain(frame, validate=False)
        cf = explainer.counterfactuals(frame, validate=False)
    out_dir.mkdir(parents=True, exist_ok=True)
    treatments = exp.treatments()
    treatments.to_csv(out_dir / "treatments.csv", index=False, float_format="%.6g")
    exp.features().to_csv(out_dir / "features.csv", index=False, float_format="%.6g")
    cf.to_csv(out_dir / "counterfactuals.csv", index=False, float_format="%.6g")
    plot_global_importance(exp, out_dir / "global_treatment_importance.png")
    for t in exp.targets:
        plot_beeswarm(exp, t, out_dir / f"beeswarm_{t}.png")
        for i in range(min(waterfalls, len(frame))):
            plot_waterfall(exp, t, i, out_dir / "waterfalls" / f"{i + 1:04d}_{t}.png")
    table = Table(title="top treatments per recipe (SHAP group sums; Rct in log10 Ω; model attributions, not causation)",
                  title_justify="left")
    for col in ("recipe", "target", "prediction", "top treatments"):
        table.add_column(col)
    ids = treatments["record_id"].unique()
    for rid in ids[:show]:
        for t, te in exp.targets.items():
            sub = treatments[(treatments.record_id == rid) & (treatments.target == t)]
            top = sub.reindex(sub["value"].abs().sort_values(ascending=False).index).head(3)
            i = list(ids).index(rid)
            pred = f"{10 ** te.prediction[i]:.3g} Ω" if te.log10 else f"{te.prediction[i]:.3g}"
            table.add_row(str(rid), t, pred, ", ".join(f"{g} {v:+.3g}" for g, v in zip(top.group, top.value)))
    out.print(table)
    out.print(f"wrote {out_dir}: treatments.csv, features.csv, counterfactuals.csv and plots")


def _space_or_exit(path: Path):
    from cathodeml.serve.space import SpaceError, load_space

    try:
        return load_space(path)
    except SpaceError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=False)
        raise typer.Exit(1) from None


@app.command("recommend")
@friendly_errors
def recommend_cmd(
    space_path: SpaceOption,
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV of the recommended recipes")],
    objectives: Annotated[str, typer.Option(help="TARGET:max|min, comma-separated")] = "retention_pct:max,capacity_mah_g:max",
    model: ModelOption = None,
    n: Annotated[int, typer.Option("--n", help="how many recipes to return")] = 20,
    trials: Annotated[int, typer.Option(help="candidates evaluated by NSGA-II")] = 400,
    risk: RiskOption = "pessimistic",
    allow_out_of_domain: OutOfDomainOption = False,
    seed: Annotated[int, typer.Option()] = 42,
    tracking_uri: Annotated[str | None, typer.Option("--tracking-uri", help="MLflow tracking URI for logging this run")] = None,
    no_mlflow: Annotated[bool, typer.Option("--no-mlflow", help="do not log the run to MLflow")] = False,
) -> None:
    """Recommend recipes: multi-objective NSGA-II search on the trained model, Pareto set + plot."""
    import pandas as pd

    from cathodeml.serve.pareto_plot import plot_pareto
    from cathodeml.serve.recommend import RecommendConfig, recommend, top_treatments
    from cathodeml.serve.space import SpaceError, parse_objectives

    space = _space_or_exit(space_path)
    try:
        objs = parse_objectives(objectives)
        cfg = RecommendConfig(tuple(objs), n=n, trials=trials, risk=risk, allow_out_of_domain=allow_out_of_domain, seed=seed)
    except (SpaceError, ValueError) as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(2) from None
    m = _load_model_or_exit(model)
    out.print(f"searching {space.size:,} possible candidates with NSGA-II ({trials} trials, risk {risk})")
    with _progress("recommend") as bar:
        task = bar.add_task("rec", total=trials)
        try:
            table = recommend(m, space, cfg, on_generation=lambda k: bar.advance(task, k))
        except ValueError as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(2) from None
    if table.empty:
        err.print("[yellow]no feasible candidate: relax the constraints, or --allow-out-of-domain[/]")
        raise typer.Exit(1)
    table["top_treatments"] = top_treatments(m, table).to_numpy()
    table.to_csv(output, index=False, float_format="%.6g")
    plot = plot_pareto(table, objs, output.with_suffix(".png"))
    dims = [c for c, _ in space.dims]
    t = Table(title=f"recommended recipes ({len(table)}; {risk}; prediction \\[interval])", title_justify="left")
    for c in dims + [SHORT[o] for o, _ in objs] + ["in domain"]:
        t.add_column(c)
    for _, row in table.head(n).iterrows():
        cells = ["—" if pd.isna(row[c]) else f"{row[c]:.4g}" if isinstance(row[c], float) else str(row[c]) for c in dims]
        cells += [f"{row[f'{o}_pred']:.4g} [{row[f'{o}_lower']:.4g}–{row[f'{o}_upper']:.4g}]" for o, _ in objs]
        t.add_row(*cells, "yes" if row["in_domain"] else "no")
    out.print(t)
    out.print(f"wrote {output} and {plot}")
    if not no_mlflow:
        from cathodeml.training.config import TrainConfig
        from cathodeml.training.tracking import RunLogger

        logger = RunLogger(TrainConfig(tracking_uri=tracking_uri))
        with logger.run(run_name="recommend"):
            logger.log_params({"objectives": objectives, "risk": risk, "trials": trials, "n": n, "seed": seed,
                               "allow_out_of_domain": allow_out_of_domain, "model": model or "latest"})
            logger.log_artifact(space_path)
            logger.log_artifact(output)
            logger.log_artifact(plot)
        out.print(f"MLflow: run {logger.run_id} at {logger.uri}")


@app.command("screen")
@friendly_errors
def screen_cmd(
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
    from cathodeml.serve.recommend import screen
    from cathodeml.serve.space import SpaceError, parse_objectives

    space = _space_or_exit(space_path)
    try:
        (obj,) = parse_objectives(objective)
    except (SpaceError, ValueError) as exc:
        err.print(f"[bold red]error:[/] {exc} (screen ranks by one objective)")
        raise typer.Exit(2) from None
    m = _load_model_or_exit(model)
    client = None
    if dask_scheduler:
        try:
            from distributed import Client
        except ImportError:
            err.print("[bold red]error:[/] --dask-scheduler needs the 'dask' extra: pip install 'cathodeml[dask]'")
            raise typer.Exit(1) from None
        client = Client(dask_scheduler)
    with _progress("screening") as bar:
        task = bar.add_task("screen", total=space.size)
        table = screen(m, space, obj, top=top, risk=risk, allow_out_of_domain=allow_out_of_domain, chunksize=chunksize,
                       client=client, on_chunk=lambda k: bar.advance(task, k))
    if client is not None:
        client.close()
    if table.empty:
        err.print("[yellow]no feasible candidate: relax the constraints, or --allow-out-of-domain[/]")
        raise typer.Exit(1)
    table.to_csv(output, index=False, float_format="%.6g")
    out.print(f"screened {space.size:,} candidates; wrote the top {len(table)} by {objective} ({risk}) to {output}")


@app.command("tune")
@friendly_errors
def tune_cmd(
    target: Annotated[str, typer.Option("--target", help="the target to tune")],
    study_name: Annotated[str, typer.Option("--study-name", help="study to create or join")],
    storage: Annotated[str | None, typer.Option("--storage", help="Optuna RDB URL shared by all workers (sqlite file, postgresql://…)")] = None,
    n_trials: Annotated[int, typer.Option("--n-trials")] = 20,
    timeout: Annotated[float | None, typer.Option("--timeout")] = None,
    data: Annotated[Path | None, typer.Option("--data")] = None,
    seed: Annotated[int, typer.Option()] = 42,
) -> None:
    """Run Optuna trials (grouped-CV MAE) into a shared study; train with --study-name to use it.

    Start several workers with the same --storage and --study-name to search in parallel.
    """
    from cathodeml.features.recipe import RecipeFeaturizer
    from cathodeml.training.config import TrainConfig
    from cathodeml.training.train import load_training_data, target_arrays
    from cathodeml.training.tune import make_study, tune

    try:
        cfg = TrainConfig(targets=(target,), seed=seed, storage=storage)
    except ValueError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if storage is None:
        cfg.runs_dir.mkdir(parents=True, exist_ok=True)
    frame, _, label = load_training_data(data)
    f = RecipeFeaturizer().fit(frame)
    X, y, g, _ = target_arrays(frame, f.transform(frame), target)
    url = storage or cfg.default_storage()
    study = make_study(seed, url, f"{study_name}-{target}")
    with out.status(f"tuning {target} on {label} ({n_trials} trials) into {url}"):
        best, study = tune(X, y, g, target, list(f.get_feature_names_out()), seed=seed, n_trials=n_trials,
                           timeout_s=timeout, study=study)
    out.print(f"study {study.study_name}: {len(study.trials)} trials, best grouped-CV MAE {study.best_value:.4g}")
    out.print(best)


def _load_model_or_exit(model: str | None):
    from cathodeml.serve.loading import ModelNotFoundError, load_model

    try:
        with out.status(f"loading model {model or '(latest registered in ./cathodeml-runs)'}"):
            return load_model(model)
    except ModelNotFoundError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(1) from None


@app.command("predict")
@friendly_errors
def predict_cmd(
    path: Annotated[Path, typer.Argument(help="CSV/XLSX of candidate recipes (canonical columns)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="where to write input + predictions (CSV)")],
    model: Annotated[str | None, typer.Option("--model", help="model directory or MLflow URI (models:/cathodeml/3, runs:/…); default: latest registered")] = None,
    chunksize: Annotated[int, typer.Option(help="rows per chunk (memory stays bounded)")] = 100_000,
) -> None:
    """Predict capacity, retention and Rct with intervals and domain notes for every recipe of a file."""
    from cathodeml.serve.batch import count_rows, predict_file

    if not path.exists():
        err.print(f"[bold red]error:[/] {path}: no such file")
        raise typer.Exit(1)
    m = _load_model_or_exit(model)
    total = count_rows(path) if path.suffix.lower() == ".csv" else None
    with _progress("predicting") as bar:
        task = bar.add_task("predict", total=total)
        try:
            n = predict_file(m, path, output, chunksize=chunksize, on_chunk=lambda k: bar.advance(task, k))
        except RecipeValidationError:
            raise
        except ValueError as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(2) from None
    out.print(f"wrote {output}: {n} recipes with {', '.join(m.targets)} predictions"
              f" ({m.confidence:.0%} intervals) and domain notes")


@app.command("serve")
@friendly_errors
def serve_cmd(
    model: ModelOption = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    max_batch: Annotated[int, typer.Option(help="largest batch accepted by POST /predict (larger → 413)")] = 10_000,
) -> None:
    """Start the REST service (GET /health, GET /model, POST /predict; docs at /docs)."""
    try:
        import uvicorn

        from cathodeml.serve.api import create_app
    except ImportError:
        err.print("[bold red]error:[/] the service needs the 'serve' extra: pip install 'cathodeml[serve]'")
        raise typer.Exit(1) from None
    m = _load_model_or_exit(model)
    out.print(f"serving {model or 'latest registered model'} on http://{host}:{port} (docs at /docs)")
    uvicorn.run(create_app(m, max_batch=max_batch, model_uri=model or ""), host=host, port=port, log_level="warning")


def main() -> None:
    """Entry point of the ``cathodeml`` console script."""
    app()


if __name__ == "__main__":
    main()
