"""Shared fixtures: the trained models of the test run, MLflow stores, tiny recipe tables.

Training is what costs time, so each model below is trained once per test run:

* ``model`` / ``model_dir`` — THE model: the shipped dataset, the default configuration, fitted
  once without cross-validation (``train(..., evaluate=False)``). Tests that only need *a* real
  model to predict, explain or recommend with use it.
* ``synthetic_training`` / ``tiny_model_dir`` — the synthetic table with known trends, trained
  once *with* cross-validation: for tests of CV behaviour (and the service tests).
* ``tracked_run`` — one :func:`cathodeml.training.pipeline.run` with MLflow on a temporary sqlite
  store: for the tests of what a run logs, registers and packages.

``tracking_uri`` hands a test a fresh, empty MLflow store in a blink: a copy of one store
migrated once per run (creating a sqlite store runs MLflow's migrations, ~2 s each time).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

#: Small XGBoost for tests that train more than once (trees are most of the cost).
FAST_XGB = {"n_estimators": 5, "learning_rate": 0.5}
#: The configuration of ``synthetic_training``: small, but enough folds to compare models.
SYNTHETIC_CONFIG_KW = {"xgboost": {"n_estimators": 20}, "n_splits": 3}
#: A one-parameter search space: a trial costs as much as one small fit.
TINY_SPACE = {"max_depth": {"type": "int", "low": 2, "high": 3}}


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found beside the repository ({SHARED}); third-party data tests need it")
    return SHARED


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (list of dicts) to a CSV and return its path."""
    import csv

    def _write(rows: list[dict], name: str = "recipes.csv") -> Path:
        cols: list[str] = []
        for r in rows:
            cols += [k for k in r if k not in cols]
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
        return path

    return _write


def synthetic_recipes(n_sources: int = 6, per_source: int = 10, seed: int = 0):
    """A small recipe table with known physics-like trends (for end-to-end training tests).

    capacity rises with Ni and v_max and falls with C-rate; retention falls with Ni, cycles and
    v_max and improves with a ~1 wt% Al2O3 coating (optimum); each source adds its own offset.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    rows = []
    cathodes = {"NCM622": 0.6, "NCM811": 0.8, "NCM90": 0.9}
    for s in range(n_sources):
        offset = rng.normal(0, 2)
        for i in range(per_source):
            cath = list(cathodes)[(s + i) % 3]
            ni = cathodes[cath]
            coated = i % 2 == 1
            wt = [0.5, 1.0, 2.0, 3.0][i % 4] if coated else None
            vmax = [4.3, 4.5][(i // 2) % 2]
            rate = [0.1, 1.0][(i // 3) % 2]
            cycles = [100, 200][(i // 4) % 2]
            cap = 100 + 110 * ni + 30 * (vmax - 4.3) - 12 * np.log10(rate / 0.1) + offset + rng.normal(0, 1)
            coat_gain = (8 - 4 * (wt - 1.0) ** 2) if coated else 0.0
            ret = 120 - 40 * ni - 0.05 * cycles - 20 * (vmax - 4.3) + coat_gain + offset + rng.normal(0, 1)
            rows.append({
                "record_id": f"syn-{s}-{i}", "source": f"10.0000/synthetic.{s}", "notes": "synthetic",
                "cathode": cath, "coating": "Al2O3" if coated else "", "coating_wt_pct": wt if coated else "",
                "regen_method": "none", "electrolyte": "liquid", "cell_type": "half",
                "v_min": 2.8, "v_max": vmax, "capacity_c_rate": rate, "cycle_c_rate": 1.0, "cycles": cycles,
                "rct_after_cycles": 0 if i % 2 == 0 else 100,
                "capacity_mah_g": round(cap, 2), "retention_pct": round(min(ret, 100), 2),
                "rct_ohm": round(float(10 ** (1.5 + (0.5 if i % 2 else 0) + 0.3 * ni + rng.normal(0, 0.05))), 2),
            })
    return pd.DataFrame(rows)


def synthetic_frame(**kwargs):
    """:func:`synthetic_recipes` typed by the reader's rules (as read from its CSV)."""
    from cathodeml.data.rules import check_frame

    return check_frame(synthetic_recipes(**kwargs).astype(str).replace({"nan": "", "None": ""})).frame


