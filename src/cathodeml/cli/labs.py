"""Your lab in the loop, at the command line: ``cathodeml data add|list|show|remove`` (registered
on the ``data`` group), the per-dataset report ``train`` prints, and ``recommend --batch``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from cathodeml.cli.common import USAGE, TrackingOption, command, err, fail, load_model_or_fail, out, refuse_same_file

app = typer.Typer()

LabOption = Annotated[str, typer.Option("--lab", help="lab dataset name (lower case, digits, - and _)")]


def _when(iso: str) -> str:
    """``2026-12-02T01:34:40+00:00`` → ``2026-12-02 01:34 UTC``."""
    return f"{iso[:16].replace('T', ' ')} UTC"


def _fmt(v, digits: int = 3) -> str:
    return "—" if v is None or v != v else f"{v:.{digits}g}"


@command(app, "add")
def add(
    path: Annotated[Path, typer.Argument(help="your CSV/XLSX table of measured recipes (read only)")],
    lab: LabOption = "default",
) -> None:
    """Validate a table of your own measurements and append it as a new version of a lab dataset.

    Every problem is listed and nothing is appended when there is one. Each row needs a
    record_id, a source (your batch, e.g. lab:NAME/batch-07: the cross-validation group) and at
    least one measured target."""
    from cathodeml.data.labs import LabStore

    added = LabStore().add(path, lab)
    v = added.version
    out.print(f"[green]{escape(str(path))}: {v.rows_added} rows, no problems[/]")
    out.print(f"added to lab [bold]{escape(lab)}[/]: version {v.version} — {v.rows} rows from "
              f"{len(v.rows_per_source)} sources, sha256 {v.sha256[:12]}…")
    out.print(f"stored in {escape(str(added.dataset.folder / v.file))}")
    if added.ignored_columns:
        out.print(f"[yellow]extra columns kept in the dataset, not used by models: {escape(', '.join(added.ignored_columns))}[/]")
    out.print(f"train on it: cathodeml train --data literature --data lab:{escape(lab)}")


@command(app, "list")
def list_labs() -> None:
    """Your lab datasets: current version, rows, sources (batches), last change."""
    from cathodeml.data.labs import LabStore

    store = LabStore()
    names = store.names()
    if not names:
        out.print(f"no lab datasets yet in {escape(str(store.root))}; add one with `cathodeml data add FILE --lab NAME`")
        return
    t = Table(title=f"lab datasets in {escape(str(store.root))}", title_justify="left")
    for col in ("lab", "version", "rows", "sources", "updated"):
        t.add_column(col, justify="right" if col in ("version", "rows", "sources") else "left")
    for name in names:
        ds = store.get(name)
        cur = ds.current
        t.add_row(escape(name), str(cur.version) if cur else "—", str(cur.rows) if cur else "0",
                  str(len(cur.rows_per_source)) if cur else "0", _when(cur.created_at) if cur else "(all removed)")
    out.print(t)


@command(app, "show")
def show(
    lab: Annotated[str, typer.Argument(help="lab dataset name")],
    version: Annotated[int | None, typer.Option("--version", help="version whose rows per source to show (default: current)")] = None,
    tracking_uri: TrackingOption = None,
) -> None:
    """Versions (rows, sha256, which file added what), rows per source, and the MLflow runs and
    registered models that used each version."""
    from cathodeml.data.labs import LabStore
    from cathodeml.tracking.lineage import model_versions_using, runs_using

    ds = LabStore().get(lab)
    runs = runs_using(lab, tracking_uri=tracking_uri)
    used: dict[str, int] = {}
    for r in runs:
        used[r.version] = used.get(r.version, 0) + 1
    t = Table(title=f"lab {escape(lab)} — {escape(str(ds.folder))}", title_justify="left")
    for col in ("version", "created", "rows", "added", "from file", "sha256", "runs", "state"):
        t.add_column(col, justify="right" if col in ("version", "rows", "added", "runs") else "left")
    for v in ds.versions:
        state = f"removed {_when(v.removed_at)}" if v.removed else ("current" if ds.current and v.version == ds.current.version else "")
        t.add_row(str(v.version), _when(v.created_at), str(v.rows), f"+{v.rows_added}", escape(Path(v.added_from).name),
                  v.sha256[:12], str(used.get(str(v.version), 0)), state)
    out.print(t)
    chosen = ds.version(version)
    s = Table(title=f"rows per source, version {chosen.version}", title_justify="left")
    s.add_column("source (batch)")
    s.add_column("rows", justify="right")
    for src, n in chosen.rows_per_source.items():
        s.add_row(escape(src), str(n))
    out.print(s)
    if not runs:
        out.print("no MLflow run has used this lab yet")
    else:
        r_t = Table(title="MLflow runs that used it (newest first)", title_justify="left")
        for col in ("version", "run id", "command", "experiment", "started", "status"):
            r_t.add_column(col, no_wrap=col in ("run id", "started", "command"), min_width=32 if col == "run id" else None)
        for r in runs:
            r_t.add_row(r.version, r.run_id, escape(r.command), escape(r.experiment), _when(r.started), r.status)
        out.print(r_t)
    for uri, v in model_versions_using(lab, tracking_uri=tracking_uri):
        out.print(f"registered model {escape(uri)} saw version {escape(v)}")


@command(app, "remove")
def remove(
    lab: Annotated[str, typer.Argument(help="lab dataset name")],
    version: Annotated[int | None, typer.Option("--version", help="remove only this version (it must be the latest)")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="confirm: removing cannot be undone")] = False,
) -> None:
    """Remove the latest version of a lab dataset (undo an add), or the whole dataset."""
    from cathodeml.data.labs import LabStore

    store = LabStore()
    ds = store.get(lab)
    what = (f"version {version} of lab '{lab}'" if version is not None else
            f"lab '{lab}' (all {len(ds.versions)} version{'s' if len(ds.versions) != 1 else ''}, "
            f"{ds.current.rows if ds.current else 0} rows now)")
    if not yes:
        fail(f"removing {what} cannot be undone: add --yes to confirm", USAGE)
    left = store.remove(lab, version)
    if left is None:
        out.print(f"removed {what}")
        return
    cur = left.current
    out.print(f"removed {what}; current version: {cur.version if cur else 'none'}"
              f"{f' ({cur.rows} rows)' if cur else ''} (version numbers are not reused)")


# ---- train: the report per dataset ------------------------------------------------------------

SHORT = {"capacity_mah_g": "capacity mAh/g", "retention_pct": "retention %", "rct_ohm": "Rct log10 Ω"}


def dataset_table(diagnostics: dict) -> Table | None:
    """Grouped-CV MAE on each dataset's own rows (same folds), beside the baselines; None when the
    run trained on one dataset."""
    rows = [(t, name, e) for t, d in diagnostics.items() for name, e in d.get("by_dataset", {}).items()]
    if not rows:
        return None
    t = Table(title="grouped CV on each dataset's own rows (same folds): MAE, and XGBoost's 90 % coverage",
              title_justify="left")
    for col in ("target", "dataset", "n", "xgboost", "mean", "ridge", "lab's own mean", "other data only", "cov"):
        t.add_column(col, justify="left" if col in ("target", "dataset") else "right")
    for target, name, e in rows:
        g = e.get("grouped") or e.get("random") or {}
        mae = lambda m: _fmt(g.get(m, {}).get("mae"))  # noqa: E731
        t.add_row(SHORT.get(target, target), escape(name), str(e["n"]), mae("xgboost"), mae("dummy"), mae("ridge"),
                  mae("lab_mean") if e["kind"] == "lab" else "", _fmt(e.get("other_datasets_only", {}).get("mae")),
                  _fmt(g.get("xgboost", {}).get("coverage"), 2))
    return t


def print_dataset_report(diagnostics: dict) -> None:
    table = dataset_table(diagnostics)
    if table is not None:
        out.print(table)
    for d in diagnostics.values():
        if "validation" in d:
            out.print(escape(d["validation"]["note"]))


# ---- recommend --batch ------------------------------------------------------------------------

def recommend_batch(*, space_path: Path, output: Path, objectives: str, model: str | None, k: int, lab: str | None,
                    acquisition: str, kappa: float, min_distance: float | None, best: float | None, risk: str,
                    allow_out_of_domain: bool, seed: int, tracking_uri: str | None, no_mlflow: bool) -> None:
    """``cathodeml recommend --batch K``: the next batch as a CSV to fill in (see recommend.batch)."""
    from cathodeml.data.labs import DEFAULT_LAB, LabStore, check_name
    from cathodeml.errors import SpaceError
    from cathodeml.recommend.batch import MADE_SHARE, BatchConfig, fill_in_table, next_batch_name, propose_from_space
    from cathodeml.recommend.space import load_space, parse_objectives

    from cathodeml.tables import table_format, write_table
    from cathodeml.tracking.registry import model_uri

    refuse_same_file(output, space_path)
    table_format(output)
    space = load_space(space_path)
    try:
        objs = parse_objectives(objectives)
        cfg = BatchConfig(objs[0], k=k, acquisition=acquisition, kappa=kappa, best=best, min_distance=min_distance,
                          allow_out_of_domain=allow_out_of_domain, seed=seed)
    except (SpaceError, ValueError) as exc:
        fail(str(exc), USAGE)
    name = check_name(lab or DEFAULT_LAB)
    store = LabStore()
    measured, version = None, None
    if lab is not None and store.exists(lab):
        ds = store.get(lab)
        if ds.current is not None:
            measured, version = ds.load(), ds.current.version
    uri = model_uri(model)
    m = load_model_or_fail(uri)
    target = objs[0][0]
    if len(objs) > 1:
        out.print(f"batch: acquisition on {target} (the first objective); state the others as constraints in the space")
    out.print(f"scoring {min(space.size, cfg.max_candidates):,} of {space.size:,} candidates ({acquisition}"
              f"{f', kappa {kappa:g}' if acquisition == 'ucb' else ''}) for a batch of {k}"
              f"{f' beside lab {name} v{version} ({len(measured)} rows)' if measured is not None else ''}")
    try:
        with err.status("predicting and picking"):
            batch = propose_from_space(m, space, cfg, measured=measured, risk=risk)
    except ValueError as exc:
        fail(str(exc), USAGE)
    if batch.table.empty:
        err.print("[yellow]no eligible candidate: relax the constraints, or --allow-out-of-domain[/]")
        raise typer.Exit(1)
    batch_name = next_batch_name(name, measured)
    table = fill_in_table(batch, lab=name, batch_name=batch_name, objective=objs[0], acquisition_name=acquisition,
                          model_label=f"model {uri}")
    write_table(table, output, float_format="%.6g")
    dims = [c for c, _ in space.dims]
    t = Table(title=f"next batch {batch_name} ({len(table)}; {acquisition}; {target} prediction \\[interval]; "
                    f"in domain = of the {target} model)", title_justify="left")
    for c in ["record_id"] + dims + [target, "acquisition", "in domain"]:
        t.add_column(c, no_wrap=c in ("record_id", target))
    for i, row in batch.table.iterrows():
        cells = [table.loc[i, "record_id"]] + ["—" if pd.isna(row[c]) else f"{row[c]:.4g}" if isinstance(row[c], float)
                                               else str(row[c]) for c in dims]
        cells += [f"{row[f'{target}_pred']:.4g} [{row[f'{target}_lower']:.4g}–{row[f'{target}_upper']:.4g}]",
                  f"{row['acquisition']:.4g}", "yes" if row["objective_in_domain"] else "no"]
        t.add_row(*map(escape, cells))
    out.print(t)
    relaxed = "" if batch.min_distance == batch.requested_distance else f" (relaxed from {batch.requested_distance:.2f})"
    made = "" if measured is None else f", none within {batch.min_distance * MADE_SHARE:.2f} of a recipe already made"
    out.print(f"diversity: every two picks at least {batch.min_distance:.2f} apart in the {target} model's feature "
              f"space{relaxed}{made}; {batch.n_eligible:,} eligible candidates")
    others = int((~batch.table["in_domain"].astype(bool)).sum())
    if others:
        out.print(f"{others} of the picks lie outside another target's model domain: see domain_notes in the CSV")
    out.print(f"wrote {escape(str(output))}: measure the recipes, fill in the target columns (delete rows you did not "
              f"make), then `cathodeml data add {escape(str(output))} --lab {escape(name)}`")
    if not no_mlflow:
        from cathodeml.cli.common import print_run
        from cathodeml.recommend.runs import log_search
        from cathodeml.tracking.lineage import LAB_TAG_PREFIX

        params = {"batch": k, "objective": f"{target}:{'max' if objs[0][1] else 'min'}", "acquisition": acquisition,
                  "kappa": kappa, "min_distance": batch.min_distance, "risk": risk, "seed": seed,
                  "allow_out_of_domain": allow_out_of_domain, "model": uri, "lab": name}
        tags = {} if version is None else {f"{LAB_TAG_PREFIX}{name}": str(version)}
        print_run(log_search("recommend-batch", space_path, params, [space_path, output], model_uri=uri,
                             tracking_uri=tracking_uri, tags=tags))
