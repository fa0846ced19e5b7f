"""The optimize loop: run trials sequentially or in threads until a budget is spent."""

from __future__ import annotations

import gc
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from albacore.exceptions import TrialPruned, UpdateFinishedTrialError
from albacore.logging import get_logger
from albacore.samplers._base import SearchSpaceExhausted
from albacore.study._progress import ProgressBar
from albacore.study._tell import tell
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._trial import Trial, UnusableEnqueuedValueError

if TYPE_CHECKING:
    from albacore.study.study import Study

_logger = get_logger(__name__)

ObjectiveFuncType = Callable[[Trial], Any]
CallbackType = Callable[["Study", FrozenTrial], None]


def validate_optimize_args(
    n_trials: Any, timeout: Any, n_jobs: Any, catch: Any
) -> tuple[int | None, float | None, int, tuple[type[BaseException], ...]]:
    """Check ``optimize``'s budget arguments and normalize them."""
    if n_trials is not None and (isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0):
        raise ValueError(f"optimize: n_trials must be a non-negative int or None, got n_trials={n_trials!r}")
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
) -> None:
    """Run ``func`` on new trials of ``study`` until ``n_trials``/``timeout``/``stop()``."""
    if not callable(func):
        raise TypeError(f"optimize: func must be callable, got func={func!r}")
    with study._optimize_session():
        progress = ProgressBar(show_progress_bar, n_trials, timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        runner = _TrialRunner(study, func, catch, callbacks, gc_after_trial, progress)
        try:
            if n_jobs == 1:
                _run_sequential(study, runner, n_trials, deadline)
            else:
                _run_in_threads(study, runner, n_trials, deadline, n_jobs)
        finally:
            progress.close()


def _budget_left(study: Study, started: int, n_trials: int | None, deadline: float | None) -> bool:
    if study._stop_requested:
        return False
    if n_trials is not None and started >= n_trials:
        return False
    return deadline is None or time.monotonic() < deadline


def _run_sequential(study: Study, runner: _TrialRunner, n_trials: int | None, deadline: float | None) -> None:
    started = 0
    while _budget_left(study, started, n_trials, deadline):
        started += 1
        if not runner.run_one():
            break  # the sampler has nothing left to propose


def _run_in_threads(
    study: Study, runner: _TrialRunner, n_trials: int | None, deadline: float | None, n_jobs: int
) -> None:
    started = 0
    futures: set[Future] = set()
    # Set when a worker found nothing to start (the sampler's can_start_trial): no new worker
    # starts until a running trial finishes, which may free or reveal something to sample.
    idle = False
    with ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="albacore-worker") as pool:
        try:
            while True:
                while not idle and len(futures) < n_jobs and _budget_left(study, started, n_trials, deadline):
                    started += 1
                    futures.add(pool.submit(runner.run_one))
                if not futures:
                    break
                done, futures = wait(futures, return_when=FIRST_COMPLETED)
                ran = [future.result() for future in done]  # re-raises an objective's uncaught exception
                started -= ran.count(False)  # nothing started: it does not count against n_trials
                idle = not any(ran)
        except BaseException:
            study._stop_requested = True
            for future in futures:
                future.cancel()
            raise


class _TrialRunner:
    """Runs one trial end to end: ask, objective, tell, log, callbacks."""

    def __init__(
        self,
        study: Study,
        func: ObjectiveFuncType,
        catch: tuple[type[BaseException], ...],
        callbacks: Sequence[CallbackType],
        gc_after_trial: bool,
        progress: ProgressBar,
    ) -> None:
        self._study = study
        self._func = func
        self._catch = catch
        self._callbacks = list(callbacks)
        self._gc_after_trial = gc_after_trial
        self._progress = progress
        self._lock = threading.Lock()

    def run_one(self) -> bool:
        """Run one trial; False when the sampler had nothing left to start (no objective call)."""
        study = self._study
        if not study.sampler.can_start_trial(study):
            return False
        try:
            trial = study.ask()
        except SearchSpaceExhausted:
            return False  # another process took the last point meanwhile; ask failed the trial
        values: Any = None
        state: TrialState | None = None
        error: BaseException | None = None
        try:
            with study._heartbeat(trial):
                values = self._func(trial)
        except TrialPruned:
            state = TrialState.PRUNED
        except Exception as exc:  # noqa: BLE001 - the objective's error is recorded, then re-raised
            state, error = TrialState.FAIL, exc
        except BaseException:  # KeyboardInterrupt, SystemExit: record the trial, then propagate
            tell(study, trial, state=TrialState.FAIL)
            _logger.warning("Trial %d failed: interrupted.", trial.number)
            raise
        finally:
            if self._gc_after_trial:
                gc.collect()

        if isinstance(error, SearchSpaceExhausted):
            tell(study, trial, state=TrialState.FAIL)
            _logger.info("Trial %d stopped: %s", trial.number, error)
            return False
        try:
            frozen = tell(study, trial, None if state is not None else values, state)
        except UpdateFinishedTrialError:
            # Another worker failed it while it ran: its heartbeats arrived too late.
            _logger.warning(
                "Trial %d was marked FAIL by another worker (its heartbeat was stale); its result is discarded.",
                trial.number,
            )
            if error is not None and not isinstance(error, (UpdateFinishedTrialError, *self._catch)):
                raise error from None
            return True
        _log_finished(study, frozen, error)
        with self._lock:
            self._progress.update(study, frozen)
        for callback in self._callbacks:
            callback(study, frozen)
        # A bad enqueued value fails its own trial only (the warning above names it).
        if error is not None and not isinstance(error, (*self._catch, UnusableEnqueuedValueError)):
            raise error
        return True


def _log_finished(study: Study, trial: FrozenTrial, error: BaseException | None) -> None:
    if trial.state == TrialState.FAIL:
        if error is not None:
            _logger.warning(
                "Trial %d failed: %s: %s", trial.number, type(error).__name__, error,
                exc_info=None if isinstance(error, UnusableEnqueuedValueError) else error,
            )
        return
    if not _logger.isEnabledFor(20):  # INFO
        return
    if trial.state == TrialState.PRUNED:
        _logger.info("Trial %d pruned at step %s.", trial.number, trial.last_step)
        return
    if len(study.directions) > 1:
        _logger.info("Trial %d finished: values=%s, params=%s.", trial.number, trial.values, trial.params)
        return
    try:
        best = study._storage.get_best_trial(study._study_id)
        best_note = f" Best so far: trial {best.number}, value={best.values[0]}."  # type: ignore[index]
    except ValueError:
        best_note = ""
    _logger.info("Trial %d finished: value=%s, params=%s.%s", trial.number, trial.values[0], trial.params, best_note)  # type: ignore[index]


def iterate_callbacks(callbacks: Iterable[CallbackType] | None) -> list[CallbackType]:
    """Validate and list ``optimize``'s callbacks."""
    result = list(callbacks or [])
    for cb in result:
        if not callable(cb):
            raise TypeError(f"optimize: callbacks must be callables (study, trial), got {cb!r}")
    return result
