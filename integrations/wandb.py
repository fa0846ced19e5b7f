"""Weights & Biases integration: log trials to one W&B run per study, or one per trial.

Importing this module imports ``wandb``; without it, the import raises an ImportError
naming ``pip install 'albacore[wandb]'``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import Any

from albacore._imports import require
from albacore.integrations._tracking import ProcessLocal, check_metric_name, metric_names, named_values
from albacore.study import Study
from albacore.trial import FrozenTrial, Trial

wandb = require("wandb", extra="wandb", feature="albacore.integrations.wandb")

__all__ = ["WeightsAndBiasesCallback"]

_CALLER = "WeightsAndBiasesCallback"


class WeightsAndBiasesCallback(ProcessLocal):
    """A study callback that logs each finished trial to Weights & Biases.

    Every trial logs one row holding its parameters, its objective value(s) under
    ``metric_name`` (none for a FAIL trial) and ``trial_number``; the run's config gets
    ``direction`` (the name of each objective's direction).

    - ``as_multirun=False`` (default): the callback opens one run when it is created
      (``wandb.init(**wandb_kwargs)``) and logs trial ``n`` at step ``n``. Steps in W&B only
      increase, so a trial that finishes after a later-numbered one (``n_jobs`` threads),
      or after the objective logged steps of its own, goes to the run's next step instead;
      its ``trial_number`` still says which it is. Rows are logged under a lock, so threads
      may share the callback. A copy unpickled in another process opens that process's
      own run at its first trial.
    - ``as_multirun=True``: each trial gets its own run, named ``trial/<n>/<W&B's name>``,
      tagged with ``wandb_kwargs["tags"]`` plus the study name, whose config also holds
      the trial's parameters (W&B's parameter-importance and parallel-coordinates panels
      compare these runs). Without :meth:`track_in_wandb` the run is opened when the
      trial finishes, with ``reinit="create_new"`` unless ``wandb_kwargs`` says otherwise,
      so threads log to separate runs; the callback pickles for worker processes.

    Call ``wandb.finish()`` before running a second study with a new callback in the same
    process. Errors (``wandb.init`` refusing its arguments, not being logged in outside
    offline mode) come from W&B and propagate: from the constructor, or from
    ``study.optimize`` after the trial is stored in the study.

    Args:
        metric_name: The name of the objective value; one name per objective, or one name
            that is numbered (``value_0``, ``value_1``) when the study has several.
        wandb_kwargs: Keyword arguments of every ``wandb.init`` call (``project``,
            ``entity``, ``group``, ``tags``, ``mode``, ``dir``...).
        as_multirun: Log each trial to a run of its own.

    Raises:
        TypeError: If ``metric_name`` is not a str or a sequence of str, or
            ``wandb_kwargs`` is not a dict.
        ValueError: If ``metric_name`` holds an empty or repeated name. When a trial
            finishes, if a sequence ``metric_name`` does not have one name per objective
            (checked before anything is logged; the study stops, the trial is stored).

    Example:
        .. code-block:: python

            callback = WeightsAndBiasesCallback(metric_name="accuracy",
                                                wandb_kwargs={"project": "my-project"})
            study = albacore.create_study(direction="maximize")
            study.optimize(objective, n_trials=20, callbacks=[callback])
    """

    def __init__(
        self,
        metric_name: str | Sequence[str] = "value",
        wandb_kwargs: dict[str, Any] | None = None,
        as_multirun: bool = False,
    ) -> None:
        self._metric_name = check_metric_name(_CALLER, metric_name)
        kwargs = {} if wandb_kwargs is None else wandb_kwargs
        if not isinstance(kwargs, dict):
            raise TypeError(f"{_CALLER}: wandb_kwargs must be a dict or None, got wandb_kwargs={wandb_kwargs!r}")
        self._wandb_kwargs = dict(kwargs)
        self._as_multirun = bool(as_multirun)
        self._init_process_state()
        if not self._as_multirun:
            self._run = wandb.init(**self._wandb_kwargs)

    _PROCESS_LOCAL = ("_lock", "_run", "_last_step", "_trial_runs")
    _run: Any  # the wandb run of a single-run callback (None with as_multirun)

    def _init_process_state(self) -> None:
        self._lock = threading.Lock()
        self._run = None
        self._last_step: int | None = None
        self._trial_runs: dict[int, Any] = {}

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        """Log ``trial``'s row (and, with ``as_multirun``, finish its run).

        Raises:
            ValueError: If ``metric_name`` does not fit the study's objectives.
        """
        names = metric_names(_CALLER, self._metric_name, len(study.directions))
        row = {**trial.params, **named_values(names, trial), "trial_number": trial.number}
        directions = [direction.name for direction in study.directions]
        if not self._as_multirun:
            with self._lock:
                if self._run is None:
                    self._run = wandb.init(**self._wandb_kwargs)
                step = max(trial.number, self._run.step)
                if self._last_step is not None:
                    step = max(step, self._last_step + 1)  # a logged step's row stays open in W&B
                self._run.log(row, step=step)
                self._last_step = step
                self._run.config.update({"direction": directions}, allow_val_change=True)
            return
        with self._lock:
            run = self._trial_runs.pop(trial.number, None)
        if run is None:
            run = self._open_trial_run(trial.number, {"reinit": "create_new"})
        run.log(row)
        run.config.update({"direction": directions, **trial.params}, allow_val_change=True)
        run.tags = (*self._wandb_kwargs.get("tags", ()), study.study_name)
        run.finish()

    def track_in_wandb(self) -> Callable[[Callable[[Trial], Any]], Callable[[Trial], Any]]:
        """Decorate an objective so that what it logs with ``wandb.log`` goes to its trial's run.

        With ``as_multirun=True`` the wrapper opens the trial's run before the objective
        runs, as W&B's current run (``wandb.run``), unless one is already open; the callback
        then logs the trial's row to it and finishes it. W&B keeps one current run per
        process, so use it with ``n_jobs=1`` (or worker processes). With
        ``as_multirun=False`` everything goes to the callback's one run and the wrapper
        only calls the objective. Pass the same callback to ``optimize(callbacks=[...])``.

        Returns:
            A decorator for objective functions.

        Example:
            .. code-block:: python

                callback = WeightsAndBiasesCallback(wandb_kwargs={"project": "p"}, as_multirun=True)

                @callback.track_in_wandb()
                def objective(trial):
                    x = trial.suggest_float("x", -10, 10)
                    wandb.log({"x_squared": x**2})
                    return (x - 2) ** 2

                study.optimize(objective, n_trials=10, callbacks=[callback])
        """

        def decorator(func: Callable[[Trial], Any]) -> Callable[[Trial], Any]:
            @functools.wraps(func)
            def wrapper(trial: Trial) -> Any:
                if self._as_multirun:
                    run = wandb.run if wandb.run is not None else self._open_trial_run(trial.number, {})
                    with self._lock:
                        self._trial_runs[trial.number] = run
                return func(trial)

            return wrapper

        return decorator

    def _open_trial_run(self, number: int, defaults: dict[str, Any]) -> Any:
        run = wandb.init(**{**defaults, **self._wandb_kwargs})
        run.name = f"trial/{number}/{run.name or run.id}"
        return run
