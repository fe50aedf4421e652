"""Benchmark: check and read 200,000 recipe rows (the reader's cost at screening scale).

Run on demand:  python benchmarks/read_200k.py [--rows N]
Reports the best of 5 runs of ``check_frame`` on a frame of raw cell strings (what a CSV gives)
and of ``read_recipes`` on the same rows written to a CSV file, so a change to the reader can be
compared before and after (docs/reliability.md, "Input files"). Times are CPU seconds of this
process (``time.process_time``; the work is single-threaded), which other jobs on a shared
machine disturb far less than wall time.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path


from cathodeml.data.io import read_recipes
from cathodeml.data.rules import check_frame

try:  # run as a script from the repository root or as a module
    from featurize_1m import build
except ImportError:  # pragma: no cover
    from benchmarks.featurize_1m import build


def best_of(n: int, func) -> float:
    times = []
    for _ in range(n):
        t = time.process_time()
        func()
        times.append(time.process_time() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    args = ap.parse_args()
    frame = build().sample(n=args.rows, random_state=0).reset_index(drop=True)
    frame.insert(0, "record_id", [f"r{i}" for i in range(len(frame))])
    raw = frame.astype(str)
    print(f"{len(raw):,} rows x {raw.shape[1]} columns; {platform.machine()}, python {platform.python_version()}")
    check_frame(raw.head(100))  # warm imports and parse caches
    t_check = best_of(5, lambda: check_frame(raw))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "recipes.csv"
        raw.to_csv(path, index=False)
        t_read = best_of(5, lambda: read_recipes(path))
    print(f"check_frame: {t_check:.3f} s   read_recipes: {t_read:.3f} s   (CPU, best of 5)")


if __name__ == "__main__":
    main()
