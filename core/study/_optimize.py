"""The optimize loop: the one place that decides when trials start, whatever runs them.

The loop runs in the thread that called ``optimize``. It asks the sampler whether to start
a trial (:class:`~albacore.samplers.StartDecision`), asks the trial (``study.ask()``, so
the sampler's claims are made here, one at a time), and submits "run this trial" work units
to a :class:`concurrent.futures.Executor`: one that runs them right away (``n_jobs=1``), a
thread pool, or the process pool of ``executor="process"`` (:mod:`._processes`). Any other
Executor fits the same loop through :class:`ExecutorTrials`. One :class:`Budget` counts
every trial the loop starts, so ``n_trials``, ``timeout`` and ``study.stop()`` from a
callback hold across all workers.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from numbers import Real
from typing import TYPE_CHECKING, Any, Callable

from albacore._validation import check_callable, check_count
from albacore.exceptions import UpdateFinishedTrialError
from albacore.logging import get_logger
from albacore.samplers._base import StartDecision
from albacore.storages._heartbeat import fail_stale_trials, stop_heartbeat
from albacore.study._duplicates import DuplicateTally
from albacore.study._progress import ProgressBar
from albacore.study._runner import CallbackType, ObjectiveFuncType, Outcome, TrialRunner
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._trial import Trial

if TYPE_CHECKING:
    from albacore.study.study import Study

_logger = get_logger(__name__)

__all__ = ["CallbackType", "ObjectiveFuncType", "optimize", "run_loop"]

# Pauses between looks while the sampler says WAIT: short at first, then up to a second.
_FIRST_PAUSE, _LONGEST_PAUSE = 0.01, 1.0


def validate_optimize_args(
    n_trials: Any, timeout: Any, n_jobs: Any, catch: Any
) -> tuple[int | None, float | None, int, tuple[type[BaseException], ...]]:
    """Check ``optimize``'s budget arguments and normalize them."""
    check_count("optimize", "n_trials", n_trials, allow_none=True)
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout >= 0:
            raise ValueError(f"optimize: timeout must be a non-negative number or None, got timeout={timeout!r}")
        timeout = float(timeout)
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"optimize: n_jobs must be a positive int or -1, got n_jobs={n_jobs!r}")
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1
    if isinstance(catch, type):
        catch = (catch,)
    if isinstance(catch, (str, bytes)) or not isinstance(catch, Iterable):
        raise TypeError(
            f"optimize: catch must be an exception class or an iterable of them, got catch={catch!r}"
        )
    catch = tuple(catch)
    for exc_type in catch:
        if not (isinstance(exc_type, type) and issubclass(exc_type, BaseException)):
            raise TypeError(f"optimize: catch must hold exception classes, got {exc_type!r} in catch={catch!r}")
    return n_trials, timeout, n_jobs, catch


def validate_trial_timeout(trial_timeout: Any) -> float | None:
    """``optimize``'s ``trial_timeout`` as a float of seconds > 0, or None."""
    if trial_timeout is None:
        return None
    if isinstance(trial_timeout, bool) or not isinstance(trial_timeout, Real) or not float(trial_timeout) > 0:
        raise ValueError(
            f"optimize: trial_timeout must be a positive number of seconds or None, got trial_timeout={trial_timeout!r}"
        )
    if not math.isfinite(float(trial_timeout)):
        raise ValueError(
            f"optimize: trial_timeout must be finite (None for no limit), got trial_timeout={trial_timeout!r}"
        )
    return float(trial_timeout)


def optimize(
    study: Study,
    func: ObjectiveFuncType,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: tuple[type[BaseException], ...],
    callbacks: Sequence[CallbackType],
    gc_after_trial: bool,
    show_progress_bar: bool,
    pool: Executor | None = None,
    skip_duplicates: str | None = None,
    trial_timeout: float | None = None,
) -> None:
    """Run ``func`` on new trials of ``study`` in this thread, ``n_jobs`` threads or on ``pool``."""
    check_callable("optimize", "func", func)
    runner = TrialRunner(study, func, catch, callbacks, gc_after_trial)
    runner.skip_duplicates = skip_duplicates
    runner.trial_timeout = trial_timeout  # checked in the trial (threads) or stopped from outside (see _time_limits)
    if pool is not None:
        from albacore.study._cluster import trials_on

        with study._optimize_session():
            budget = Budget(study, n_trials, timeout, skip_duplicates)
            run_loop(study, trials_on(study, pool, runner), budget, n_jobs, show_progress_bar)
        return
    if n_jobs == 1:
        executor: Executor = InlineExecutor()
    else:
        executor = ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="albacore-worker")
    trials = ExecutorTrials(executor, lambda trial: (runner.run, trial))
    with study._optimize_session():
        run_loop(study, trials, Budget(study, n_trials, timeout, skip_duplicates), n_jobs, show_progress_bar)


class Budget:
    """What is left of one ``optimize`` call: trials, time, and no ``study.stop()`` yet.

    With ``skip_duplicates="uncounted"`` a finished repeat of a COMPLETE trial gives its
    trial back (see :meth:`finished`), and a long run of repeats ends the call.
    """

    def __init__(
        self, study: Study, n_trials: int | None, timeout: float | None, skip_duplicates: str | None = None
    ) -> None:
        self._study = study
        self.n_trials = n_trials
        self.timeout = timeout
        self._deadline = None if timeout is None else time.monotonic() + timeout
        self.started = 0
        self._duplicates = None if skip_duplicates is None else DuplicateTally(skip_duplicates == "counted")

    def left(self) -> bool:
        """Whether another trial may start."""
        if self._study._stop_requested or (self.n_trials is not None and self.started >= self.n_trials):
            return False
        if self._duplicates is not None and self._duplicates.exhausted:
            return False
        return self._deadline is None or time.monotonic() < self._deadline

    def finished(self, trial: FrozenTrial | None) -> None:
        """Account for a trial this call started that has finished (None: failed elsewhere)."""
        if self._duplicates is not None and self._duplicates.gives_back(trial):
            self.started -= 1

    def pause(self, seconds: float) -> float:
        """``seconds``, cut to the time left before the timeout."""
        return seconds if self._deadline is None else max(0.0, min(seconds, self._deadline - time.monotonic()))


