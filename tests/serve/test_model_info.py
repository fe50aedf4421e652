"""GET /model shows what the model is, never where it lives on the server's disk."""

from fastapi.testclient import TestClient

from cathodeml.models.persistence import load_local_model
from cathodeml.serve.api import create_app


def test_model_info_has_no_filesystem_paths(tiny_model_dir):
    model = load_local_model(tiny_model_dir)
    text = TestClient(create_app(model, model_uri=str(tiny_model_dir))).get("/model").text
    assert str(tiny_model_dir) not in text and str(tiny_model_dir.parent) not in text
    info = TestClient(create_app(model, model_uri="models:/cathodeml/3")).get("/model").json()
    assert info["model_uri"] == "models:/cathodeml/3"
    assert info["limits"]["max_batch"] == 10_000
