"""Isolation: a request that crashes the model, or breaks a rule, affects that request only (issue 14, item 2).

The model is wrapped (a test double of the *model*, not of the service under test) so that one marked
recipe raises inside ``predict``, as dopant ``D`` did before the validation rules caught it.
"""

import asyncio
import copy
import logging
import time

import httpx
import numpy as np
import pytest

from cathodeml.models.persistence import load_local_model
from cathodeml.serve.api import create_app
from cathodeml.serve.settings import ServiceSettings
from tests.serve.test_api import GOOD

MARK = 2.345  # coating_wt_pct of the recipe the wrapped model crashes on


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return load_local_model(tiny_model_dir)


class Recorder:
    """Wraps a model: records the rows of every predict call; raises on the marked recipe."""

    def __init__(self, model):
        self.wrapped = copy.copy(model)
        self.calls: list[int] = []
        real = model.predict

        def predict(frame, validate=True):
            self.calls.append(len(frame))
            if np.isclose(frame["coating_wt_pct"].astype(float), MARK).any():
                raise KeyError("D")
            return real(frame, validate=validate)

        self.wrapped.predict = predict


def _bodies(n: int = 20) -> list[list[dict]]:
    return [[GOOD | {"coating_wt_pct": 0.5 + 0.05 * i}] for i in range(n)]


async def _send_all(app, path: str, bodies) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as c:
        return await asyncio.gather(*(c.post(path, json=b) for b in bodies))


def test_a_crashing_recipe_fails_only_its_own_request(model, caplog):
    rec = Recorder(model)
    bodies = _bodies()
    bodies[7] = [GOOD | {"coating_wt_pct": MARK}]
    with caplog.at_level(logging.ERROR, logger="cathodeml.serve"):
        responses = asyncio.run(_send_all(create_app(rec.wrapped), "/predict", bodies))
    codes = [r.status_code for r in responses]
    assert codes[7] == 500 and codes.count(200) == 19, codes
    assert "Traceback" not in responses[7].text and "KeyError" not in responses[7].text
    expected = model.predict(load_frame([b[0] for b in bodies]))["retention_pct_pred"]
    for i, res in enumerate(responses):
        if res.status_code == 200:
            assert res.json()[0]["retention_pct_pred"] == pytest.approx(expected[i], rel=1e-6)
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records), "logged with its traceback"


def test_a_422_does_not_rerun_its_neighbours(model):
    """A request that breaks a rule is answered from the batch's own check: good rows are predicted once."""
    rec = Recorder(model)
    bodies = _bodies()
    bodies[7] = [GOOD | {"v_max": 45.0}]
    responses = asyncio.run(_send_all(create_app(rec.wrapped), "/predict", bodies))
    codes = [r.status_code for r in responses]
    assert codes[7] == 422 and codes.count(200) == 19
    assert sum(rec.calls) == 19 and len(rec.calls) <= 5, rec.calls  # it was 19 calls of one row each


def test_rules_across_rows_judge_each_request_on_its_own(model):
    """Unique record_id holds within a request, not across the strangers batched with it."""
    bodies = _bodies(10)
    for b in bodies:
        b[0]["record_id"] = "sample-1"
    bodies[4] = [GOOD | {"record_id": "twin"}, GOOD | {"record_id": "twin"}, GOOD | {"v_max": 45.0}]
    responses = asyncio.run(_send_all(create_app(model), "/predict", bodies))
    codes = [r.status_code for r in responses]
    assert codes[4] == 422 and codes.count(200) == 9, codes
    locs = sorted(tuple(d["loc"]) for d in responses[4].json()["detail"])
    assert locs == [("body", 0, "record_id"), ("body", 1, "record_id"), ("body", 2, "v_max")]


def test_a_request_that_crashes_validation_fails_alone(model):
    """Whatever the rules let through or choke on, the neighbours get their 200."""
    bodies = _bodies()
    bodies[3] = [GOOD | {"cycles": 10**30}]
    responses = asyncio.run(_send_all(create_app(model), "/predict", bodies))
    codes = [r.status_code for r in responses]
    assert codes[3] in (422, 500) and codes.count(200) == 19, codes


def test_explain_crash_is_a_clean_500(model):
    broken = copy.copy(model)

    def featurize(frame):
        raise KeyError("D")

    broken.featurize = featurize  # what the explainer calls first
    app = create_app(broken)
    responses = asyncio.run(_send_all(app, "/explain", [[GOOD]]))
    assert responses[0].status_code == 500 and "KeyError" not in responses[0].text
    assert "error id" in responses[0].json()["detail"]


def test_predict_over_its_time_budget_is_503(model):
    slow = copy.copy(model)
    real = model.predict

    def predict(frame, validate=True):
        time.sleep(1.5)
        return real(frame, validate=validate)

    slow.predict = predict
    app = create_app(slow, settings=ServiceSettings(request_timeout_s=0.3))

    async def timed():
        t = time.perf_counter()
        (res,) = await _send_all(app, "/predict", [[GOOD]])
        return res, time.perf_counter() - t

    res, elapsed = asyncio.run(timed())
    assert res.status_code == 503 and "request_timeout_s" in res.text
    assert elapsed < 1.2


def load_frame(body: list[dict]):
    from cathodeml.data.recipe import Recipe, recipes_to_frame

    return recipes_to_frame([Recipe(**r) for r in body])
