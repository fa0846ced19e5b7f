"""MLflow integration: record every finished trial as an MLflow run.

Importing this module imports MLflow (``mlflow-skinny`` is enough, SQL tracking stores
included); without it, the import raises an ImportError naming
``pip install 'albacore[mlflow]'``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import Any, Literal, cast

from albacore._imports import require
from albacore.integrations._tracking import ProcessLocal, check_metric_name, metric_names, named_values
from albacore.study import Study
from albacore.trial import FrozenTrial, Trial, TrialState

mlflow = require("mlflow", extra="mlflow", feature="albacore.integrations.mlflow")
from mlflow.entities import Metric, Param, RunTag  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from mlflow.utils.mlflow_tags import MLFLOW_PARENT_RUN_ID, MLFLOW_RUN_NAME, MLFLOW_RUN_NOTE  # noqa: E402
from mlflow.utils.validation import MAX_PARAM_VAL_LENGTH, MAX_TAG_VAL_LENGTH  # noqa: E402

__all__ = ["MLflowCallback"]

_CALLER = "MLflowCallback"
RUN_ID_ATTRIBUTE_KEY = "mlflow:run_id"
"""Trial system attribute holding the id of the run :meth:`MLflowCallback.track_in_mlflow` opened."""

_RUN_KWARGS = ("experiment_id", "run_name", "nested", "parent_run_id", "tags", "description")
_STATUS = {TrialState.COMPLETE: "FINISHED", TrialState.PRUNED: "FINISHED", TrialState.FAIL: "FAILED"}
_INVALID = ("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST", "BAD_REQUEST")


def _milliseconds(moment: Any) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def _truncated(value: Any, limit: int) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class MLflowCallback(ProcessLocal):
    """A study callback that records each finished trial as one MLflow run.

    The run is named after the trial number and holds:

    - **metrics**: the objective value(s) under ``metric_name`` (missing for a FAIL trial),
      and the reported intermediate values as the metric ``<metric_name>_intermediate``,
      one point per step;
    - **params**: the trial's parameters;
    - **tags**: ``number``, ``state``, ``datetime_start``, ``datetime_complete``,
      ``direction`` (one name, or a list for several objectives), ``<param>_distribution``
      for each parameter, the trial's user attributes (``tag_trial_user_attrs``) and the
      study's (``tag_study_user_attrs``; they win on a clash). Values longer than MLflow
      allows are cut and end with ``...``.

    A run starts at the trial's start and ends at its completion with status ``FINISHED``
    (COMPLETE and PRUNED trials) or ``FAILED``. By default it goes to an experiment named
    after the study, created if missing.

    Each trial is logged in three requests (create, one batch, terminate), through an
    ``MlflowClient`` rather than MLflow's global "active run", so threads
    (``optimize(n_jobs=...)``) log concurrently, and the callback pickles for worker
    processes (``executor="process"``) or separate scripts sharing a tracking store:
    each process opens its own client. Nested runs work from every thread: with
    ``mlflow_kwargs={"nested": True}`` the parent is the run active in the calling
    thread, or else the one that was active where the callback was created; pass
    ``"parent_run_id"`` to name it explicitly (needed across processes).

    Errors stop the study: the trial is already stored in the study when callbacks run,
    so nothing of the study is lost, and ``study.optimize`` raises the error. A store that
    cannot be reached raises ConnectionError; a store that refuses the data (a bad name,
    a deleted experiment) raises ValueError. How long MLflow retries an HTTP server first
    is set by its ``MLFLOW_HTTP_REQUEST_MAX_RETRIES`` / ``MLFLOW_HTTP_REQUEST_TIMEOUT``
    environment variables.

    Args:
        tracking_uri: The tracking store (``"sqlite:///mlflow.db"``, ``"http://host:5000"``,
            a directory). ``None`` uses MLflow's current one (``mlflow.get_tracking_uri()``).
        metric_name: The name of the objective value; one name per objective, or one name
            that is numbered (``value_0``, ``value_1``) when the study has several.
        create_experiment: If True, log to an experiment named after the study, created
            when missing. If False, log to ``mlflow_kwargs["experiment_id"]`` or else to
            MLflow's active experiment (``mlflow.set_experiment``, or its default).
        mlflow_kwargs: Options of each run, as ``mlflow.start_run`` names them:
            ``experiment_id`` (used in all cases), ``run_name`` (default: the trial
            number), ``nested``, ``parent_run_id``, ``tags`` (added to every run) and
            ``description``.
        tag_study_user_attrs: Add the study's user attributes to each run's tags.
        tag_trial_user_attrs: Add the trial's user attributes to each run's tags.

    Raises:
        TypeError: If ``metric_name`` is not a str or a sequence of str, or
            ``mlflow_kwargs`` is not a dict.
        ValueError: If ``metric_name`` holds an empty or repeated name or one MLflow
            rejects, or ``mlflow_kwargs`` has a key other than those above. When a trial
            finishes, if a sequence ``metric_name`` does not have one name per objective
            (checked before anything is logged).

    Example:
        .. code-block:: python

            callback = MLflowCallback(tracking_uri="sqlite:///mlflow.db", metric_name="accuracy")
            study = albacore.create_study(study_name="svm", direction="maximize")
            study.optimize(objective, n_trials=20, callbacks=[callback])
            runs = mlflow.search_runs(experiment_names=["svm"])   # one row per trial
    """

    def __init__(
        self,
        tracking_uri: str | None = None,
        metric_name: str | Sequence[str] = "value",
        create_experiment: bool = True,
        mlflow_kwargs: dict[str, Any] | None = None,
        tag_study_user_attrs: bool = False,
        tag_trial_user_attrs: bool = True,
    ) -> None:
        self._metric_name = check_metric_name(_CALLER, metric_name)
        for name in (self._metric_name,) if isinstance(self._metric_name, str) else self._metric_name:
            try:
                mlflow.utils.validation._validate_metric_name(name)
            except MlflowException as exc:
                raise ValueError(
                    f"{_CALLER}: metric_name {name!r} is not a valid MLflow metric name: {exc.message}"
                ) from None
        if tracking_uri is not None and not isinstance(tracking_uri, str):
            raise TypeError(f"{_CALLER}: tracking_uri must be a str or None, got tracking_uri={tracking_uri!r}")
        kwargs = {} if mlflow_kwargs is None else mlflow_kwargs
        if not isinstance(kwargs, dict):
            raise TypeError(f"{_CALLER}: mlflow_kwargs must be a dict or None, got mlflow_kwargs={mlflow_kwargs!r}")
        unknown = sorted(set(kwargs) - set(_RUN_KWARGS))
        if unknown:
            raise ValueError(
                f"{_CALLER}: mlflow_kwargs has unsupported key(s) {unknown}; supported: {list(_RUN_KWARGS)}"
            )
        self._tracking_uri = tracking_uri
        self._create_experiment = bool(create_experiment)
        self._mlflow_kwargs = dict(kwargs)
        self._tag_study_user_attrs = bool(tag_study_user_attrs)
        self._tag_trial_user_attrs = bool(tag_trial_user_attrs)
        active = mlflow.active_run() if kwargs.get("nested") else None
        self._parent_hint = None if active is None else active.info.run_id
        self._init_process_state()

    _PROCESS_LOCAL = ("_lock", "_client_obj", "_experiments", "_context_tags")

    def _init_process_state(self) -> None:
        self._lock = threading.Lock()
        self._client_obj: Any = None
        self._experiments: dict[str, str] = {}
        self._context_tags: dict[str, str] | None = None

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        """Log ``trial`` as an MLflow run (or into the run ``track_in_mlflow`` opened for it).

        Raises:
            ValueError: If ``metric_name`` does not fit the study's objectives, or the store
                rejects the data.
            ConnectionError: If the tracking store cannot be reached.
        """
        names = metric_names(_CALLER, self._metric_name, len(study.directions))
        with self._translated_errors(f"logging trial {trial.number}"):
            client = self._client()
            metrics, params, tags = self._entities(study, trial, names)
            run_id = trial.system_attrs.get(RUN_ID_ATTRIBUTE_KEY)
            if run_id is None:  # the tags go in with the new run: one transaction fewer
                tags = {**self._run_tags(self._parent_run_id()), **tags}
                run = client.create_run(
                    self._experiment_id(study),
                    start_time=_milliseconds(trial.datetime_start),
                    tags=tags,
                    run_name=self._run_name(trial.number),
                )
                run_id, tags = run.info.run_id, {}
            client.log_batch(run_id, metrics=metrics, params=params, tags=[RunTag(k, v) for k, v in tags.items()])
            client.set_terminated(
                run_id, status=_STATUS.get(trial.state, "FINISHED"), end_time=_milliseconds(trial.datetime_complete)
            )

    def track_in_mlflow(self) -> Callable[[Callable[[Trial], Any]], Callable[[Trial], Any]]:
        """Decorate an objective so that what it logs to MLflow goes into its trial's run.

        The wrapper opens the trial's run (same experiment, name, parent and tags as the
        callback would give it) as MLflow's active run in the calling thread, so
        ``mlflow.log_metric(...)`` and the like inside the objective land there; the
        callback then adds the trial's values, parameters and tags to that same run. The
        run id is stored in the trial's system attribute ``"mlflow:run_id"``. Threads do
        not wait for each other: MLflow keeps one active run per thread. Pass the same
        callback to ``optimize(callbacks=[...])``. With a ``tracking_uri``, the wrapper
        makes it MLflow's current tracking URI, so the objective's logging uses it too.

        Returns:
            A decorator for objective functions.

        Example:
            .. code-block:: python

                callback = MLflowCallback(tracking_uri="sqlite:///mlflow.db")

                @callback.track_in_mlflow()
                def objective(trial):
                    x = trial.suggest_float("x", -10, 10)
                    mlflow.log_metric("x_squared", x**2)
                    return (x - 2) ** 2

                study.optimize(objective, n_trials=10, callbacks=[callback])
        """

        def decorator(func: Callable[[Trial], Any]) -> Callable[[Trial], Any]:
            @functools.wraps(func)
            def wrapper(trial: Trial) -> Any:
                with self._translated_errors(f"opening the run of trial {trial.number}"):
                    experiment_id = self._experiment_id(cast(Study, trial.study))
                    if self._tracking_uri is not None:
                        mlflow.set_tracking_uri(self._tracking_uri)
                    kwargs = self._mlflow_kwargs
                    run = mlflow.start_run(
                        experiment_id=experiment_id,
                        run_name=self._run_name(trial.number),
                        nested=bool(kwargs.get("nested")),
                        parent_run_id=self._parent_run_id(),
                        tags=kwargs.get("tags"),
                        description=kwargs.get("description"),
                    )
                with run:
                    trial.set_system_attr(RUN_ID_ATTRIBUTE_KEY, run.info.run_id)
                    return func(trial)

            return wrapper

        return decorator

    # -- one process's connection to the store ---------------------------------------------

    def _client(self) -> Any:
        client = self._client_obj
        if client is None:
            with self._lock:
                if self._client_obj is None:
                    self._client_obj = mlflow.MlflowClient(self._tracking_uri)
                client = self._client_obj
        return client

    def _experiment_id(self, study: Study) -> str:
        explicit = self._mlflow_kwargs.get("experiment_id")
        if explicit is not None:
            return str(explicit)
        if not self._create_experiment:
            return mlflow.tracking.fluent._get_experiment_id() or "0"
        name = study.study_name
        cached = self._experiments.get(name)
        if cached is not None:
            return cached
        client = self._client()
        with self._lock:
            experiment = client.get_experiment_by_name(name)
            if experiment is None:
                try:
                    client.create_experiment(name)
                except MlflowException as exc:  # another thread or process created it meanwhile
                    if exc.error_code != "RESOURCE_ALREADY_EXISTS":
                        raise
                experiment = client.get_experiment_by_name(name)
            if experiment.lifecycle_stage == "deleted":
                raise ValueError(
                    f"{_CALLER}: the MLflow experiment {name!r} (named after the study) is deleted; "
                    "restore or permanently delete it, or pass create_experiment=False"
                )
            self._experiments[name] = experiment.experiment_id
            return cast(str, experiment.experiment_id)

    def _parent_run_id(self) -> str | None:
        explicit = self._mlflow_kwargs.get("parent_run_id")
        if explicit is not None or not self._mlflow_kwargs.get("nested"):
            return explicit
        active = mlflow.active_run()
        return self._parent_hint if active is None else active.info.run_id

    def _run_name(self, number: int) -> str:
        return str(self._mlflow_kwargs.get("run_name", number))

    def _run_tags(self, parent_run_id: str | None) -> dict[str, str]:
        if self._context_tags is None:  # user, source, git commit: the same for every run of a process
            self._context_tags = mlflow.tracking.context.registry.resolve_tags()
        tags = dict(self._context_tags)
        tags.update({key: str(value) for key, value in (self._mlflow_kwargs.get("tags") or {}).items()})
        if parent_run_id is not None:
            tags[MLFLOW_PARENT_RUN_ID] = parent_run_id
        description = self._mlflow_kwargs.get("description")
        if description:
            tags[MLFLOW_RUN_NOTE] = str(description)
        tags.pop(MLFLOW_RUN_NAME, None)
        return tags

    # -- what a trial becomes ----------------------------------------------------------------

    def _entities(
        self, study: Study, trial: FrozenTrial, names: tuple[str, ...]
    ) -> tuple[list[Any], list[Any], dict[str, str]]:
        when = _milliseconds(trial.datetime_complete) or 0
        metrics = [Metric(name, float(value), when, 0) for name, value in named_values(names, trial).items()]
        if trial.intermediate_values:
            key = f"{names[0] if isinstance(self._metric_name, tuple) else self._metric_name}_intermediate"
            metrics += [
                Metric(key, float(value), when, int(step)) for step, value in sorted(trial.intermediate_values.items())
            ]
        params = [Param(name, _truncated(value, MAX_PARAM_VAL_LENGTH)) for name, value in trial.params.items()]
        directions = [direction.name for direction in study.directions]
        tags: dict[str, Any] = {
            "number": trial.number,
            "datetime_start": trial.datetime_start,
            "datetime_complete": trial.datetime_complete,
            "state": trial.state.name,
            "direction": directions[0] if len(directions) == 1 else directions,
        }
        tags.update({f"{name}_distribution": distribution for name, distribution in trial.distributions.items()})
        if self._tag_trial_user_attrs:
            tags.update(trial.user_attrs)
        if self._tag_study_user_attrs:
            tags.update(study.user_attrs)
        return metrics, params, {str(key): _truncated(value, MAX_TAG_VAL_LENGTH) for key, value in tags.items()}

    def _translated_errors(self, what: str) -> _TranslatedErrors:
        return _TranslatedErrors(what, self._tracking_uri or mlflow.get_tracking_uri())


class _TranslatedErrors:
    """Turn MLflow's errors into ValueError (data refused) or ConnectionError (store unreachable)."""

    def __init__(self, what: str, uri: str) -> None:
        self._what = what
        self._uri = uri

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, traceback: Any) -> Literal[False]:
        if exc is None or not isinstance(exc, MlflowException):
            return False
        where = f"{_CALLER}: {self._what} in the MLflow tracking store tracking_uri={self._uri!r} failed"
        if exc.error_code in _INVALID:
            raise ValueError(f"{where}: {exc.message}") from exc
        raise ConnectionError(f"{where}; is the store reachable? {exc.message}") from exc
