"""After a library call the process is as it was: MLflow's URIs, the environment, Optuna's
verbosity, matplotlib's backend and settings — and no store appears in the working directory.

(``global_state`` in conftest.py says what is compared; MLflow's own telemetry variable is left
out there, because MLflow sets and clears it whatever cathodeml does.)
"""

import optuna
import pytest

from cathodeml.explain.attribution import Explainer
from cathodeml.explain.plots import plot_global_importance
from cathodeml.models.target import TargetRegressor
from cathodeml.recommend.search import RecommendConfig, recommend
from cathodeml.recommend.space import SearchSpace
from cathodeml.tracking.registry import load_model
from cathodeml.training.tune import TunedRegressor
from tests.conftest import FAST_XGB, global_state, synthetic_frame
from tests.recommend.test_search import SPACE

STORES = {"mlflow.db", "mlruns", "cathodeml-runs", "optuna.db"}


def _differences(before: dict, after: dict) -> dict:
    out = {}
    for key in before:
        if before[key] != after[key]:
            if isinstance(before[key], dict):
                out[key] = {k: (before[key].get(k), after[key].get(k)) for k in set(before[key]) | set(after[key])
                            if before[key].get(k) != after[key].get(k)}
            else:
                out[key] = (before[key], after[key])
    return out


def test_a_tracked_training_run_leaves_no_global_state(tracked_run):
    # tracked_run ran `training.pipeline.run` (MLflow on, Optuna trials, plots) from an empty folder
    assert _differences(tracked_run.state_before, tracked_run.state_after) == {}
    assert tracked_run.cwd_files == [], "no mlflow.db, mlruns or cathodeml-runs in the working directory"


@pytest.mark.parametrize("name", ["registry.load_model", "recommend", "plot", "TunedRegressor.fit"])
def test_library_calls_leave_no_global_state(name, tracked_run, model, tmp_path, monkeypatch):
    frame = synthetic_frame(n_sources=2, per_source=6)
    calls = {
        "registry.load_model": lambda: load_model("models:/cathodeml/1", tracking_uri=tracked_run.tracking_uri),
        "recommend": lambda: recommend(model, SearchSpace.from_dict(SPACE),
                                       RecommendConfig(objectives=(("retention_pct", True),), trials=10, population=5)),
        "plot": lambda: plot_global_importance(Explainer(model).explain(frame), tmp_path / "imp.png"),
        "TunedRegressor.fit": lambda: TunedRegressor(TargetRegressor(params=FAST_XGB, confidence=None), n_trials=1,
                                                     n_splits=2).fit(model.featurize(frame), frame["retention_pct"]),
    }
    monkeypatch.chdir(tmp_path)
    before = global_state()
    calls[name]()
    assert _differences(before, global_state()) == {}, name
    assert not STORES & {p.name for p in tmp_path.iterdir()}, name


def test_the_comparison_sees_a_change(monkeypatch):
    # The check itself can fail: a changed setting shows up.
    before = global_state()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///elsewhere.db")
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        diff = _differences(before, global_state())
    finally:
        optuna.logging.set_verbosity(verbosity)
    assert set(diff) >= {"environ", "tracking_uri", "optuna_verbosity"}
    assert diff["environ"]["MLFLOW_TRACKING_URI"][1] == "sqlite:///elsewhere.db"
