"""Near-valid recipes against the app: mostly accepted, so the model, the batcher and the explainer run.

Schemathesis's bodies are almost all rejected by the rules (random text is no cathode); this
generator builds recipes from what the rules accept — known cathodes and coatings, element symbols,
numbers in and just past each column's range, the boundaries themselves — and sends them in
batches to /predict and /explain. Every answer must be a 200 or a 422. 60 batches in CI;
``CATHODEML_FUZZ_CASES=N`` for N of them (randomly seeded).
"""

import math
import os
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cathodeml.models.persistence import load_local_model
from cathodeml.schema import COLUMNS
from cathodeml.serve.api import create_app
from cathodeml.serve.settings import ServiceSettings

ON_DEMAND = "CATHODEML_FUZZ_CASES" in os.environ
BATCHES = int(os.environ.get("CATHODEML_FUZZ_CASES", "60"))
CATHODES = ["NCM811", "NCM622", "NCM523", "NCM111", "NCM90", "NCA", "NCMA", "LNO", "LiNi0.8Co0.1Mn0.1O2",
            "LiNi0.6Co0.2Mn0.2O2", "LiNi0.88Co0.09Al0.03O2", "LiNiO2"]
COATINGS = ["Al2O3", "LiAlO2", "Li3PO4", "ZrO2", "TiO2", "Li2ZrO3", "AlF3", "LiNbO3", "B2O3", "PEDOT", "carbon", "LZO"]
DOPANTS = ["Al", "Mg", "Ti", "Zr", "W", "B", "Nb", "Ta", "Mo", "Al,Mg", "Ti,Zr"]
TEXT = {"cathode": CATHODES, "coating": COATINGS, "dopant": DOPANTS, "regen_li_source": ["LiOH", "Li2CO3"]}


def _number(c):
    lo, hi = (c.lo if c.lo is not None else -1e3), (c.hi if c.hi is not None else 1e3)
    span = hi - lo
    inside = st.floats(lo, hi, allow_nan=False) | st.sampled_from([lo, hi])
    outside = st.floats(lo - span, hi + span, allow_nan=False)
    values = st.one_of(inside, inside, inside, outside)
    return values.map(round) if c.kind == "int" else values


def _column(c):
    if c.kind in ("float", "int"):
        return _number(c)
    if c.kind == "enum":
        return st.sampled_from(c.choices)
    return st.sampled_from(TEXT.get(c.name, ["lab A", "x"]))


RECIPE = st.fixed_dictionaries({"cathode": st.sampled_from(CATHODES)}, optional={
    c.name: _column(c) | st.none() for c in COLUMNS if c.section != "target" and c.name != "cathode"})


@pytest.fixture(scope="module")
def client(tiny_model_dir):
    limits = ServiceSettings(max_batch=8, request_timeout_s=30)
    return TestClient(create_app(load_local_model(tiny_model_dir), settings=limits))


def test_near_valid_recipes_get_200_or_422(client):
    tally: Counter = Counter()
    errors: list[str] = []

    @settings(max_examples=BATCHES, deadline=None, database=None, derandomize=not ON_DEMAND,
              suppress_health_check=list(HealthCheck))
    @given(batch=st.lists(RECIPE, min_size=1, max_size=5), path=st.sampled_from(["/predict", "/predict", "/explain"]))
    def run(batch, path):
        res = client.post(path, json=batch)
        tally[(path, res.status_code)] += 1
        if res.status_code not in (200, 422):
            errors.append(f"{path} {res.status_code} {res.text[:200]} body={batch!r:.600}")
        elif res.status_code == 200:
            assert len(res.json()) == len(batch)
            assert all(v is None or not isinstance(v, float) or math.isfinite(v)
                       for row in res.json() for v in row.values())

    run()
    print(f"\nnear-valid: {sum(tally.values())} batches, {dict(sorted(tally.items()))}")
    assert not errors, "\n".join(errors[:10])
    assert sum(n for (_, code), n in tally.items() if code == 200) >= 0.1 * BATCHES  # the model ran
