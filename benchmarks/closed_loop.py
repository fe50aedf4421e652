"""Closed-loop benchmark: does `recommend --batch` find a paper's best recipe sooner than chance?

Pretend labs: literature papers that report retention for >= MIN_TREATED treated samples and an
untreated control under one retention protocol (same source, voltage window, cycling C-rate and
cycle count). Each lab starts from its control; its candidate pool is that paper's treated
recipes (a pool, not a grid: the lab can make exactly these), whose measured retention stays
hidden until picked. The paper is removed from the literature the models train on.

Strategies, per round (ROUNDS rounds of BATCH picks):

* loop — `cathodeml.recommend.batch.propose` (UCB, kappa 1, the default diversity rule) on a
  model retrained after every round on literature-minus-the-paper + the lab's rows so far (the
  control as batch-00, each round's picks as batch-NN: the lab's batches are its CV groups);
  the pool is allowed outside the domain (they are the paper's real recipes);
* loop-mean — the same loop, acquisition "mean" (exploitation only);
* literature-only — the pool ranked once by the literature-minus-the-paper model's predicted
  retention, BATCH picks per round in that order, never retrained;
* random — BATCH random picks per round (mean over SEEDS seeds).

Reported per round, each as the mean over pretend labs (and seeds): the best retention measured
so far (control included), the gap to the pool's best (0 = the best recipe was found), and the
share of labs that have found the pool's best.

Run:  python benchmarks/closed_loop.py [--min-treated 4] [--batch 2] [--rounds 3] [--seeds 20]
      [--n-estimators N] [--out benchmarks/out/closed_loop.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cathodeml.data.dataset import load_datacard, load_dataset
from cathodeml.data.treatments import is_treated
from cathodeml.recommend.batch import BatchConfig, propose
from cathodeml.schema import TARGETS
from cathodeml.training.config import TrainConfig
from cathodeml.training.train import train

TARGET = "retention_pct"
PROTOCOL = ["source", "v_min", "v_max", "cycle_c_rate", "cycles"]


def pretend_labs(frame: pd.DataFrame, min_treated: int) -> list[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """(source, control rows, treated pool) of every paper × retention protocol that qualifies."""
    rows = frame[frame[TARGET].notna()].copy()
    rows["_treated"] = is_treated(rows)
    key = rows[PROTOCOL].astype(str).agg("|".join, axis=1)
    labs = []
    for _, g in rows.groupby(key, sort=True):
        control, pool = g[~g["_treated"]], g[g["_treated"]]
        if len(control) >= 1 and len(pool) >= min_treated:
            labs.append((str(g["source"].iloc[0]), control.drop(columns="_treated"), pool.drop(columns="_treated")))
    return labs


def fit(literature: pd.DataFrame, lab: pd.DataFrame | None, cfg: TrainConfig):
    frame = literature if lab is None or lab.empty else pd.concat([literature, lab], ignore_index=True)
    return train(cfg, frame.reset_index(drop=True), evaluate=False).model


def hidden(pool: pd.DataFrame) -> pd.DataFrame:
    return pool.assign(**{t: np.nan for t in TARGETS}).reset_index(drop=True)


def as_lab_rows(rows: pd.DataFrame, source: str, batch: int) -> pd.DataFrame:
    return rows.assign(source=f"lab:{source}/batch-{batch:02d}")


def best_so_far(control: pd.DataFrame, pool: pd.DataFrame, picked: list[list[int]]) -> list[float]:
    best, out = float(control[TARGET].max()), []
    for r in picked:
        if r:
            best = max(best, float(pool[TARGET].iloc[r].max()))
        out.append(best)
    return out


def run_loop(source, control, pool, literature, cfg, batch, rounds, acquisition) -> list[list[int]]:
    lab = as_lab_rows(control, source, 0)
    left = list(range(len(pool)))
    picked: list[list[int]] = []
    for r in range(1, rounds + 1):
        if not left:
            picked.append([])
            continue
        model = fit(literature, lab, cfg)
        cands = hidden(pool.iloc[left])
        chosen = propose(model, cands, BatchConfig((TARGET, True), k=min(batch, len(left)), acquisition=acquisition,
                                                   allow_out_of_domain=True), measured=lab, validate=False)
        # map the picks back to pool positions (candidates keep their record ids)
        ids = list(chosen.table["record_id"])
        take = [i for i in left if pool["record_id"].iloc[i] in ids]
        picked.append(take)
        left = [i for i in left if i not in take]
        lab = pd.concat([lab, as_lab_rows(pool.iloc[take], source, r)], ignore_index=True)
    return picked


def run_ranked(order: list[int], batch: int, rounds: int) -> list[list[int]]:
    return [order[r * batch:(r + 1) * batch] for r in range(rounds)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-treated", type=int, default=4)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--n-estimators", type=int, default=None, help="XGBoost trees per model (default: the shipped model's)")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "closed_loop.json")
    args = ap.parse_args()
    start = time.perf_counter()
    data = load_dataset()
    cfg = TrainConfig(targets=(TARGET,), xgboost={} if args.n_estimators is None else {"n_estimators": args.n_estimators},
                      tracking={"enabled": False})
    labs = pretend_labs(data, args.min_treated)
    results = {"loop": [], "loop-mean": [], "literature-only": [], "random": []}
    gaps = {k: [] for k in results}
    found = {k: [] for k in results}  # per lab (and seed): 1 where the best so far is the pool's best
    detail = []
    for source, control, pool in labs:
        pool = pool.reset_index(drop=True)
        literature = data[data["source"] != source]
        top = float(pool[TARGET].max())
        traj = {}
        for name, acq in (("loop", "ucb"), ("loop-mean", "mean")):
            traj[name] = best_so_far(control, pool, run_loop(source, control, pool, literature, cfg, args.batch,
                                                             args.rounds, acq))
        model = fit(literature, None, cfg)
        pred = model.predict(hidden(pool), validate=False)[f"{TARGET}_pred"].to_numpy()
        traj["literature-only"] = best_so_far(control, pool, run_ranked(list(np.argsort(-pred, kind="stable")),
                                                                        args.batch, args.rounds))
        rnd = []
        for seed in range(args.seeds):
            order = list(np.random.default_rng(seed).permutation(len(pool)))
            rnd.append(best_so_far(control, pool, run_ranked(order, args.batch, args.rounds)))
        traj["random"] = list(np.mean(rnd, axis=0))
        for k, v in traj.items():
            results[k].append(v)
            gaps[k].append([top - x for x in v])
            runs = rnd if k == "random" else [v]
            found[k].append(list(np.mean([[x >= top - 1e-9 for x in r] for r in runs], axis=0)))
        detail.append({"source": source, "protocol": control[PROTOCOL[1:]].iloc[0].astype(str).to_dict(),
                       "control": float(control[TARGET].max()), "pool": [float(x) for x in pool[TARGET]],
                       "pool_best": top, **{k: [round(float(x), 2) for x in v] for k, v in traj.items()}})
        print(f"{source}: control {control[TARGET].max():.1f}, pool {sorted(pool[TARGET].round(1).tolist())}",
              {k: [round(x, 1) for x in v] for k, v in traj.items()}, flush=True)
    elapsed = time.perf_counter() - start
    r2 = lambda x: round(float(x), 2) + 0.0  # noqa: E731 (no "-0.0")
    summary = {k: {"best_per_round": [r2(x) for x in np.mean(v, axis=0)] if v else [],
                   "gap_per_round": [r2(x) for x in np.mean(gaps[k], axis=0)] if v else [],
                   "found_best_per_round": [r2(x) for x in np.mean(found[k], axis=0)] if v else []}
               for k, v in results.items()}
    report = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.node()} {platform.machine()} "
              f"{platform.processor() or ''} python {platform.python_version()}", "dataset": load_datacard().version,
              "min_treated": args.min_treated, "batch": args.batch, "rounds": args.rounds, "seeds": args.seeds,
              "n_estimators": args.n_estimators, "n_labs": len(labs), "pool_sizes": [len(p) for _, _, p in labs],
              "seconds": round(elapsed, 1), "summary": summary, "labs": detail}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in report if k != "labs"}, indent=2))


if __name__ == "__main__":
    main()
