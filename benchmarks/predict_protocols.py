"""Benchmark: `predict` on 200,000 recipes whose protocol varies (C-rate 0.05–20 C, −20–80 °C)
against the same recipes at the usual protocol (0.1 C, 25 °C), issue 13 / 16.

Where physics fixes a direction (capacity falls with the C-rate, retention with temperature),
the interval's ruled-out bound is the extreme over the usual value and the trees' split values
up to the recipe's own (`TargetRegressor.predict_interval`): extra model passes, only for rows
whose test is harder than usual. This prints both times and their ratio, measured in one run.

Run:  python benchmarks/predict_protocols.py [MODEL_DIR] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd


def frames(n: int = 200_000, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    cathodes = np.array(["NCM811", "NCM622", "NCM523", "NCM90", "NCA", "LiNiO2", "LiNi0.6Co0.2Mn0.2O2"])
    varied = pd.DataFrame({
        "cathode": rng.choice(cathodes, n), "v_min": rng.choice([2.5, 2.7, 2.8, 3.0], n),
        "v_max": rng.choice([4.2, 4.3, 4.4, 4.5, 4.6], n),
        "capacity_c_rate": rng.choice([0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20], n),
        "cycle_c_rate": rng.choice([0.1, 0.5, 1, 2, 5], n), "cycles": rng.choice([10, 50, 100, 500, 1000, 2000], n),
        "test_temp_c": rng.choice([-20.0, 0.0, 10.0, 25.0, 35.0, 45.0, 55.0, 60.0, 80.0], n)})
    return varied, varied.assign(capacity_c_rate=0.1, test_temp_c=25.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model", nargs="?", help="a model directory (default: train one on the shipped data)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if args.model:
        from cathodeml.tracking.registry import load_model

        model = load_model(args.model)
    else:
        from cathodeml.training.config import TrainConfig
        from cathodeml.training.train import load_training_data, train

        data = load_training_data(None)
        model = train(TrainConfig(tracking={"enabled": False}), data.frame, evaluate=False).model
    varied, usual = frames()
    model.predict(varied.head(1000))  # warm-up
    for r in range(args.rounds):
        times = {}
        for name, frame in (("varied", varied), ("usual", usual)):
            t = time.perf_counter()
            model.predict(frame)
            times[name] = time.perf_counter() - t
        print(f"round {r + 1}: {len(varied):,} recipes, varied protocol {times['varied']:.2f} s, usual protocol "
              f"{times['usual']:.2f} s, ratio {times['varied'] / times['usual']:.2f}", flush=True)


if __name__ == "__main__":
    main()
