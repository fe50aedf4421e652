"""``serve_batch``: one check for the whole batch, each request answered on its own rows.

The check is the service's real one (``api._check``, the row-wise executor for a batch this
small); ``predict`` is a stand-in for the model that records what it is asked and returns one
numbered row per recipe, so the assertions are on what the batcher routed where."""

from fastapi import HTTPException

from cathodeml.serve.api import _check
from cathodeml.serve.batcher import serve_batch
from tests.serve.test_api import GOOD


class Model:
    def __init__(self):
        self.calls: list[list[float]] = []

    def __call__(self, frame):
        wt = frame["coating_wt_pct"].tolist()
        self.calls.append(wt)
        return [{"wt": w} for w in wt]


def test_record_ids_clash_within_a_request_not_across_strangers():
    model = Model()
    requests = [[GOOD | {"record_id": "a", "coating_wt_pct": 1.0}],
                [GOOD | {"record_id": "a", "coating_wt_pct": 2.0}],  # the same id in another request: fine
                [GOOD | {"record_id": "b", "coating_wt_pct": 3.0}, GOOD | {"record_id": "b", "coating_wt_pct": 4.0}]]
    out = serve_batch(requests, _check, model)
    assert out[0] == [{"wt": 1.0}] and out[1] == [{"wt": 2.0}]
    assert isinstance(out[2], HTTPException) and out[2].status_code == 422
    assert [(d["loc"], d["msg"]) for d in out[2].detail] == [(["body", 0, "record_id"], "'b' is not unique"),
                                                             (["body", 1, "record_id"], "'b' is not unique")]
    assert model.calls == [[1.0, 2.0]]  # one model call for the good requests, nothing re-checked


def test_a_broken_rule_is_reported_on_the_requests_own_row_numbers():
    model = Model()
    requests = [[GOOD | {"coating_wt_pct": 1.0}], [GOOD, GOOD | {"v_max": 45.0}], [GOOD | {"coating_wt_pct": 2.0}]]
    out = serve_batch(requests, _check, model)
    assert isinstance(out[1], HTTPException)
    assert [d["loc"] for d in out[1].detail] == [["body", 1, "v_max"]]
    assert out[0] == [{"wt": 1.0}] and out[2] == [{"wt": 2.0}] and len(model.calls) == 1
