"""The service's limits: validated, frozen, and each described (the description is its CLI help)."""

import pytest
from pydantic import ValidationError

from cathodeml.serve.settings import ServiceSettings


def test_defaults_are_bounded_and_frozen():
    s = ServiceSettings()
    assert s.max_body_bytes == 16 * 2**20 and s.max_batch == 10_000 and s.max_trials == 2_000
    with pytest.raises(ValidationError):
        s.max_batch = 5  # type: ignore[misc]


@pytest.mark.parametrize("bad", [{"max_batch": 0}, {"max_body_bytes": 10}, {"request_timeout_s": 0},
                                 {"max_grid_size": 10**16}, {"unknown": 1}])
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValidationError):
        ServiceSettings(**bad)


def test_every_limit_is_described():
    for name, field in ServiceSettings.model_fields.items():
        assert field.description and len(field.description) > 20, name
