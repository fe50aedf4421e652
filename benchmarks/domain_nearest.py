"""Benchmark: the applicability domain's nearest-neighbour search against scikit-learn's (issue 16).

For the all-rows space and each target's own feature space of a model: distances and verdicts
(distance above the leave-one-out threshold) of ``_Space.nearest`` (one BLAS product per chunk)
against ``sklearn.neighbors.NearestNeighbors`` (algorithm "auto", i.e. brute force at these
dimensions) on the same scaled training rows, on the shipped dataset and on 200,000 rows of the
1M grid of featurize_1m.py, with the time of each and their ratio.

Run:  python benchmarks/domain_nearest.py [MODEL_DIR]   (default: trains a default model first)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from featurize_1m import build  # noqa: E402
from predict_1m import get_model  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402

from cathodeml.data.dataset import load_dataset  # noqa: E402
from cathodeml.schema import TARGETS  # noqa: E402


def main() -> None:
    model = get_model()
    spaces = [("all rows", model.domain.space_)] + [(t, s.space) for t, s in model.domain.targets_.items()]
    shipped = load_dataset().drop(columns=list(TARGETS))
    for label, frame in (("shipped", shipped), ("grid 200k", build().iloc[::5].reset_index(drop=True))):
        X = model.featurize(model.validate(frame))
        for name, space in spaces:
            threshold = space.loo_threshold(model.domain.quantile)
            t = time.perf_counter()
            ours = space.nearest(X)
            t_ours = time.perf_counter() - t
            ref = NearestNeighbors(n_neighbors=1).fit(space._train_rows())
            t = time.perf_counter()
            theirs = np.concatenate([ref.kneighbors(space.scaled(X[i : i + 20_000]))[0][:, 0]
                                     for i in range(0, len(X), 20_000)])
            t_ref = time.perf_counter() - t
            rel = np.abs(ours - theirs) / np.maximum(1.0, np.abs(theirs))
            flips = int(((ours > threshold) != (theirs > threshold)).sum())
            print(f"{label:9s} {name:15s} rows {len(X):>7,}  max rel. diff {rel.max():.1e}  verdict flips {flips}  "
                  f"ours {t_ours:5.2f} s  sklearn {t_ref:5.2f} s  ratio {t_ours / max(t_ref, 1e-9):.2f}")


if __name__ == "__main__":
    main()
