"""Request bodies of the service: a search space's shape is checked before anything is built, and
the /recommend settings carry their limits."""

import pytest
from pydantic import ValidationError

from cathodeml.serve.schemas import SpaceIn, recommend_request
from cathodeml.serve.settings import ServiceSettings


def test_the_recommend_body_carries_the_limits():
    Req = recommend_request(ServiceSettings(max_trials=50, max_n=5))
    ok = Req(space={"fixed": {"cathode": "NCM811"}}, trials=50, n=5)
    assert ok.trials == 50 and ok.risk == "pessimistic"
    with pytest.raises(ValidationError, match="exceed the limit of 50 \\(max_trials\\)"):
        Req(space={}, trials=51)
    with pytest.raises(ValidationError, match="max_n"):
        Req(space={}, n=6)
    with pytest.raises(ValidationError):
        Req(space={}, trials=10, surprise=1)  # unknown keys are refused


def test_a_space_names_only_recipe_columns():
    SpaceIn(fixed={"cathode": "NCM811"}, ranges={"coating_wt_pct": {"min": 0, "max": 1, "step": 0.5}})
    with pytest.raises(ValidationError):
        SpaceIn(fixed={"capacity_mah_g": 200})  # a target is not an input
    with pytest.raises(ValidationError):
        SpaceIn(ranges={"coating": {"min": 0, "max": 1, "step": 1}})  # not numeric
