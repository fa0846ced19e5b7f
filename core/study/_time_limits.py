"""``optimize(..., trial_timeout=seconds)``: how a trial over its time limit ends.

Three ways, one ending. In threads (and ``n_jobs=1``) running Python cannot be stopped
from outside, so the limit is checked by the trial itself at its next ``suggest_*``,
``report`` or ``should_prune`` call, which raises
:class:`~albacore.exceptions.TrialTimeoutError` (:mod:`albacore.trial._time_limit`), and
when the objective returns. With ``executor="process"`` the parent stops the worker process
running a trial :data:`KILL_GRACE` seconds after the limit and starts a new one
(:mod:`._killable_pool`). On any other executor (a Dask or Ray cluster, a caller's
``ProcessPoolExecutor``), whose workers the loop cannot stop, each work unit runs its trial
in a child process of the worker (:func:`run_in_child`) and stops the child instead.

Every way ends the trial with :func:`end_timed_out`: PRUNED, keeping its last reported
intermediate value as its value, if it reported one, FAIL otherwise; the
:data:`~albacore.trial._time_limit.TIMED_OUT_KEY` system attr holds the limit. As for a
trial whose worker died, a FAIL trial is handed to the storage's stale-trial callback
(e.g. :class:`~albacore.storages.RetryHeartbeatStaleTrialCallback`) when the storage has
heartbeats, and its heartbeat stops. The optimize callbacks run on it as on any trial.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from typing import TYPE_CHECKING, Any

from albacore import logging as albacore_logging
from albacore.exceptions import UpdateFinishedTrialError
from albacore.logging import get_logger
from albacore.storages._heartbeat import stop_heartbeat
from albacore.study._tell import tell
from albacore.trial._state import TrialState
from albacore.trial._time_limit import TIMED_OUT_KEY
from albacore.trial._trial import Trial

if TYPE_CHECKING:
    from albacore.study._runner import Outcome, TrialRunner

_logger = get_logger(__name__)

#: Seconds past the limit before a worker process is stopped from outside: time for an
#: objective that checks in (``report``, ``suggest_*``) to end its trial itself.
KILL_GRACE = 0.5

# How often run_in_child looks whether its child process has started the objective, and
# how long the child may take to start (load the study, import the objective) on top of the limit.
_START_POLL = 0.02
_START_LIMIT = 60.0


def end_timed_out(runner: TrialRunner, trial_id: int) -> Outcome:
    """End a trial that ran past ``runner.trial_timeout``: PRUNED with its last value, else FAIL.

    Runs in whichever process noticed (the worker, or the parent that stopped it). If the
    trial finished meanwhile (its worker told it just before it was stopped, or another
    worker failed it as stale), it is left as it is.

    Returns:
        The finished trial and whether a callback asked the study to stop.
    """
    study = runner.study
    storage = study._storage
    stop_heartbeat(storage, trial_id)
    try:
        storage.set_trial_system_attr(trial_id, TIMED_OUT_KEY, runner.trial_timeout)
        frozen = storage.get_trial(trial_id)
        state = TrialState.PRUNED if frozen.intermediate_values else TrialState.FAIL
        frozen = tell(study, frozen.number, state=state)
    except UpdateFinishedTrialError:
        return storage.get_trial(trial_id), study._stop_requested
    _logger.warning(
        "Trial %d %s: it ran past trial_timeout=%s s.",
        frozen.number,
        f"pruned at step {frozen.last_step}" if state == TrialState.PRUNED else "failed",
        runner.trial_timeout,
    )
    if state == TrialState.FAIL and study._beats:
        retry = storage.get_failed_trial_callback()  # type: ignore[attr-defined]
        if retry is not None:
            retry(study, frozen)  # as for a trial whose worker died
    for callback in runner._callbacks:
        callback(study, frozen)
    return frozen, study._stop_requested


class _RemoteTraceback(Exception):
    """The traceback of an error raised in a child process (its ``__cause__``)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


