"""The limits object: documented defaults, validated values (each a `cathodeml serve` option)."""

import json

import pytest

from cathodeml.serve.settings import ServiceSettings
from tests.serve.test_api import GOOD


def test_defaults_are_documented_and_sane():
    s = ServiceSettings()
    assert s.max_body_bytes == 16 * 2**20 and s.max_batch == 10_000 and s.max_trials == 2_000
    for name, field in ServiceSettings.model_fields.items():
        assert field.description, f"{name} has no description"
    with pytest.raises(ValueError):
        ServiceSettings(max_batch=0)
    # A full batch, every column written out, fits in the default body limit.
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
