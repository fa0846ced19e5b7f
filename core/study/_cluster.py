"""``optimize(..., executor=<an Executor>)``: trials on any ``concurrent.futures.Executor``.

The optimize loop (:mod:`._optimize`) asks every trial in this process and hands "run this
trial" work units to the executor: a ``ThreadPoolExecutor`` runs them in this process on the
study itself; any other one (a ``ProcessPoolExecutor``, a Dask ``Client`` or its
``get_executor()``, :class:`albacore.integrations.ray.RayExecutor`) runs them wherever it
runs work, so the work unit carries the pickled objective, callbacks, sampler and pruner
(pickled once per ``optimize`` call, unpickled once per worker process) and the study
meets its trials in the storage, which every worker must reach.

**Lost workers.** A trial's heartbeats come from the worker that runs it. An engine that
reruns the work of a dead worker (Dask reschedules it, Ray retries the task) hands the same
trial to a second worker; that one sees the first attempt's mark (a trial system attr),
does not run the objective again, and waits until the trial, no longer beating, is failed
as stale (:func:`~albacore.storages.fail_stale_trials`, which runs the storage's stale-trial
callback, e.g. :class:`~albacore.storages.RetryHeartbeatStaleTrialCallback`); it then
reports the FAIL trial to the loop. Without heartbeats the trial is failed at once. The
executor passed in belongs to the caller: ``optimize`` never shuts it down.

**Time limits.** The loop cannot stop an executor's worker, so with ``trial_timeout`` each
work unit runs its trial's objective in a child process of the worker and stops that child
once the trial runs past the limit (:func:`~albacore.study._time_limits.run_in_child`).
"""

from __future__ import annotations

import pickle
import threading
import time
import uuid
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from albacore import logging as albacore_logging
from albacore.exceptions import UpdateFinishedTrialError
from albacore.logging import get_logger
from albacore.storages._heartbeat import fail_stale_trials, stop_heartbeat
from albacore.study._optimize import ExecutorTrials
from albacore.study._runner import Outcome, TrialRunner
from albacore.trial._state import TrialState
from albacore.trial._trial import Trial

if TYPE_CHECKING:
    from albacore.study.study import Study

_logger = get_logger(__name__)

#: Trial system attr set by the worker that starts a trial's work unit (value: the trial id).
ATTEMPT_KEY = "albacore:attempt"


def as_executor(executor: Any) -> Executor:
    """The ``concurrent.futures.Executor`` behind ``optimize``'s ``executor`` argument.

    A Dask ``Client`` (not itself an Executor) gives its ``get_executor()``.

    Raises:
        TypeError: If ``executor`` is neither a name, an Executor nor a Dask client.
    """
    if isinstance(executor, Executor):
        return executor
    if type(executor).__module__.startswith("distributed") and hasattr(executor, "get_executor"):
        return executor.get_executor()  # type: ignore[no-any-return]
    raise TypeError(
        "optimize: executor must be 'thread', 'process', a concurrent.futures.Executor or a "
        f"dask.distributed.Client, got executor={executor!r}"
    )


def is_in_process(executor: Executor) -> bool:
    """Whether work units on ``executor`` run in this process (a thread pool)."""
    return isinstance(executor, ThreadPoolExecutor)


class ClusterTrials(ExecutorTrials):
    """Work units that run on another process or machine through a caller-owned Executor."""

    def __init__(self, study: Study, executor: Executor, runner: TrialRunner) -> None:
        from albacore.study._processes import check_shareable

        name = type(executor).__name__
        check_shareable(study._storage, f"executor={name}")
        for what, obj in (
            ("the study (its storage, sampler and pruner)", study),
            ("func", runner._func),
            ("callbacks", runner._callbacks),
        ):
            _check_picklable(name, what, obj)
        self._study = study
        runner_bytes = _check_picklable(name, "the trial runner", runner)
        self._payload = (uuid.uuid4().hex, runner_bytes, albacore_logging.get_verbosity())
        super().__init__(executor, lambda trial: (_run_on_worker, (self._payload, trial._handoff())))

        self._queued = _QueuedBeats(study) if study._beats else None

        self._submitted: dict[Future[Any], int] = {}

    def submit(self, trial: Trial) -> Future[Any]:
        future = super().submit(trial)
        self._submitted[future] = trial._trial_id
        future.add_done_callback(self._forget)
        if self._queued is not None:
            stop_heartbeat(self._study._storage, trial._trial_id)
            self._queued.add(trial._trial_id)
        return future

    def _forget(self, future: Future[Any]) -> None:
        self._submitted.pop(future, None)

    def close(self) -> None:
        """Stop the queued beats; after an error or Ctrl-C, cancel and fail the trials still out.

        The executor is the caller's: it stays open. A worker still running a failed trial
        finds it finished when it tells, and drops its result.
        """
        if self._queued is not None:
            self._queued.stop()
        storage = self._study._storage
        for future, trial_id in list(self._submitted.items()):
            if future.done() and not future.cancelled():
                continue  # its trial was told by its worker (the done callback may lag)
            future.cancel()
            try:
                trial = storage.get_trial(trial_id)
                if trial.state == TrialState.RUNNING:
                    storage.set_trial_state_values(trial_id, TrialState.FAIL)
                    _logger.warning("Trial %d failed: optimize stopped while it ran.", trial.number)
            except UpdateFinishedTrialError:
                pass  # finished meanwhile


