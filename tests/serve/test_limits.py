"""Bounded work per request: every limit answers at once with a 413/422 naming it (issue 14, item 1)."""

import json
import time
import tracemalloc

import pytest
from fastapi.testclient import TestClient

from cathodeml.models.persistence import load_local_model
from cathodeml.serve.api import create_app
from cathodeml.serve.settings import ServiceSettings
from tests.serve.test_api import GOOD
from tests.recommend.test_search import SPACE



@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return load_local_model(tiny_model_dir)


@pytest.fixture(scope="module")
def client(model):
    limits = ServiceSettings(max_body_bytes=20_000, max_batch=5, max_range_values=100, max_grid_size=10_000,
                             max_trials=100, max_n=10)
    return TestClient(create_app(model, settings=limits))


def _detail(res) -> str:
    return json.dumps(res.json()["detail"])


def test_body_over_the_limit_is_413_before_parsing(client):
    # Not JSON at all: a 413 (not a 422) proves the size was checked before any parsing.
    res = client.post("/predict", content=b"x" * 30_000, headers={"content-type": "application/json"})
    assert res.status_code == 413 and "max_body_bytes" in _detail(res)


def test_chunked_body_over_the_limit_is_413(client):
    def chunks():
        for _ in range(30):
            yield b"[" + b" " * 999

    res = client.post("/predict", content=chunks(), headers={"content-type": "application/json"})
    assert res.status_code == 413 and "max_body_bytes" in _detail(res)


def test_batch_is_counted_before_recipes_are_validated(client):
    # Six recipes of the wrong type: the count (413) is decided before any recipe is parsed.
    for path in ("/predict", "/explain"):
        res = client.post(path, json=[{"v_max": "not a number"}] * 6)
        assert res.status_code == 413, path
        assert "max_batch" in _detail(res) and "6" in _detail(res)


def test_a_body_of_another_type_is_422_not_500(client):
    res = client.post("/predict", content=b"x", headers={"content-type": "text/plain"})
    assert res.status_code == 422


def test_a_tiny_step_is_422_at_once_with_flat_memory(client):
    body = {"space": SPACE | {"ranges": {"coating_wt_pct": {"min": 0, "max": 1, "step": 1e-300}}}}
    tracemalloc.start()
    t = time.perf_counter()
    res = client.post("/recommend", json=body)
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert res.status_code == 422 and "max_range_values" in _detail(res)
    assert elapsed < 2 and peak < 50 * 2**20


def test_choices_and_total_grid_are_capped(client):
    many = {"space": SPACE | {"choices": {"coating_wt_pct": [0.01 * i for i in range(101)]}, "ranges": {}}}
    res = client.post("/recommend", json=many)
    assert res.status_code == 422 and "max_range_values" in _detail(res)
    # Each range within its cap (100 values), the grid (100 × 100 × 2) above max_grid_size.
    grid = {"space": SPACE | {"ranges": {"coating_wt_pct": {"min": 0.01, "max": 1.0, "step": 0.01},
                                         "anneal_temp_c": {"min": 301, "max": 400, "step": 1}}}}
    res = client.post("/recommend", json=grid)
    assert res.status_code == 422 and "max_grid_size" in _detail(res)


@pytest.mark.parametrize("field,value,limit", [("trials", 101, "max_trials"), ("n", 11, "max_n")])
def test_trials_and_n_are_capped(client, field, value, limit):
    res = client.post("/recommend", json={"space": SPACE, field: value})
    assert res.status_code == 422 and limit in _detail(res)


@pytest.mark.parametrize("space", [
    {},
    {"choices": ["coating"]},
    {"ranges": {"coating_wt_pct": [0, 1, 0.1]}},
    {"ranges": {"coating_wt_pct": {"min": 0, "max": 1, "step": 0}}},
    {"fixed": {"cathode": ["NCM811"]}},
    {"fixed": {"cathode": "NCM811", "v_max": "abc"}},
    {"constraints": "coating_wt_pct <= 1"},
    {"fixed": {"cathode": "NCM811", "cycles": -4.99e45}},  # found by schemathesis: crashed the rules
    {"fixed": {"cathode": "NCM811"}, "ranges": {"cycles": {"min": 1e40, "max": 1e40, "step": 1}}},
])
def test_malformed_spaces_are_422_not_500(client, space):
    res = client.post("/recommend", json={"space": space})
    assert res.status_code == 422, res.text


def test_non_finite_range_bounds_are_422(model):
    # Python's JSON reader accepts NaN and Infinity; the space rules must refuse them.
    c = TestClient(create_app(model))
    body = '{"space": {"fixed": {"cathode": "NCM811"}, "ranges": {"coating_wt_pct": {"min": 0, "max": Infinity, "step": 1}}}}'
    res = c.post("/recommend", content=body, headers={"content-type": "application/json"})
    assert res.status_code == 422


def test_recommend_over_its_time_budget_is_503_and_stops(model):
    """Over the budget: 503 naming the limit at once, and the search itself stops (its slot is free)."""
    app = create_app(model, settings=ServiceSettings(request_timeout_s=1.0, max_concurrent_heavy=1))
    c = TestClient(app)
    t = time.perf_counter()
    res = c.post("/recommend", json={"space": SPACE, "trials": 2000})  # ~8 s of search
    assert res.status_code == 503 and "request_timeout_s" in _detail(res)
    assert time.perf_counter() - t < 3
    ok = c.post("/recommend", json={"space": SPACE, "trials": 1, "n": 1})
    assert ok.status_code == 200, ok.text


def test_library_spaces_are_sized_before_they_are_built():
    """The command line's limits (SpaceLimits defaults): refused at once, with every other problem."""
    from cathodeml.errors import SpaceError
    from cathodeml.recommend.space import SearchSpace

    doc = {"fixed": {"cathode": "NCM811"}, "ranges": {"coating_wt_pct": {"min": 0, "max": 1, "step": 1e-300}},
           "constraints": ["x >"]}
    t = time.perf_counter()
    with pytest.raises(SpaceError) as err:
        SearchSpace.from_dict(doc)
    assert time.perf_counter() - t < 1
    assert "1e+300 values exceed the limit of 100,000" in str(err.value) and "constraint 'x >'" in str(err.value)
