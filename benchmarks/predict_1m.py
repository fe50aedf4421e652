"""Benchmark: `predict` on 1,000,000 candidate recipes (few unique chemistries), issue 7.

Times, on an in-memory frame (CSV parsing excluded): the whole CathodeModel.predict (schema check +
featurize + 3 conformal XGBoost models + applicability domain) and, for reference, the bare
XGBoost ``predict`` calls of the three targets on the already-featurized matrix.

Run:  python benchmarks/predict_1m.py [MODEL_DIR]   (default: trains a default model first)
Goals: ≤ 10 s end to end; ≤ 2× the bare XGBoost predict time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from featurize_1m import build  # noqa: E402

from cathodeml.models import CathodeModel  # noqa: E402
from cathodeml.tracking.registry import load_model  # noqa: E402


def get_model() -> CathodeModel:
    if len(sys.argv) > 1:
        return load_model(sys.argv[1])
    from cathodeml.training.config import TrainConfig
    from cathodeml.training.train import load_training_data, train

    data = load_training_data(None)
    return train(TrainConfig(tracking={"enabled": False}), data.frame, data_sha256=data.sha256, evaluate=False).model


def main() -> None:
    model = get_model()
    frame = build()
    model.predict(frame.head(1000))  # warm-up (imports, caches)
    steps = {}
    t0 = time.perf_counter()
    typed = model.validate(frame)
    steps["schema check"] = time.perf_counter() - t0
    t = time.perf_counter()
    X = model.featurize(typed)
    steps["featurize"] = time.perf_counter() - t
    t = time.perf_counter()
    preds = model.predict_features(X)
    steps["conformal predict (3 targets)"] = time.perf_counter() - t
    t = time.perf_counter()
    dom = model.domain.assess(typed, X)
    steps["applicability domain"] = time.perf_counter() - t
    steps_total = time.perf_counter() - t0
    t = time.perf_counter()
    out = model.predict(frame)  # the one call a user makes
    total = time.perf_counter() - t
    # Reference: each target's bare XGBoost predict on the matrix it reads (selected beforehand).
    inputs = {t: tm.model_matrix(X) for t, tm in model.targets.items()}
    t = time.perf_counter()
    for name, tm in model.targets.items():
        tm.estimator_.predict(inputs[name])
    bare = time.perf_counter() - t
    for k, v in steps.items():
        print(f"  {k:32s} {v:6.2f} s")
    print(f"  {'(sum of the steps)':32s} {steps_total:6.2f} s")
    print(f"end to end, CathodeModel.predict (excl. CSV parsing): {total:.2f} s for {len(frame):,} rows; "
          f"bare XGBoost predict x{len(model.targets)}: {bare:.2f} s; ratio {total / bare:.1f}x; "
          f"in domain: {dom['in_domain'].mean():.1%}")
    assert len(preds) == len(frame) == len(out)


if __name__ == "__main__":
    main()