class _QueuedBeats:
    """Beats from this process for trials submitted but not yet started by a worker.

    A work unit may wait in the engine's queue (for a free worker or a resource); once a
    worker starts it (its attempt mark is set), that worker beats, and a dead worker's
    trial goes stale.
    """

    def __init__(self, study: Study) -> None:
        self._storage = study._storage
        self._interval = self._storage.get_heartbeat_interval()  # type: ignore[attr-defined]
        self._trial_ids: set[int] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="albacore-queued-heartbeats", daemon=True)
        self._thread.start()

    def add(self, trial_id: int) -> None:
        with self._lock:
            self._trial_ids.add(trial_id)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            with self._lock:
                trial_ids = list(self._trial_ids)
            for trial_id in trial_ids:
                try:
                    trial = self._storage.get_trial(trial_id)
                    if trial.state.is_finished() or ATTEMPT_KEY in trial.system_attrs:
                        with self._lock:
                            self._trial_ids.discard(trial_id)
                    else:
                        self._storage.record_heartbeat(trial_id)  # type: ignore[attr-defined]
                except Exception as exc:  # noqa: BLE001 - a missed beat must not stop optimize
                    _logger.warning("Heartbeat of queued trial id %d failed: %s", trial_id, exc)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


class InProcessTrials(ExecutorTrials):
    """Work units on a caller-owned thread pool: the study itself, nothing pickled."""

    def __init__(self, executor: Executor, runner: TrialRunner) -> None:
        super().__init__(executor, lambda trial: (runner.run, trial))

    def close(self) -> None:
        pass  # the executor is the caller's


def _check_picklable(executor_name: str, what: str, obj: Any) -> bytes:
    try:
        # cloudpickle (which Dask and Ray ship) also carries functions of the main script by value.
        import cloudpickle

        dumps = cloudpickle.dumps
    except ImportError:
        dumps = pickle.dumps
    try:
        return dumps(obj)  # type: ignore[no-any-return]
    except Exception as exc:  # noqa: BLE001 - pickle raises several types
        raise ValueError(
            f"optimize(executor={executor_name}): {what} must be picklable to run on the executor's "
            f"workers (define functions at module level, not as lambdas or closures), got {obj!r}: {exc}"
        ) from None


# Runners unpickled in this worker process, by optimize call (a few calls at most are live).
_runners: dict[str, TrialRunner] = {}
_runners_lock = threading.Lock()
_KEEP_RUNNERS = 4


def _worker_runner(token: str, pickled: bytes, verbosity: int) -> TrialRunner:
    with _runners_lock:
        runner = _runners.get(token)
        if runner is None:
            albacore_logging.set_verbosity(verbosity)
            runner = pickle.loads(pickled)
            runner.study.sampler.reseed_rng()  # copies of one sampler must not draw the same numbers
            runner.study._in_optimize = True  # a callback's study.stop() reaches the loop through the outcome
            while len(_runners) >= _KEEP_RUNNERS:
                del _runners[next(iter(_runners))]
            _runners[token] = runner
    return runner


def _run_on_worker(unit: tuple[tuple[str, bytes, int], Any]) -> Outcome:
    """The work unit on a worker: run the trial the loop asked, unless another worker started it."""
    payload, handoff = unit
    runner = _worker_runner(*payload)
    study = runner.study
    trial = Trial._resume(study, handoff)
    cached = trial._cached
    if cached.state != TrialState.RUNNING:
        return None, study._stop_requested  # failed as stale before it started here
    if cached.system_attrs.get(ATTEMPT_KEY) == trial._trial_id:
        return _settle_lost(study, trial._trial_id), study._stop_requested
    try:
        study._storage.set_trial_system_attr(trial._trial_id, ATTEMPT_KEY, trial._trial_id)
    except UpdateFinishedTrialError:
        return None, study._stop_requested
    if runner.trial_timeout is not None:
        from albacore.study._time_limits import run_in_child

        return run_in_child(runner, payload[1], payload[2], handoff)  # a child process can be stopped
    return runner.run(trial)


def _settle_lost(study: Study, trial_id: int) -> Any:
    """A rerun of a dead worker's trial: wait until it is failed as stale, then report it."""
    storage = study._storage
    number = storage.get_trial(trial_id).number
    _logger.warning("Trial %d: its worker died; the trial fails once its heartbeat is stale.", number)
    if not study._beats:
        try:
            storage.set_trial_state_values(trial_id, TrialState.FAIL)
        except UpdateFinishedTrialError:
            pass
        return storage.get_trial(trial_id)
    interval = storage.get_heartbeat_interval()  # type: ignore[attr-defined]
    while True:
        frozen = storage.get_trial(trial_id)
        if frozen.state.is_finished():
            return frozen
        fail_stale_trials(study)
        time.sleep(min(interval, 1.0))


def trials_on(study: Study, executor: Executor, runner: TrialRunner) -> ExecutorTrials:
    """The work units of one ``optimize`` call on a caller-owned ``executor``.

    Raises:
        ValueError: If work leaves this process and the storage cannot be shared or
            something the workers need cannot be pickled.
    """
    if is_in_process(executor):
        return InProcessTrials(executor, runner)
    return ClusterTrials(study, executor, runner)
