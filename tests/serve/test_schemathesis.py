"""Schemathesis against the app: cases generated from its own OpenAPI document, 0 server errors.

Every operation gets positive cases (bodies that fit the schema, so they reach the rules, the
model and the search) and negative ones (bodies that break it). CI runs a few hundred in all
(fixed seed, a few seconds); ``CATHODEML_FUZZ_CASES=2000 pytest tests/serve/test_schemathesis.py -s``
runs that many, with a fresh random seed, and prints the tally (docs/reliability.md records one).
The app runs with small limits so that a valid search is one NSGA-II generation; the limits
themselves are tested in test_limits.py.
"""

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from cathodeml.models.persistence import load_local_model
from cathodeml.serve.api import create_app
from cathodeml.serve.settings import ServiceSettings

CASES = int(os.environ.get("CATHODEML_FUZZ_CASES", "200"))
ON_DEMAND = "CATHODEML_FUZZ_CASES" in os.environ
#: Share of the cases per operation (GET /health and /model take no input: a few cases say all).
WEIGHTS = {"POST /predict": 0.4, "POST /explain": 0.2, "POST /recommend": 0.38, "GET /health": 0.01, "GET /model": 0.01}


@pytest.fixture(scope="module")
def schema(tiny_model_dir):
    limits = ServiceSettings(max_batch=5, max_trials=40, max_n=10, max_range_values=50, max_grid_size=100_000,
                             request_timeout_s=20)
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(load_local_model(tiny_model_dir), settings=limits))


def _run(operation, mode, n: int, tally: Counter, errors: list) -> None:
    @settings(max_examples=n, deadline=None, database=None, derandomize=not ON_DEMAND,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        res = case.call()
        tally[res.status_code] += 1
        if res.status_code >= 500:
            errors.append(f"{operation.label} {mode.value}: {res.status_code} {res.text[:300]} body={case.body!r:.500}")

    try:
        run()
    except Unsatisfiable:
        if mode.is_positive:
            raise  # no negative case exists for an operation without input (GET /health)


def test_generated_cases_get_no_server_error(schema):
    tally: Counter = Counter()
    per_op: dict[str, int] = {}
    errors: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert {op.label for op in operations} == set(WEIGHTS)
    for op in operations:
        before = sum(tally.values())
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            _run(op, mode, max(1, round(CASES * WEIGHTS[op.label] / 2)), tally, errors)
        per_op[op.label] = sum(tally.values()) - before
    print(f"\nschemathesis: {sum(tally.values())} cases, status codes {dict(sorted(tally.items()))}, per operation {per_op}")
    assert not errors, "\n".join(errors[:10])
    assert sum(tally.values()) >= 0.8 * CASES
    assert tally[200] > 0 and tally[422] > 0  # both kinds of cases reached the service
