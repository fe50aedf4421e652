"""The REST service: health, model info, predictions equal to the model's, 422 / 413 on bad input."""

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.models import CathodeModel
from cathodeml.models.persistence import load_local_model
from cathodeml.serve.api import create_app

GOOD = {"cathode": "NCM811", "coating": "Al2O3", "coating_wt_pct": 1.0, "v_min": 2.8, "v_max": 4.3,
        "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100, "electrolyte": "liquid"}


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return load_local_model(tiny_model_dir)


@pytest.fixture(scope="module")
def client(model):
    return TestClient(create_app(model, max_batch=5))


def test_health_and_model(client, model):
    assert client.get("/health").json() == {"status": "ok"}
    info = client.get("/model").json()
    assert info["targets"] == list(model.targets)
    assert info["data_sha256"] == model.meta["data_sha256"]
    assert info["feature_groups"]["protocol_v_max"] == "protocol"
    assert "retention_pct" in info["metrics"]


def test_predict_equals_the_model(client, model):
    res = client.post("/predict", json=[GOOD, GOOD | {"v_max": 4.5}])
    assert res.status_code == 200
    body = res.json()
    expected = model.predict(recipes_to_frame([Recipe(**GOOD), Recipe(**(GOOD | {"v_max": 4.5}))]))
    for i in range(2):
        assert body[i]["retention_pct_pred"] == pytest.approx(expected.loc[i, "retention_pct_pred"], rel=1e-6)
        assert body[i]["in_domain"] == bool(expected.loc[i, "in_domain"])
    assert set(body[0]) == set(model.prediction_columns())


def test_wrong_type_is_422_with_field_path(client):
    res = client.post("/predict", json=[GOOD, GOOD | {"v_max": "4.3"}])
    assert res.status_code == 422
    assert any(d["loc"][:3] == ["body", 1, "v_max"] for d in res.json()["detail"])


def test_rule_violation_is_422_with_row_and_column(client):
    res = client.post("/predict", json=[GOOD | {"v_max": 45.0}])
    assert res.status_code == 422
    (d,) = res.json()["detail"]
    assert d["loc"] == ["body", 0, "v_max"] and "outside 1.5–5 V" in d["msg"]


def test_missing_required_column_is_422(client):
    res = client.post("/predict", json=[{"v_max": 4.3}])
    assert res.status_code == 422
    assert res.json()["detail"][0]["loc"] == ["body", 0, "cathode"]


def test_unknown_coating_is_422(client):
    res = client.post("/predict", json=[GOOD | {"coating": "Unobtainium"}])
    assert res.status_code == 422
    d = res.json()["detail"][0]
    assert d["loc"] == ["body", 0, "coating"] and "known names" in d["msg"]


def test_unknown_enum_is_422(client):
    res = client.post("/predict", json=[GOOD | {"electrolyte": "gel"}])
    assert res.status_code == 422


def test_oversized_batch_is_413(client):
    assert client.post("/predict", json=[GOOD] * 6).status_code == 413


def test_docs_work_offline_every_asset_from_the_app(client):
    """/docs and /redoc reference only the app's own files, and each of them is served (200)."""
    import re

    for page in ("/docs", "/redoc"):
        res = client.get(page)
        assert res.status_code == 200
        html = res.text
        assert "http://" not in html and "https://" not in html and "cdn" not in html.lower()
        assets = set(re.findall(r'(?:src|href)="([^"]+)"', html)) | set(re.findall(r"url: '([^']+)'", html))
        assert {a for a in assets if a.endswith(".js")}, f"{page} references no script"
        for url in assets:
            assert url.startswith("/"), url
            got = client.get(url)
            assert got.status_code == 200 and len(got.content) > 1000, url
    assert "/predict" in client.get("/openapi.json").json()["paths"]


def test_a_near_miss_key_is_a_422_naming_the_canonical_column(client):
    res = client.post("/predict", json=[GOOD, GOOD | {"Coating": "Al2O3", "voltage_high": 4.5}])
    assert res.status_code == 422
    detail = {tuple(d["loc"]): d["msg"] for d in res.json()["detail"]}
    assert "did you mean 'coating'?" in detail[("body", 1, "Coating")]
    assert "did you mean 'v_max'?" in detail[("body", 1, "voltage_high")]
    assert client.post("/explain", json=[GOOD | {"v max": 4.3}]).status_code == 422


def test_a_truly_unknown_key_is_accepted_and_ignored(client):
    plain = client.post("/predict", json=[GOOD]).json()
    assert client.post("/predict", json=[GOOD | {"my_lab_note": "batch 7", "capacity_mah_g_pred": 1.0}]).json() == plain


@pytest.mark.parametrize("column", ["cycles", "rct_after_cycles"])
def test_an_integral_float_is_the_integer_and_a_fraction_is_refused(client, column):
    as_int = client.post("/predict", json=[GOOD | {column: 60}])
    as_float = client.post("/predict", json=[GOOD | {column: 60.0}])
    assert as_int.status_code == as_float.status_code == 200 and as_int.json() == as_float.json()
    res = client.post("/predict", json=[GOOD | {column: 60.5}])
    assert res.status_code == 422
    (d,) = res.json()["detail"]
    assert d["loc"] == ["body", 0, column] and "60.5 is not a whole number" in d["msg"]


def test_the_openapi_document_is_typed_with_units_from_the_schema(client, model):
    from cathodeml.schema import TARGET_UNITS, prediction_columns

    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    pred = schemas["Prediction"]["properties"]
    assert list(pred) == prediction_columns(list(model.targets))
    assert "[mAh/g]" in pred["capacity_mah_g_pred"]["description"]
    assert f"[{TARGET_UNITS['rct_ohm']}]" in pred["rct_ohm_upper"]["description"]
    assert f"{model.confidence:.0%}" in pred["retention_pct_lower"]["description"]
    assert pred["in_domain"]["type"] == "boolean" and pred["domain_notes"]["type"] == "string"
    recipe = schemas["RecipeIn"]["properties"]
    assert "[V]" in recipe["v_max"]["description"] and {"type": "integer"} in [
        {k: v for k, v in t.items() if k == "type"} for t in recipe["cycles"]["anyOf"]]

    def returns(path: str, method: str) -> dict:
        return doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]

    assert returns("/predict", "post")["items"]["$ref"].endswith("/Prediction")
    assert returns("/model", "get")["$ref"].endswith("/ModelInfo")
    assert returns("/health", "get")["$ref"].endswith("/Health")
    assert returns("/explain", "post")["items"]["additionalProperties"]["$ref"].endswith("/TargetExplanation")
    assert returns("/recommend", "post")["items"]["$ref"].endswith("/Recommendation")
    assert "limits" in schemas["ModelInfo"]["properties"]


