"""Benchmark: where the time of a small prediction goes (issue 16), 1 and 50 recipes.

Times each step of what ``POST /predict`` does with a batch — the schema check, the defaults,
the featurizer, the boosters with their intervals, the applicability domain, the whole
``CathodeModel.predict`` — best of 5 repetitions, in one process, and prints each as a ratio to
the **reference measured in the same run**: the bare XGBoost predict of the models' boosters on
the featurized matrix (what a prediction cannot go below).

Steps are timed with the OpenMP/BLAS pools as the process starts (``default threads``, what the
service used before issue 16) and limited to one thread (what the service now does per
computing thread, :mod:`cathodeml.serve.compute`).

Run:  python benchmarks/predict_small.py MODEL_DIR [--rows 1 50]
      PYTHONPATH=OLD_TREE/src python benchmarks/predict_small.py MODEL_DIR   # the code before
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import pandas as pd

RECIPE = {"cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": 1.0, "v_min": 2.8, "v_max": 4.3,
          "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100, "electrolyte": "liquid"}


def best_ms(f: Callable[[], object], reps: int) -> float:
    f()
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            f()
        best = min(best, (time.perf_counter() - t) / reps)
    return best * 1000


def steps(model, n: int) -> dict[str, Callable[[], object]]:
    from cathodeml.data.defaults import with_defaults
    from cathodeml.data.rules import check_frame
    from cathodeml.features.recipe import as_recipe_frame

    from cathodeml.serve.schemas import INPUT_NAMES

    # A request's rows as the service hands them to the check: every input field, null where unknown.
    records = [{k: None for k in INPUT_NAMES} | RECIPE | {"coating_wt_pct": 0.5 + 0.01 * i} for i in range(n)]
    typed = as_recipe_frame(check_frame(pd.DataFrame.from_records(records), first_row=1).frame)
    X = model.featurize(typed)
    boosters = [(reg.estimator_, reg.columns_) for reg in model.targets.values()]
    out = {
        "reference: bare XGBoost predict": lambda: [est.predict(X[:, cols]) for est, cols in boosters],
        "schema check, column-wise (check_frame)": lambda: check_frame(pd.DataFrame.from_records(records), first_row=1),
    }
    try:
        from cathodeml.data.rowcheck import check_rows

        out["schema check, row-wise (check_rows) + typed frame"] = lambda: check_rows(records, first_row=1).frame()
    except ImportError:  # the code before issue 16
        pass
    out |= {
        "with_defaults": lambda: with_defaults(typed),
        "featurize (defaults included)": lambda: model.featurize(typed),
        "boosters + intervals (predict_features)": lambda: model.predict_features(X),
        "applicability domain (assess)": lambda: model.domain.assess(typed, X),
        "CathodeModel.predict (validate=False)": lambda: model.predict(typed, validate=False),
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--rows", type=int, nargs="+", default=[1, 50])
    args = ap.parse_args()
    from threadpoolctl import threadpool_limits

    from cathodeml.models.persistence import load_local_model

    import cathodeml

    model = load_local_model(args.model)
    print(f"{platform.node()} · {len(os.sched_getaffinity(0))} cores · Python {platform.python_version()} · "
          f"{time.strftime('%Y-%m-%d %H:%M')} · load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} · "
          f"cathodeml from {os.path.dirname(cathodeml.__file__)}")
    for threads in ("default threads", "one thread"):
        limit = threadpool_limits(1) if threads == "one thread" else None
        for n in args.rows:
            timed = {name: best_ms(f, 20 if n == 1 else 10) for name, f in steps(model, n).items()}
            ref = timed["reference: bare XGBoost predict"]
            print(f"--- {n} recipe(s), {threads}")
            for name, ms in timed.items():
                print(f"  {name:52s} {ms:8.2f} ms  {ms / ref:6.1f}× reference")
        if limit is not None:
            limit.restore_original_limits()


if __name__ == "__main__":
    main()
