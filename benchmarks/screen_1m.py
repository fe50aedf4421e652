"""Benchmark: `screen` over a 1,000,000-candidate grid, end to end (issue 8).

20 cathodes × 50 coatings × 10 wt % × 10 anneal temperatures × 10 upper cut-offs, ranked by
pessimistic retention, top 100 kept; single process, then on a local Dask cluster (2 workers).
Goal: ≤ 15 s single node.    Run:  python benchmarks/screen_1m.py [MODEL_DIR]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from featurize_1m import ANNEAL, CATHODES, COATINGS, WT  # noqa: E402
from predict_1m import get_model  # noqa: E402

from cathodeml.recommend.screen import screen  # noqa: E402
from cathodeml.recommend.space import SearchSpace  # noqa: E402

SPACE = {
    "fixed": {"electrolyte": "liquid", "cell_type": "half", "coating_method": "wet_chemical", "anneal_time_h": 4},
    "protocol": {"v_min": 2.8, "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100},
    "choices": {"cathode": CATHODES, "coating": COATINGS, "coating_wt_pct": WT, "anneal_temp_c": ANNEAL,
                "v_max": [4.2, 4.25, 4.3, 4.35, 4.4, 4.45, 4.5, 4.55, 4.6, 4.7]},
}


def main() -> None:
    model = get_model()
    space = SearchSpace.from_dict(SPACE)
    print(f"grid: {space.size:,} candidates")
    screen(model, space, ("retention_pct", True), top=10, chunksize=1000, allow_out_of_domain=True)  # warm-up
    t = time.perf_counter()
    top = screen(model, space, ("retention_pct", True), top=100, chunksize=200_000, allow_out_of_domain=True)
    single = time.perf_counter() - t
    print(f"single process: {single:.1f} s; best: {top.iloc[0][['cathode', 'coating', 'coating_wt_pct', 'v_max']].to_dict()}"
          f" retention lower bound {top.iloc[0]['retention_pct_lower']:.1f}")
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        screen(model, space, ("retention_pct", True), top=10, chunksize=1000, allow_out_of_domain=True, client=client)
        t = time.perf_counter()
        top_d = screen(model, space, ("retention_pct", True), top=100, chunksize=100_000, allow_out_of_domain=True,
                       client=client)
        dask_time = time.perf_counter() - t
    same = top_d["grid_index"].tolist() == top["grid_index"].tolist()
    print(f"Dask local cluster (2 workers): {dask_time:.1f} s; same top 100: {same}")


if __name__ == "__main__":
    main()
