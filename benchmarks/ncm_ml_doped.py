"""External benchmark: doped-NCM initial (IC) and 50th-cycle (EC) capacity, Wang et al. 2021.

Data: ../shared/datasets/ncm-ml-doped (168 rows, 59 DOIs), read in place; the 10 rows whose
stoichiometry is not a layered oxide by the reader's rule are left out (see
cathodeml.data.external.read_ncm_ml_doped). Each row is turned into
a recipe (cathodeml.data.external) and featurized with cathodeml's own featurizer; XGBoost with
cathodeml's capacity constraints is trained for IC and for EC.

Reported: RMSE (mAh/g) under (a) 20 random 80/20 splits (median) and (b) 5-fold CV grouped by DOI
(pooled out-of-fold). Reference, computed here the same way: plain XGBoost on the dataset's own
20 descriptors (incl. measured lattice constants). Paper: GB 16.66 / 18.59 on one random hold-out.

Run:  python benchmarks/ncm_ml_doped.py [--trials N]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import GroupKFold, train_test_split
from xgboost import XGBRegressor

from cathodeml.data.external import read_ncm_ml_doped
from cathodeml.features import RecipeFeaturizer
from cathodeml.models.estimators import make_xgb
from cathodeml.models.physics import PHYSICS
from cathodeml.models.target import TargetRegressor
from cathodeml.training.tune import TunedRegressor

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "ncm-ml-doped"


def rmse(y, p) -> float:
    return float(np.sqrt(mean_squared_error(y, p)))


def evaluate(make, X, y, groups) -> tuple[float, float]:
    random = []
    for seed in range(20):
        tr, te = train_test_split(np.arange(len(y)), test_size=0.2, random_state=seed)
        random.append(rmse(y[te], make().fit(X[tr], y[tr]).predict(X[te])))
    oof = np.empty(len(y))
    for tr, te in GroupKFold(n_splits=5).split(X, y, groups):
        oof[te] = make().fit(X[tr], y[tr]).predict(X[te])
    return float(np.median(random)), rmse(y, oof)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=0, help="Optuna trials (grouped-CV objective) before evaluating")
    args = ap.parse_args()
    if not FOLDER.is_dir():
        raise SystemExit(f"{FOLDER} not found: put the shared folder beside the repository")
    frame = read_ncm_ml_doped(FOLDER)
    raw = pd.read_csv(FOLDER / "NMC_numerical_new.csv", encoding="utf-8-sig")
    groups = frame["source"].to_numpy()
    f = RecipeFeaturizer().fit(frame)
    X = f.transform(frame)
    names = list(f.get_feature_names_out())
    own = raw.loc[frame.index].drop(columns=["IC", "EC"]).to_numpy()
    print(f"{len(frame)} rows, {len(set(groups))} DOIs; {platform.machine()}, python {platform.python_version()}")
    t0 = time.perf_counter()
    monotone = PHYSICS["capacity_mah_g"].monotone  # the capacity directions, over every feature
    for label, col in (("IC", "capacity_mah_g"), ("EC", "capacity_50_mah_g")):
        y = frame[col].to_numpy(float)
        params: dict = {}
        if args.trials:  # one search on all rows (its grouped numbers are then slightly optimistic)
            template = TargetRegressor(features=tuple(names), monotone=dict(monotone), confidence=None, seed=0)
            search = TunedRegressor(template, n_trials=args.trials, seed=0)
            params = search.fit(pd.DataFrame(X, columns=names), y, groups=groups).best_params_
        ours = evaluate(lambda: make_xgb(names, monotone, params, seed=0), X, y, groups)
        ref = evaluate(lambda: XGBRegressor(random_state=0, n_jobs=1), own, y, groups)
        print(f"{label}: cathodeml features  random(median of 20) {ours[0]:.2f}  grouped-by-DOI {ours[1]:.2f}   "
              f"| plain XGBoost on the dataset's descriptors: random {ref[0]:.2f}  grouped {ref[1]:.2f}"
              + (f"   (tuned, {args.trials} trials: {params})" if args.trials else ""))
    print(f"total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
