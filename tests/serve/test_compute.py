"""One OpenMP/BLAS thread per computing thread of the service, set once per thread."""

import os
import threading

import pytest
from threadpoolctl import threadpool_info

import cathodeml.models  # noqa: F401 — loads XGBoost and scikit-learn, whose OpenMP pool is limited
from cathodeml.serve.compute import one_thread


def _openmp_threads() -> int:
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "openmp")


def _in_thread(work):
    box = {}
    t = threading.Thread(target=lambda: box.update(value=work()))
    t.start()
    t.join()
    return box["value"]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: every pool has one thread already")
def test_the_calling_thread_computes_on_one_thread_and_others_keep_theirs():
    if not any(i["user_api"] == "openmp" for i in threadpool_info()):
        pytest.skip("no OpenMP runtime loaded")
    before = _in_thread(_openmp_threads)
    assert _in_thread(lambda: (one_thread(), one_thread(), _openmp_threads())[-1]) == 1
    assert _in_thread(_openmp_threads) == before > 1
