"""One MLflow run (and its child runs), logged through an explicit client.

:func:`start_run` opens a run in an experiment of the chosen store and closes it as FINISHED,
or FAILED when the block raises. :class:`Run` logs parameters, metrics, files, datasets and
the packaged model, and registers the model — all through ``MlflowClient``, so the process's
MLflow globals and environment are left as they were.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cathodeml.home import runs_dir as default_runs_dir
from cathodeml.tracking.store import client as make_client
from cathodeml.tracking.store import artifact_location, is_embedded, resolve_tracking_uri


def _param(v: Any) -> str:
    return json.dumps(v) if isinstance(v, (list, dict, tuple)) else str(v)


@dataclass
class Run:
    """An open MLflow run."""

    client: Any
    run_id: str
    experiment_id: str
    tracking_uri: str

    def log_params(self, params: dict[str, Any]) -> None:
        from mlflow.entities import Param

        items = [Param(k, _param(v)[:6000]) for k, v in params.items()]
        for i in range(0, len(items), 100):
            self.client.log_batch(self.run_id, params=items[i : i + 100])

    def log_metrics(self, metrics: dict[str, float]) -> None:
        import time

        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        items = [Metric(k, float(v), now, 0) for k, v in metrics.items() if v == v]  # NaN = not measured
        for i in range(0, len(items), 500):
            self.client.log_batch(self.run_id, metrics=items[i : i + 500])

    def set_tags(self, tags: dict[str, Any]) -> None:
        for k, v in tags.items():
            self.client.set_tag(self.run_id, k, str(v))

    def describe(self, text: str) -> None:
        """Replace the run's description (``mlflow.note.content``, markdown in the UI)."""
        self.set_tags({"mlflow.note.content": text})

    def log_dict(self, obj: dict, name: str) -> None:
        self.client.log_dict(self.run_id, obj, name)

    def log_text(self, text: str, name: str) -> None:
        self.client.log_text(self.run_id, text, name)

    def log_artifact(self, path: Path, folder: str | None = None) -> None:
        self.client.log_artifact(self.run_id, str(path), artifact_path=folder)

    def log_dataset(self, frame: pd.DataFrame, *, source: str, digest: str, name: str, context: str = "training") -> None:
        """The training table as an MLflow dataset input (name, digest, schema, profile)."""
        import mlflow.data
        from mlflow.entities import Dataset, DatasetInput, InputTag

        ds = mlflow.data.from_pandas(frame, source=source, name=name, digest=digest[:16]).to_dict()
        entity = Dataset(name=ds["name"], digest=ds["digest"], source_type=ds["source_type"], source=ds["source"],
                         schema=ds.get("schema"), profile=ds.get("profile"))
        self.client.log_inputs(self.run_id, datasets=[DatasetInput(entity, [InputTag("mlflow.data.context", context)])])

    @contextmanager
    def child(self, run_name: str, tags: dict[str, str] | None = None) -> Iterator[Run]:
        """A nested run (shown under this one in the MLflow UI)."""
        run = self.client.create_run(self.experiment_id, run_name=run_name,
                                     tags={"mlflow.parentRunId": self.run_id} | (tags or {}))
        child = Run(self.client, run.info.run_id, self.experiment_id, self.tracking_uri)
        try:
            yield child
        except BaseException:
            self.client.set_terminated(child.run_id, "FAILED")
            raise
        self.client.set_terminated(child.run_id, "FINISHED")

    def trial_callback(self, target: str) -> Callable:
        """Optuna callback logging each trial as a child run."""

        def callback(study, trial) -> None:
            with self.child(f"{target}-trial-{trial.number}", {"target": target}) as c:
                c.log_params(trial.params)
                if trial.value is not None:
                    c.log_metrics({"grouped_cv_mae": trial.value})

        return callback

    def log_model(self, model_dir: Path, targets: tuple[str, ...], input_example: pd.DataFrame,
                  registered_model: str | None) -> str:
        """Package ``model_dir`` as an MLflow model of this run, register a version; return its URI."""
        from cathodeml.tracking.pyfunc import save_pyfunc

        logged = self.client.create_logged_model(self.experiment_id, name="model", source_run_id=self.run_id)
        with tempfile.TemporaryDirectory(prefix="cathodeml-pyfunc-") as tmp:
            local = save_pyfunc(model_dir, Path(tmp) / "model", targets, input_example)
            self.client.log_model_artifacts(logged.model_id, str(local))
        self.client.finalize_logged_model(logged.model_id, "READY")
        if registered_model is None:
            return f"models:/{logged.model_id}"
        from mlflow.exceptions import MlflowException

        try:
            self.client.create_registered_model(registered_model)
        except MlflowException:
            pass  # it exists already
        # The artifact location, not "models:/<id>": MLflow's sqlite registry resolves a models:/ source
        # through the *global* tracking URI, which this module never sets.
        version = self.client.create_model_version(registered_model, source=logged.artifact_location,
                                                   run_id=self.run_id, model_id=logged.model_id)
        return f"models:/{registered_model}/{version.version}"


def experiment_id(client: Any, name: str, artifact_location: str | None) -> str:
    """The experiment's id, created if needed (another process creating it at the same moment is fine)."""
    from mlflow.exceptions import MlflowException

    exp = client.get_experiment_by_name(name)
    if exp is not None:
        return exp.experiment_id
    try:
        return client.create_experiment(name, artifact_location=artifact_location)
    except MlflowException:
        exp = client.get_experiment_by_name(name)  # created meanwhile by a concurrent run
        if exp is None:
            raise
        return exp.experiment_id


#: Experiment tags: MLflow 3's UI opens an experiment without a kind on its GenAI pages (traces,
#: evaluations); this kind opens it on its runs — parameters, metrics, plots, models.
EXPERIMENT_KIND = {"mlflow.experimentKind": "custom_model_development"}


def describe_experiment(client: Any, exp_id: str, description: str = "") -> None:
    """Give an experiment its kind and, when it has none yet, a description (kept if a user edited it)."""
    tags = client.get_experiment(exp_id).tags
    wanted = EXPERIMENT_KIND | ({"mlflow.note.content": description} if description else {})
    for key, value in wanted.items():
        if key not in tags:
            client.set_experiment_tag(exp_id, key, value)


@contextmanager
def start_run(experiment: str, run_name: str, *, tracking_uri: str | None = None, runs_dir: str | Path | None = None,
              tags: dict[str, str] | None = None, description: str = "", experiment_description: str = "") -> Iterator[Run]:
    """Open a run in ``experiment`` of the store ``tracking_uri`` resolves to (see :mod:`.store`);
    ``description`` is the run's note (the Description of its page in the MLflow UI)."""
    uri = resolve_tracking_uri(tracking_uri, runs_dir)
    if is_embedded(tracking_uri):
        default_runs_dir(runs_dir).mkdir(parents=True, exist_ok=True)
    client = make_client(uri)
    exp_id = experiment_id(client, experiment, artifact_location(uri))
    describe_experiment(client, exp_id, experiment_description)
    all_tags = dict(tags or {}) | ({"mlflow.note.content": description} if description else {})
    run = client.create_run(exp_id, run_name=run_name, tags=all_tags)
    handle = Run(client, run.info.run_id, exp_id, uri)
    try:
        yield handle
    except BaseException:
        client.set_terminated(handle.run_id, "FAILED")
        raise
    client.set_terminated(handle.run_id, "FINISHED")