def run_in_child(runner: TrialRunner, runner_bytes: bytes, verbosity: int, handoff: Any) -> Outcome:
    """Run an asked trial in a child process of this worker, stopped if it runs past the limit.

    The work unit of a cluster executor with ``trial_timeout``: the executor's worker cannot
    be stopped from the optimize loop, so the trial runs in a fresh interpreter started
    with ``subprocess`` (allowed in daemonic Dask workers, where ``multiprocessing`` is
    not). The limit counts from when the child starts the objective, not from its start-up.

    Raises:
        Exception: The objective's error, as :meth:`TrialRunner.run` raises it.
        RuntimeError: If the child process exits without finishing the trial.
    """
    limit = runner.trial_timeout
    assert limit is not None
    trial_id = handoff[0]
    with tempfile.TemporaryDirectory(prefix="albacore-trial-") as folder:
        started, outcome = os.path.join(folder, "started"), os.path.join(folder, "outcome.pkl")
        with open(os.path.join(folder, "job.pkl"), "wb") as job:
            pickle.dump((list(sys.path), runner_bytes, verbosity, handoff), job)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        errors_path = os.path.join(folder, "stderr.txt")
        with open(errors_path, "wb") as errors:
            child = subprocess.Popen(
                [sys.executable, "-c", "import sys; from albacore.study._time_limits import child_main; "
                 "child_main(sys.argv[1])", folder],
                stdin=subprocess.DEVNULL,
                stderr=errors,
                env=env,
            )
        try:
            give_up = time.monotonic() + _START_LIMIT + limit
            while child.poll() is None and not os.path.exists(started):
                if time.monotonic() > give_up:  # stuck before the objective (an import that hangs)
                    _stop(child)
                    return end_timed_out(runner, trial_id)
                time.sleep(_START_POLL)
            try:
                child.wait(timeout=limit + KILL_GRACE)
            except subprocess.TimeoutExpired:
                _stop(child)
                return end_timed_out(runner, trial_id)
        except BaseException:
            _stop(child)  # Ctrl-C or the executor cancelling the work: leave no child behind
            raise
        with open(errors_path, "rb") as errors:
            child_errors = errors.read().decode(errors="replace")
        sys.stderr.write(child_errors)  # the objective's own output to stderr, as without a limit
        if not os.path.exists(outcome):
            raise RuntimeError(
                f"trial_timeout: the child process running trial id {trial_id} exited with code "
                f"{child.returncode} without finishing the trial; its last error output:\n{child_errors[-2000:]}"
            )
        with open(outcome, "rb") as file:
            kind, value, text = pickle.load(file)
    if kind == "error":
        value.__cause__ = _RemoteTraceback(text)
        raise value
    return value  # type: ignore[no-any-return]


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Stop a child process: SIGTERM, then SIGKILL if it is still there after a second."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def child_main(folder: str) -> None:
    """The child process of :func:`run_in_child`: load the runner, run the trial, write the outcome."""
    with open(os.path.join(folder, "job.pkl"), "rb") as job:
        paths, runner_bytes, verbosity, handoff = pickle.load(job)
    sys.path.extend(p for p in paths if p not in sys.path)
    albacore_logging.set_verbosity(verbosity)
    runner = pickle.loads(runner_bytes)
    runner.study.sampler.reseed_rng()  # copies of one sampler must not draw the same numbers
    runner.study._in_optimize = True  # a callback's study.stop() reaches the loop through the outcome
    trial = Trial._resume(runner.study, handoff)
    # Reach the storage before the clock starts: connecting (a database, a Ray or Dask
    # cluster hosting the study) is the child's start-up, not the trial's time.
    runner.study._storage.get_trial(trial._trial_id)
    # Being stopped must not end the trial from in here (Ray's client turns SIGTERM into
    # SystemExit, which would fail the trial): the worker ends it as timed out.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with open(os.path.join(folder, "started"), "wb"):
        pass
    try:
        result: tuple[str, Any, str] = ("ok", runner.run(trial), "")
    except BaseException as exc:  # noqa: BLE001 - handed to the work unit, which re-raises it
        result = ("error", exc, traceback.format_exc())
    try:
        data = pickle.dumps(result)
    except Exception as exc:  # noqa: BLE001 - an error that does not pickle
        data = pickle.dumps(("error", RuntimeError(f"{result[1]!r} (could not be pickled: {exc})"), result[2]))
    with open(os.path.join(folder, "outcome.tmp"), "wb") as file:
        file.write(data)
    os.replace(os.path.join(folder, "outcome.tmp"), os.path.join(folder, "outcome.pkl"))
