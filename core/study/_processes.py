"""``optimize(..., executor="process")``: run trials in worker processes on one machine.

Threads share one Python interpreter, so a CPU-bound objective written in Python gains
nothing from ``n_jobs`` threads. With ``executor="process"``, ``optimize`` starts ``n_jobs``
worker processes (the ``spawn`` start method, safe with threads and database connections);
each one loads the study from the same storage and runs trials until the shared budget is
spent. Trials meet only in the storage, exactly as workers on several machines do, so the
storage must be one that processes can share (a database URL, a journal) and the
objective, callbacks, sampler and pruner must be picklable.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import time
import traceback
from typing import TYPE_CHECKING, Any, Sequence

from albacore import logging as albacore_logging
from albacore.logging import get_logger
from albacore.storages._in_memory import InMemoryStorage
from albacore.study._optimize import CallbackType, ObjectiveFuncType, _TrialRunner
from albacore.study._progress import ProgressBar

if TYPE_CHECKING:
    from albacore.storages._base import BaseStorage
    from albacore.study.study import Study
    from albacore.trial._frozen import FrozenTrial

_logger = get_logger(__name__)

EXECUTORS = ("thread", "process")
_POLL_SECONDS = 0.1


def check_shareable(storage: BaseStorage) -> None:
    """Raise ValueError if ``storage`` cannot be shared by several processes."""
    hint = (
        "use a storage that processes share, e.g. storage='sqlite:///albacore.db' or "
        "JournalStorage(JournalFileBackend('albacore.log'))"
    )
    if isinstance(storage, InMemoryStorage):
        raise ValueError(
            f"optimize(executor='process'): the study's storage is an InMemoryStorage, which lives in one "
            f"process and cannot be shared by worker processes; {hint}"
        )
    url = getattr(storage, "url", None)
    if isinstance(url, str) and (url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url):
        raise ValueError(
            f"optimize(executor='process'): the study's storage is an in-memory SQLite database "
            f"(url={url!r}), which worker processes cannot share; {hint}"
        )


def _pickled(what: str, obj: Any) -> bytes:
    try:
        return pickle.dumps(obj)
    except Exception as exc:  # noqa: BLE001 - pickle raises several types
        raise ValueError(
            f"optimize(executor='process'): {what} must be picklable to run in worker processes "
            f"(define functions at module level, not as lambdas or closures), got {obj!r}: {exc}"
        ) from None


def optimize_in_processes(
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
    """Run ``optimize`` in ``n_jobs`` worker processes; see :meth:`albacore.Study.optimize`."""
    if not callable(func):
        raise TypeError(f"optimize: func must be callable, got func={func!r}")
    check_shareable(study._storage)
    payload = {
        "study": _pickled("the study (its storage, sampler and pruner)", study),
        "func": _pickled("func", func),
        "callbacks": _pickled("callbacks", list(callbacks)),
        "catch": catch,
        "n_trials": n_trials,
        "deadline": None if timeout is None else time.time() + timeout,
        "gc_after_trial": gc_after_trial,
        "verbosity": albacore_logging.get_verbosity(),
    }
    context = multiprocessing.get_context("spawn")
    started = context.Value("q", 0)
    stop = context.Event()
    events = context.Queue()
    workers = [
        context.Process(
            target=_worker_main, args=(payload, started, stop, events), name=f"albacore-worker-{i}", daemon=True
        )
        for i in range(n_jobs)
    ]
    with study._optimize_session():
        progress = ProgressBar(show_progress_bar, n_trials, timeout)
        try:
            for worker in workers:
                worker.start()
            error = _collect(study, workers, events, progress)
        except BaseException:
            stop.set()
            for worker in workers:
                worker.join()
            raise
        finally:
            progress.close()
    if error is not None:
        raise error


def _collect(study: Study, workers: list, events: Any, progress: ProgressBar) -> BaseException | None:
    """Follow the workers until they exit; return the first error one raised."""
    error: BaseException | None = None
    while True:
        try:
            kind, data = events.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if not any(w.is_alive() for w in workers):
                break
            continue
        if kind == "trial":
            progress.update(study, study._storage.get_trial(data))
        elif kind == "error" and error is None:
            error = _rebuild_error(data)
    for worker in workers:
        worker.join()
        if worker.exitcode not in (0, 1):
            _logger.warning("Worker process %s exited with code %s.", worker.name, worker.exitcode)
    return error


def _rebuild_error(data: tuple[bytes | None, str]) -> BaseException:
    pickled, formatted = data
    if pickled is not None:
        try:
            return pickle.loads(pickled)
        except Exception:  # noqa: BLE001 - fall back to the text
            pass
    return RuntimeError(f"a worker process failed:\n{formatted}")


def _worker_main(payload: dict[str, Any], started: Any, stop: Any, events: Any) -> None:
    """Entry point of a worker process: run trials until the shared budget is spent."""
    albacore_logging.set_verbosity(payload["verbosity"])
    study: Study = pickle.loads(payload["study"])
    study.sampler.reseed_rng()  # copies of one sampler must not draw the same numbers
    func = pickle.loads(payload["func"])
    callbacks = pickle.loads(payload["callbacks"])
    report = _ReportToParent(events)
    runner = _TrialRunner(study, func, payload["catch"], callbacks, payload["gc_after_trial"], report)  # type: ignore[arg-type]
    try:
        with study._optimize_session():
            while _claim(started, stop, payload["n_trials"], payload["deadline"]):
                runner.run_one()
                if study._stop_requested:
                    stop.set()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which re-raises it
        stop.set()
        try:
            pickled: bytes | None = pickle.dumps(exc)
        except Exception:  # noqa: BLE001
            pickled = None
        events.put(("error", (pickled, traceback.format_exc())))
        events.close()
        events.join_thread()
        os._exit(1)


def _claim(started: Any, stop: Any, n_trials: int | None, deadline: float | None) -> bool:
    """Take one trial of the shared budget; False when the budget is spent or stopped."""
    if stop.is_set() or (deadline is not None and time.time() >= deadline):
        return False
    with started.get_lock():
        if n_trials is not None and started.value >= n_trials:
            return False
        started.value += 1
    return True


class _ReportToParent:
    """Stands in for the worker's progress bar: tells the parent about each finished trial."""

    def __init__(self, events: Any) -> None:
        self._events = events

    def update(self, study: Study, trial: FrozenTrial) -> None:
        self._events.put(("trial", trial._trial_id))

    def close(self) -> None:
        pass