@pytest.fixture
def synthetic_csv(tmp_path):
    path = tmp_path / "synthetic.csv"
    synthetic_recipes().to_csv(path, index=False)
    return path


# ---- the shipped-data model: THE trained model of the test run --------------------------------


@pytest.fixture(scope="session")
def shipped_training():
    """``train`` on the shipped dataset with the default configuration, final models only."""
    from cathodeml.training.config import TrainConfig
    from cathodeml.training.train import load_training_data, train

    data = load_training_data(None)
    return train(TrainConfig(), data.frame, data_sha256=data.sha256, evaluate=False)


@pytest.fixture(scope="session")
def model(shipped_training):
    """The trained :class:`~cathodeml.models.CathodeModel` every model-consuming test shares.

    Shared, so a test must not change it (prediction never does)."""
    return shipped_training.model


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, model) -> Path:
    """``model`` saved once, as ``save_model`` writes it (what ``--model DIR`` takes)."""
    from cathodeml.models.persistence import save_model

    return save_model(model, tmp_path_factory.mktemp("shipped-model"))


@pytest.fixture(scope="session")
def shipped_frame():
    """The shipped dataset as a typed frame (what ``model`` was trained on)."""
    from cathodeml.data.dataset import load_dataset

    return load_dataset()


# ---- the synthetic-data model: CV behaviour on known trends -----------------------------------


@pytest.fixture(scope="session")
def synthetic_training():
    """``train`` with cross-validation on :func:`synthetic_frame` (20 trees, 3 folds), with the
    sha256 of the CSV it stands for."""
    import hashlib

    from cathodeml.training.train import train

    sha = hashlib.sha256(synthetic_recipes().to_csv(index=False).encode()).hexdigest()
    from cathodeml.training.config import TrainConfig

    return train(TrainConfig(**SYNTHETIC_CONFIG_KW), synthetic_frame(), data_sha256=sha)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, synthetic_training):
    """A model trained on the synthetic table (fast parameters), written like `train --out`."""
    from cathodeml.training.reports import write_outputs

    out = tmp_path_factory.mktemp("tiny-model")
    write_outputs(synthetic_training, out)
    return out


# ---- MLflow ------------------------------------------------------------------------------------


_TEMPLATE: dict[str, Any] = {}


def pytest_sessionstart(session) -> None:
    """Start migrating the template MLflow store at once, in a process of its own: its seconds of
    migrations then run beside collection and the first tests instead of before a test."""
    import subprocess
    import sys

    folder = Path(tempfile.mkdtemp(prefix="cathodeml-test-store-"))
    code = "import sys; from mlflow import MlflowClient; MlflowClient(sys.argv[1], sys.argv[1]).search_experiments()"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    _TEMPLATE.update(folder=folder, proc=subprocess.Popen(
        [sys.executable, "-c", code, f"sqlite:///{folder / 'mlflow.db'}"], env=env, cwd=folder,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))


def pytest_sessionfinish(session) -> None:
    if "proc" in _TEMPLATE:
        _TEMPLATE["proc"].kill()
        _TEMPLATE["proc"].wait()
        shutil.rmtree(_TEMPLATE["folder"], ignore_errors=True)


@pytest.fixture(scope="session")
def _migrated_store() -> Path:
    """An empty MLflow sqlite store, migrated once for the whole run (see pytest_sessionstart)."""
    if "proc" not in _TEMPLATE:  # a run that loaded this conftest after the session started
        pytest_sessionstart(None)
    proc = _TEMPLATE["proc"]
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"creating the template MLflow store failed:\n{err[-3000:]}"
    return _TEMPLATE["folder"] / "mlflow.db"


def fresh_store(template: Path, folder: Path) -> str:
    """The URI of a new, empty store in ``folder`` (a copy of the migrated template)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, folder / "mlflow.db")
    return f"sqlite:///{(folder / 'mlflow.db').resolve()}"


@pytest.fixture
def tracking_uri(_migrated_store, tmp_path) -> str:
    """A fresh, empty MLflow store of this test's own."""
    return fresh_store(_migrated_store, tmp_path / "store")