def test_every_predicted_row_is_what_the_openapi_document_promises(client, model):
    """/predict skips FastAPI's response validation (speed): its rows are checked here instead,
    against the same row model the document is built from, for a recipe in and out of domain."""
    from cathodeml.serve.responses import prediction_row

    row = prediction_row(list(model.targets), model.confidence, model.domain is not None)
    far = GOOD | {"cathode": "NCM90", "coating": "Li3PO4", "coating_wt_pct": 9.0, "anneal_temp_c": 900.0}
    body = client.post("/predict", json=[GOOD, far, {"cathode": "NCM811"}]).json()
    assert len(body) == 3
    for got in body:
        assert set(got) == set(row.model_fields), set(got) ^ set(row.model_fields)
        assert row.model_validate(got).model_dump() == got


def test_small_and_large_batches_get_the_same_answers(model):
    """Batches up to FAST_ROWS are checked row by row, larger ones column-wise: same 422s, same numbers."""
    from cathodeml.serve.api import FAST_ROWS

    http = TestClient(create_app(model))
    bad = [GOOD | {"v_max": 45.0}, GOOD | {"cycles": 60.0, "coating": "LiAIO2"}, GOOD | {"cathode": "NCM812"}]
    small = http.post("/predict", json=bad).json()["detail"]
    large = http.post("/predict", json=bad + [GOOD] * FAST_ROWS).json()["detail"]
    assert small == large and len(small) == 3
    good = [GOOD | {"coating_wt_pct": 0.5 + 0.1 * i, "electrolyte": e} for i, e in enumerate(["liquid", None, "solid_oxide"])]
    few = http.post("/predict", json=good).json()
    many = http.post("/predict", json=good * (FAST_ROWS // 3 + 1)).json()
    assert many[: len(good)] == few


def test_real_uvicorn_on_loopback(tiny_model_dir, model):
    from tests.serve.helpers import serving

    with serving(tiny_model_dir) as (url, _):
        res = httpx.post(f"{url}/predict", json=[GOOD], timeout=10)
        assert res.status_code == 200
        expected = model.predict(recipes_to_frame([Recipe(**GOOD)]))
        assert np.isclose(res.json()[0]["capacity_mah_g_pred"], expected.loc[0, "capacity_mah_g_pred"])


def test_concurrent_requests_are_batched_and_isolated(model):
    """Concurrent requests share model calls, yet a bad one gets its own 422 and spoils no other."""
    import asyncio

    app = create_app(model)

    async def run():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            bodies = [[GOOD | {"v_max": 4.3 + 0.01 * i}] for i in range(20)]
            bodies[7] = [GOOD | {"v_max": 45.0}]
            return await asyncio.gather(*(c.post("/predict", json=b) for b in bodies))

    responses = asyncio.run(run())
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 19 and codes[7] == 422
    assert responses[7].json()["detail"][0]["loc"] == ["body", 0, "v_max"]
    expected = model.predict(recipes_to_frame([Recipe(**(GOOD | {"v_max": 4.3 + 0.01 * 3}))]))
    assert responses[3].json()[0]["retention_pct_pred"] == pytest.approx(expected.loc[0, "retention_pct_pred"], rel=1e-6)


def test_explain_endpoint_is_additive(client):
    res = client.post("/explain", json=[GOOD])
    assert res.status_code == 200
    body = res.json()[0]
    for t, e in body.items():
        assert e["base_value"] + sum(e["groups"].values()) == pytest.approx(e["prediction"], rel=1e-4, abs=1e-4)
    assert client.post("/explain", json=[GOOD | {"coating": "Unobtainium"}]).status_code == 422


def test_recommend_endpoint(client):
    from tests.recommend.test_search import SPACE

    res = client.post("/recommend", json={"space": SPACE | {"constraints": ["coating_wt_pct <= 1.5"]},
                                          "objectives": "retention_pct:max", "n": 3, "trials": 20})
    assert res.status_code == 200, res.text
    rows = res.json()
    assert 0 < len(rows) <= 3 and all((r["coating_wt_pct"] or 0) <= 1.5 for r in rows)
    bad = client.post("/recommend", json={"space": {"ranges": {"coating_wt_pct": {"min": 3, "max": 1, "step": 1}}}})
    assert bad.status_code == 422 and "need min ≤ max" in bad.json()["detail"][0]["msg"]
