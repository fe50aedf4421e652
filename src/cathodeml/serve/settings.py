"""The REST service's limits: one validated object, each option of ``cathodeml serve``.

Every request does bounded work: a body larger than ``max_body_bytes`` is refused before it is
parsed, a batch is counted before its recipes are validated, a search space is sized before a
value is built, and whatever is accepted runs under a time budget. Each refusal names its
setting, so the answer says which option to raise. The defaults suit one 2-core machine serving
a lab; ``GET /model`` shows the values in force.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ServiceSettings(BaseModel):
    """Limits of one service instance (frozen; ``create_app(model, settings=...)``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_body_bytes: int = Field(16 * 2**20, ge=1024, description="largest request body in bytes, refused "
                                "before parsing (413); 10,000 recipes with every column written out are ~8 MB")
    max_batch: int = Field(10_000, ge=1, description="most recipes in one POST /predict or /explain, counted "
                           "before they are validated (413); also the most rows of one batched model call")
    max_range_values: int = Field(1_000, ge=1, description="most values of one /recommend range (counted from "
                                  "min, max and step, never listed) or choice list (422)")
    max_grid_size: int = Field(10**9, ge=1, le=10**15, description="most candidates in a /recommend grid, the "
                               "product of the value counts (422)")
    max_trials: int = Field(2_000, ge=1, le=50_000, description="most NSGA-II trials of one /recommend (422); "
                            "2,000 take ~8 s on a small model")
    max_n: int = Field(1_000, ge=1, le=10_000, description="most recipes /recommend returns (422)")
    request_timeout_s: float = Field(60.0, gt=0, description="time budget of one request; past it the work is "
                                     "stopped and the answer is 503")
    max_concurrent_heavy: int = Field(2, ge=1, description="/recommend and /explain requests computing at once; "
                                      "one more gets 503 with Retry-After at once (so /predict keeps its CPU)")
    shutdown_timeout_s: float = Field(5.0, gt=0, description="on SIGTERM: searches stop at once, other "
                                      "requests get this long to finish before the server exits")
