"""TrainConfig: one validated object, a YAML file that round-trips, errors that name the setting."""

import pytest

from cathodeml.errors import ConfigError
from cathodeml.schema import TARGETS
from cathodeml.training.config import DEFAULT_SEARCH_SPACE, SearchDim, TrainConfig

CUSTOM = TrainConfig(targets=("rct_ohm", "retention_pct"), seed=7, confidence=0.8, n_splits=3,
                     xgboost={"n_estimators": 50, "max_depth": 3},
                     tuning={"n_trials": 4, "study_name": "lab", "search_space": {"max_depth": {"type": "int", "low": 2, "high": 5}}},
                     domain={"quantile": 0.9, "min_sources": 3}, tracking={"experiment": "x", "uri": "sqlite:///m.db"})


def test_yaml_round_trip(tmp_path):
    path = tmp_path / "train.yaml"
    path.write_text(CUSTOM.to_yaml(), encoding="utf-8")
    assert TrainConfig.from_yaml(path) == CUSTOM
    assert TrainConfig.from_yaml(path).to_yaml() == CUSTOM.to_yaml()


def test_an_empty_file_is_the_defaults(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    cfg = TrainConfig.from_yaml(path)
    assert cfg == TrainConfig() and cfg.targets == TARGETS and cfg.seed == 42 and cfg.confidence == 0.9
    assert cfg.tuning.search_space == DEFAULT_SEARCH_SPACE and cfg.tracking.registered_model == "cathodeml"


def test_targets_are_kept_in_the_canonical_order():
    assert CUSTOM.targets == ("retention_pct", "rct_ohm")


def test_every_problem_is_named_with_its_setting(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("seed: abc\ntuning: {n_trials: -1}\ntargets: [voltage]\ncolour: red\nn_jobs: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_yaml(path)
    text = str(info.value)
    assert text.startswith(f"{path}: 5 problem(s)")
    for fragment in ("seed: Input should be a valid integer", "tuning.n_trials: Input should be greater than or equal to 0",
                     "n_jobs: Value error, n_jobs is a number of processes",
                     "targets: Value error, unknown target(s) ['voltage']", "colour: Extra inputs are not permitted"):
        assert fragment in text, fragment


@pytest.mark.parametrize(("text", "fragment"), [("[1, 2]", "expected a mapping of settings, got list"),
                                               ("seed: [unclosed", "not valid YAML")])
def test_a_file_that_is_not_a_config(tmp_path, text, fragment):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment.replace("[", r"\[")):
        TrainConfig.from_yaml(path)
    with pytest.raises(ConfigError, match="no such configuration file"):
        TrainConfig.from_yaml(tmp_path / "missing.yaml")


def test_updated_merges_sections_and_validates():
    cfg = CUSTOM.updated(seed=1, tuning={"n_trials": 9})
    assert (cfg.seed, cfg.tuning.n_trials, cfg.tuning.study_name) == (1, 9, "lab")  # the rest of the section kept
    assert CUSTOM.seed == 7  # frozen: a copy
    with pytest.raises(ConfigError, match="options: 1 problem"):
        CUSTOM.updated(confidence=1.5)


def test_search_dimensions_are_checked():
    with pytest.raises(ValueError, match="high 1.0 < low 2.0"):
        SearchDim(type="int", low=2, high=1)
    with pytest.raises(ValueError, match="a log-scale range needs low > 0"):
        SearchDim(type="float", low=0, high=1, log=True)


def test_a_persisting_study_gets_the_runs_folders_sqlite_file(tmp_path):
    cfg = TrainConfig(runs_dir=str(tmp_path / "runs"), tuning={"n_trials": 2})
    stored = cfg.with_default_storage()
    assert stored.tuning.storage == f"sqlite:///{(tmp_path / 'runs' / 'optuna.db').resolve()}"
    assert (tmp_path / "runs").is_dir()
    assert TrainConfig(runs_dir=str(tmp_path / "r2")).with_default_storage().tuning.storage is None  # no trials: memory
    assert not (tmp_path / "r2").exists()
    assert cfg.updated(tuning={"storage": "sqlite:///x.db"}).with_default_storage().tuning.storage == "sqlite:///x.db"