class InlineExecutor(Executor):
    """Runs each submitted call at once in the calling thread (``n_jobs=1``).

    ``submit`` returns an already completed future-like object (no lock to build, as the
    loop's per-trial overhead counts here). Exceptions are kept in it like any executor's,
    except BaseExceptions that are not Exceptions (KeyboardInterrupt), which propagate from
    ``submit`` at once.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        try:
            return _Completed(fn(*args, **kwargs), None)
        except Exception as exc:  # noqa: BLE001 - handed to the loop through the future
            return _Completed(None, exc)


class _Completed:
    """The future of a call that has already run."""

    __slots__ = ("_value", "_error")

    def __init__(self, value: Any, error: BaseException | None) -> None:
        self._value = value
        self._error = error

    def done(self) -> bool:
        return True

    def cancel(self) -> bool:
        return False

    def result(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._value


class ExecutorTrials:
    """Work units on an Executor: ``unit(trial)`` gives the call that runs an asked trial.

    In the same process the call takes the Trial itself; another process or machine gets
    ``trial._handoff()`` and rebuilds it (see :mod:`._processes`). The call returns an
    :data:`~albacore.study._runner.Outcome`.
    """

    def __init__(self, executor: Executor, unit: Callable[[Trial], tuple[Callable[..., Outcome], Any]]) -> None:
        self._executor = executor
        self._unit = unit

    def submit(self, trial: Trial) -> Future[Any]:
        fn, arg = self._unit(trial)
        return self._executor.submit(fn, arg)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def run_loop(study: Study, trials: ExecutorTrials, budget: Budget, n_jobs: int, show_progress_bar: bool) -> None:
    """Start trials while the budget and the sampler allow, at most ``n_jobs`` at a time."""
    running: dict[Future[Any], int] = {}  # work unit -> trial id
    progress = ProgressBar(show_progress_bar, budget.n_trials, budget.timeout)
    pause = _FIRST_PAUSE
    try:
        while True:
            decision = _start_trials(study, trials, budget, running, n_jobs)
            if not running and (decision is StartDecision.DONE or not budget.left()):
                return
            waiting = decision is StartDecision.WAIT
            done = [f for f in running if f.done()]
            if not done and running:
                timeout = budget.pause(pause) if waiting else None
                done = list(wait(running, timeout=timeout, return_when=FIRST_COMPLETED)[0])
            elif not done:
                time.sleep(budget.pause(pause))
            if waiting and not done:
                fail_stale_trials(study)  # a dead worker's trial may hold what is left
                pause = min(2 * pause, _LONGEST_PAUSE)
            for future in done:
                budget.finished(_finish(study, future, running.pop(future), progress))
            if done:
                pause = _FIRST_PAUSE
    except BaseException:
        study._stop_requested = True
        _abandon(study, running)
        raise
    finally:
        trials.close()
        progress.close()


def _start_trials(
    study: Study, trials: ExecutorTrials, budget: Budget, running: dict[Future[Any], int], n_jobs: int
) -> StartDecision:
    """Ask and submit trials until ``n_jobs`` run or the budget or the sampler says no."""
    while len(running) < n_jobs and budget.left():
        decision = study.sampler.can_start_trial(study)
        if decision is not StartDecision.PROPOSE:
            if not isinstance(decision, StartDecision):
                raise TypeError(
                    f"{type(study.sampler).__name__}.can_start_trial must return a StartDecision, got {decision!r}"
                )
            return decision
        trial = study.ask()
        budget.started += 1
        try:
            running[trials.submit(trial)] = trial._trial_id
        except BaseException:
            _fail_if_running(study, trial._trial_id)
            raise
    return StartDecision.PROPOSE


def _finish(study: Study, future: Future[Any], trial_id: int, progress: ProgressBar) -> FrozenTrial | None:
    """Account for a finished work unit and return its trial; re-raise the objective's error it carries."""
    if study._beats:
        stop_heartbeat(study._storage, trial_id)  # a trial run in another process beats from here since ask
    try:
        frozen, stop = future.result()
    except BaseException:
        _fail_if_running(study, trial_id)  # a worker process that died left it RUNNING
        raise
    if stop:
        study._stop_requested = True  # a callback in another process called study.stop()
    if frozen is not None:
        progress.update(study, frozen)
    return frozen  # type: ignore[no-any-return]


def _abandon(study: Study, running: dict[Future[Any], int]) -> None:
    """After an error: fail the trials whose work never started (the others finish)."""
    for future, trial_id in running.items():
        if future.cancel():
            _fail_if_running(study, trial_id)
        stop_heartbeat(study._storage, trial_id)


def _fail_if_running(study: Study, trial_id: int) -> None:
    try:
        if study._storage.get_trial(trial_id).state == TrialState.RUNNING:
            study._storage.set_trial_state_values(trial_id, TrialState.FAIL)
    except UpdateFinishedTrialError:
        pass  # finished meanwhile
    stop_heartbeat(study._storage, trial_id)


def iterate_callbacks(callbacks: Iterable[CallbackType] | None) -> list[CallbackType]:
    """Validate and list ``optimize``'s callbacks."""
    result = list(callbacks or [])
    for cb in result:
        if not callable(cb):
            raise TypeError(f"optimize: callbacks must be callables (study, trial), got {cb!r}")
    return result
