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
from concurrent.futures import Executor, ProcessPoolExecutor, wait
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


def check_shareable(storage: BaseStorage, executor: str = "executor='process'") -> None:
    """Raise ValueError if ``storage`` cannot be shared by several processes (``executor`` names the call)."""
    hint = (
        "use a storage that processes share, e.g. storage='sqlite:///albacore.db' or "
        "JournalStorage(JournalFileBackend('albacore.log'))"
    )
    if isinstance(storage, InMemoryStorage):
        raise ValueError(
            f"optimize({executor}): the study's storage is an InMemoryStorage, which lives in one "
            f"process and cannot be shared by worker processes; {hint}"
        )
    url = getattr(storage, "url", None)
    if isinstance(url, str) and (url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url):
        raise ValueError(
            f"optimize({executor}): the study's storage is an in-memory SQLite database "
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
    devices: list[str] | None = None,
    skip_duplicates: str | None = None,
    trial_timeout: float | None = None,
) -> None:
    """Run ``optimize`` with ``n_jobs`` worker processes; see :meth:`albacore.Study.optimize`.

    With ``devices`` (one per worker, from :func:`worker_devices`), worker ``i`` sees only
    ``devices[i]``. With ``trial_timeout`` the workers form a
    :class:`~albacore.study._killable_pool.KillablePool`: a worker still running a trial
    past the limit is stopped and replaced, and the trial ends here (:mod:`._time_limits`).
    """
    check_callable("optimize", "func", func)
    check_shareable(study._storage)
    _pickled("the study (its storage, sampler and pruner)", study)
    _pickled("func", func)
    _pickled("callbacks", list(callbacks))
    trial_runner = TrialRunner(study, func, catch, callbacks, gc_after_trial)
    trial_runner.skip_duplicates = skip_duplicates
    trial_runner.trial_timeout = trial_timeout
    runner = _pickled("the trial runner", trial_runner)
    context = multiprocessing.get_context("spawn")
    if trial_timeout is not None:
        pool: Executor = _killable_pool(trial_runner, runner, context, n_jobs, trial_timeout, devices)
    else:
        pool = _process_pool(runner, context, n_jobs, devices)
    trials = ExecutorTrials(pool, lambda trial: (_run_handed_trial, trial._handoff()))
    with study._optimize_session():
        budget = Budget(study, n_trials, timeout, skip_duplicates)
        try:
            # Start the workers before the first trial, so start-up is not counted in its duration.
            wait([pool.submit(os.getpid) for _ in range(n_jobs)])
        except BaseException:
            trials.close()
            raise
        run_loop(study, trials, budget, n_jobs, show_progress_bar)


def _process_pool(runner: bytes, context: Any, n_jobs: int, devices: list[str] | None) -> Executor:
    device_queue = None
    if devices is not None:
        device_queue = context.Queue()
        for device in devices:
            device_queue.put(device)
    return ProcessPoolExecutor(
        max_workers=n_jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(runner, albacore_logging.get_verbosity(), device_queue),
    )


def _killable_pool(
    trial_runner: TrialRunner, runner: bytes, context: Any, n_jobs: int, limit: float, devices: list[str] | None
) -> Executor:
    """Workers stopped past ``limit``; a stopped trial is ended by this process's ``trial_runner``."""
    from albacore.study._killable_pool import KillablePool
    from albacore.study._time_limits import KILL_GRACE, end_timed_out

    verbosity = albacore_logging.get_verbosity()
    return KillablePool(
        n_jobs,
        limit + KILL_GRACE,
        context,
        _start_worker,
        [(runner, verbosity, None, None if devices is None else devices[i]) for i in range(n_jobs)],
        on_timeout=lambda handoff: end_timed_out(trial_runner, handoff[0]),
    )


# The worker process's runner (and with it its copy of the study), set by _start_worker.
_runner: TrialRunner | None = None


def worker_devices(devices: Any, n_jobs: int) -> list[str]:
    """``optimize``'s ``devices`` argument as one device string per worker process.

    Raises:
        ValueError: If ``devices`` is empty or names something that is not a device.
        TypeError: If ``devices`` is neither a sequence of strings nor a callable.
    """
    if callable(devices):
        picked = [devices(i) for i in range(n_jobs)]
    elif isinstance(devices, (list, tuple)) and devices:
        picked = [devices[i % len(devices)] for i in range(n_jobs)]
    elif isinstance(devices, (list, tuple)):
        raise ValueError(f"optimize: devices must name at least one device, got devices={devices!r}")
    else:
        raise TypeError(
            f"optimize: devices must be a list of device strings (e.g. ['cuda:0', 'cuda:1']) or a "
            f"callable worker_index -> device, got devices={devices!r}"
        )
    for device in picked:
        if not isinstance(device, str) or _visible_devices(device) is None:
            raise ValueError(
                f"optimize: each device must be 'cpu', 'cuda:<index>' or '<index>', got {device!r} "
                f"in devices={devices!r}"
            )
    return picked


def _visible_devices(device: str) -> str | None:
    """The ``CUDA_VISIBLE_DEVICES`` value for ``device``; None if it is not a device string."""
    if device == "cpu":
        return ""
    index = device[len("cuda:"):] if device.startswith("cuda:") else device
    return index if index.isdigit() else None


def _start_worker(pickled_runner: bytes, verbosity: int, device_queue: Any = None, device: str | None = None) -> None:
    """Initializer of a worker process: take a device (from the queue, or ``device``), then load the study once."""
    global _runner
    if device_queue is not None:
        device = device_queue.get()
    if device is not None:
        # Before the objective's module (and its framework) is unpickled and starts CUDA.
        os.environ["CUDA_VISIBLE_DEVICES"] = _visible_devices(device)  # type: ignore[assignment]
        os.environ["ALBACORE_DEVICE"] = device
    albacore_logging.set_verbosity(verbosity)
    _runner = pickle.loads(pickled_runner)
    _runner.study.sampler.reseed_rng()  # copies of one sampler must not draw the same numbers
    _runner.study._in_optimize = True  # a callback's study.stop() reaches the loop through the outcome


def _run_handed_trial(handoff: Any) -> Outcome:
    """The work unit in a worker process: run the trial the loop asked."""
    assert _runner is not None
    return _runner.run(Trial._resume(_runner.study, handoff))