def global_state() -> dict[str, Any]:
    """What a library call must leave as it found it: MLflow's URIs, the environment, Optuna's
    verbosity, matplotlib's backend and settings, the root logger."""
    import logging

    import matplotlib
    import mlflow
    import optuna

    # MLflow's telemetry sets and clears this private variable itself, whatever cathodeml does.
    env = {k: v for k, v in os.environ.items() if k != "_MLFLOW_TELEMETRY_SESSION_ID"}
    backend = matplotlib.get_backend()  # before rcParams: it may resolve the "auto" backend there
    root = logging.getLogger()
    return {
        "tracking_uri": mlflow.get_tracking_uri(),
        "registry_uri": mlflow.get_registry_uri(),
        "environ": env,
        "optuna_verbosity": optuna.logging.get_verbosity(),
        "backend": backend,
        "rcParams": dict(matplotlib.rcParams),
        "root_logger": (root.level, list(root.handlers)),
    }


@dataclass
class TrackedRun:
    """One tracked pipeline run and what surrounds it."""

    config: Any  # the TrainConfig given to run()
    result: Any  # the RunResult
    tracking_uri: str
    csv: Path
    state_before: dict[str, Any]
    state_after: dict[str, Any]
    cwd_files: list[str]  # what the run left in its working directory
    tmp_files: list[str]  # … and in the temporary folder

    @property
    def client(self):
        from cathodeml.tracking.store import client

        return client(self.tracking_uri)


@pytest.fixture(scope="session")
def tracked_run(tmp_path_factory, _migrated_store) -> TrackedRun:
    """``training.pipeline.run`` as ``cathodeml train`` runs it — MLflow on, one Optuna trial —
    for one target of a small synthetic CSV, from an empty working directory and an empty temporary
    folder (no ``out``: the files are kept only in MLflow), with the process's global state
    recorded before and after."""
    from cathodeml.training.config import TrainConfig
    from cathodeml.training.pipeline import run

    root = tmp_path_factory.mktemp("tracked-run")
    csv = root / "synthetic.csv"
    synthetic_recipes().to_csv(csv, index=False)
    uri = fresh_store(_migrated_store, root / "store")
    cfg = TrainConfig(data=str(csv), targets=("retention_pct",), n_splits=2, xgboost=FAST_XGB,
                      tuning={"n_trials": 1, "search_space": TINY_SPACE}, tracking={"uri": uri},
                      runs_dir=str(root / "runs"))
    cwd, tmp = root / "cwd", root / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        mp.setattr(tempfile, "tempdir", str(tmp))
        before = global_state()
        result = run(cfg)
        after = global_state()
    return TrackedRun(cfg, result, uri, csv, before, after, sorted(os.listdir(cwd)), sorted(os.listdir(tmp)))


# ---- scikit-learn contract checks --------------------------------------------------------------

#: Checks no estimator of ours can run in this process, with the reason.
ENVIRONMENT_CHECKS = {
    "check_array_api_input": "array-API dispatch needs SCIPY_ARRAY_API=1 before scipy is first imported; the "
                             "test process keeps scipy's default mode (cathodeml declares no array-API support)",
}


def run_sklearn_check(estimator, check) -> None:
    """Run one check of ``parametrize_with_checks``. A check that skips itself fails instead: a check
    that cannot apply must be listed in the estimator's expected failures, with its reason."""
    from unittest import SkipTest

    try:
        check(estimator)
    except SkipTest as exc:
        raise AssertionError(f"the check skipped itself: {exc}") from None


# ---- the cathodeml home ---------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _session_home(tmp_path_factory):
    """A cathodeml home for the session's shared fixtures: nothing is written to the user's real one."""
    before = os.environ.get("CATHODEML_HOME")
    os.environ["CATHODEML_HOME"] = str(tmp_path_factory.mktemp("cathodeml-session-home"))
    yield
    if before is None:
        os.environ.pop("CATHODEML_HOME", None)
    else:
        os.environ["CATHODEML_HOME"] = before


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own cathodeml home (and no inherited MLflow tracking URI)."""
    home = tmp_path_factory.mktemp("cathodeml-home")
    monkeypatch.setenv("CATHODEML_HOME", str(home))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return home
