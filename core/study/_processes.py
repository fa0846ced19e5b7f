"""``optimize(..., executor="process")``: run trials in worker processes on one machine.

Threads share one Python interpreter, so a CPU-bound objective written in Python gains
nothing from ``n_jobs`` threads. With ``executor="process"``, ``optimize`` starts ``n_jobs``
worker processes (the ``spawn`` start method, safe with threads and database connections);
each one loads the study from the same storage and runs trials until the shared budget is
spent. The process pool is one more Executor of the optimize loop (:mod:`._optimize`):
the loop, in this process, decides and asks every trial (so the sampler's claims are made
in one place) and each worker runs the objective of the trial it is handed. Trials meet in
the storage, so it must be one that processes can share (a database URL, a journal), and
the objective, callbacks, sampler and pruner must be picklable.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from albacore import logging as albacore_logging
from albacore._validation import check_callable
from albacore.storages._in_memory import InMemoryStorage
from albacore.study._optimize import Budget, ExecutorTrials, run_loop
from albacore.study._runner import CallbackType, ObjectiveFuncType, Outcome, TrialRunner
from albacore.trial._trial import Trial

if TYPE_CHECKING:
    from albacore.storages._base import BaseStorage
    from albacore.study.study import Study

EXECUTORS = ("thread", "process")


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
    """Run ``optimize`` with ``n_jobs`` worker processes; see :meth:`albacore.Study.optimize`."""
    check_callable("optimize", "func", func)
    check_shareable(study._storage)
    _pickled("the study (its storage, sampler and pruner)", study)
    _pickled("func", func)
    _pickled("callbacks", list(callbacks))
    runner = _pickled("the trial runner", TrialRunner(study, func, catch, callbacks, gc_after_trial))
    pool = ProcessPoolExecutor(
        max_workers=n_jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(runner, albacore_logging.get_verbosity()),
    )
    trials = ExecutorTrials(pool, lambda trial: (_run_handed_trial, trial._handoff()))
    with study._optimize_session():
        budget = Budget(study, n_trials, timeout)
        try:
            # Start the workers before the first trial, so start-up is not counted in its duration.
            wait([pool.submit(os.getpid) for _ in range(n_jobs)])
        except BaseException:
            trials.close()
            raise
        run_loop(study, trials, budget, n_jobs, show_progress_bar)


# The worker process's runner (and with it its copy of the study), set by _start_worker.
_runner: TrialRunner | None = None


def _start_worker(pickled_runner: bytes, verbosity: int) -> None:
    """Initializer of a worker process: load the study once."""
    global _runner
    albacore_logging.set_verbosity(verbosity)
    _runner = pickle.loads(pickled_runner)
    _runner.study.sampler.reseed_rng()  # copies of one sampler must not draw the same numbers
    _runner.study._in_optimize = True  # a callback's study.stop() reaches the loop through the outcome


def _run_handed_trial(handoff: Any) -> Outcome:
    """The work unit in a worker process: run the trial the loop asked."""
    assert _runner is not None
    return _runner.run(Trial._resume(_runner.study, handoff))
