"""The service's limits: validated, frozen, and each described (the description is its CLI help)."""

import json

import pytest
from pydantic import ValidationError

from cathodeml.serve.settings import ServiceSettings
from tests.serve.test_api import GOOD


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


def test_a_full_batch_with_every_column_fits_in_the_body_limit():
    s = ServiceSettings()
    from cathodeml.serve.schemas import INPUT_NAMES

    full = {n: None for n in INPUT_NAMES} | GOOD | {"record_id": "lab-notebook-2024-0001", "source": "10.1016/j.x.2024"}
    assert len(json.dumps([full] * s.max_batch)) < s.max_body_bytes


def test_every_setting_is_an_option_of_serve_with_its_description_as_help():
    from typer.testing import CliRunner

    from cathodeml.cli import app

    help_text = " ".join(CliRunner().invoke(app, ["serve", "--help"], terminal_width=400).output.split())
    for name, field in ServiceSettings.model_fields.items():
        flag = "--" + name.removesuffix("_s").replace("_", "-")
        assert flag in help_text, flag
        assert " ".join(field.description.split()[:4]) in help_text, name
