"""One thread per computation in the service: OpenMP and BLAS pools limited to one thread.

XGBoost and scikit-learn's neighbour search start an OpenMP team on every call, sized to the
machine. On a small request that team costs more than the work, and on a busy 2-core machine it
costs far more: its threads spin waiting for cores other processes hold. Measured on the
project's VM under load, one recipe's three boosters took 21 ms with the default team and 1.6 ms
with one thread; the domain's neighbour search 23 ms and 5 ms. A service gets its parallelism
from concurrent requests (coalesced batches, heavy requests in their own threads) and from
``cathodeml serve --workers N`` processes, not from teams inside one call.

OpenMP's thread count is a per-thread setting, so :func:`one_thread` is called by every thread
that computes (the batch worker, the heavy requests' threads); it costs one look-up after the
first call in a thread.
"""

from __future__ import annotations

import threading

_local = threading.local()
_controller = None


def one_thread() -> None:
    """Limit the calling thread's OpenMP and BLAS pools to one thread (once per thread)."""
    global _controller
    if getattr(_local, "limited", False):
        return
    from threadpoolctl import ThreadpoolController

    if _controller is None:
        _controller = ThreadpoolController()  # finds the loaded pools once (a scan of the process)
    _controller.limit(limits=1)
    _local.limited = True
