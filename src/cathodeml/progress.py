"""Progress hooks: how a long library call tells its caller how far it is, without printing.

The library never prints; the command line plugs a rich bar on stderr into these hooks
(:class:`cathodeml.cli.common.RichProgress`), a notebook may pass its own, and the default does
nothing. One protocol for every long call (training, tuning, explaining), so one adapter serves all.
"""

from __future__ import annotations


class Progress:
    """No-op progress hooks: ``start(total, description)``, ``advance()`` per step, ``stop()``."""

    def start(self, total: int, description: str) -> None: ...
    def advance(self) -> None: ...
    def stop(self) -> None: ...
