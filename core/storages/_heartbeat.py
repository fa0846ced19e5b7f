"""Heartbeats: how a study notices that the worker running a trial has died.

A storage that supports heartbeats implements :class:`BaseHeartbeat` next to
:class:`~albacore.storages.BaseStorage`. While a trial's objective runs, a background thread
in the worker calls :meth:`BaseHeartbeat.record_heartbeat` every ``heartbeat_interval``
seconds. A RUNNING trial whose last beat (or start, if it never beat) is older than
``grace_period`` seconds belongs to a dead worker: any other worker marks it FAIL with
:func:`fail_stale_trials` (called by ``study.ask()``, hence before every trial of
``optimize``) and then runs the storage's ``heartbeat_stale_trial_callback`` on it, e.g.
:class:`~albacore.storages.RetryHeartbeatStaleTrialCallback` to run it again.
"""

from __future__ import annotations

import abc
import os
import threading
from typing import TYPE_CHECKING, Any, Callable

from albacore._validation import check_seconds
from albacore.exceptions import UpdateFinishedTrialError
from albacore.logging import get_logger
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._frozen import FrozenTrial
    from albacore.trial._study_protocol import StudyHandle as Study

_logger = get_logger(__name__)

StaleTrialCallback = Callable[["Study", "FrozenTrial"], None]


class BaseHeartbeat(abc.ABC):
    """The heartbeat contract, implemented by storages shared by several processes.

    **Beating.** ``record_heartbeat(trial_id)`` records "the worker of this trial is alive
    now". It is called from a background thread of the worker, every
    ``get_heartbeat_interval()`` seconds while the trial is RUNNING, and must be cheap. A
    beat for a trial that has finished is ignored, never an error.

    **Staleness.** ``_get_stale_trial_ids(study_id)`` returns the ids of the study's RUNNING
    trials whose most recent beat (or ``datetime_start`` when they never beat) is more than
    the grace period old. Storages measure both ends with one clock where they can (the
    database server's); otherwise with the workers' wall clocks, which must then agree to
    well within the grace period.

    **Enabled.** Heartbeats are on when ``get_heartbeat_interval()`` is not None; with None,
    no beat is recorded and no trial is ever stale.

    Failing a stale trial is a compare-and-set (``set_trial_state_values`` on a finished
    trial raises), so when several workers notice the same stale trial, exactly one fails
    it and runs the callback.
    """

    @abc.abstractmethod
    def record_heartbeat(self, trial_id: int) -> None:
        """Record that the worker running ``trial_id`` is alive now."""

    @abc.abstractmethod
    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        """Return the ids of the RUNNING trials of ``study_id`` that stopped beating."""

    @abc.abstractmethod
    def get_heartbeat_interval(self) -> float | None:
        """Seconds between two beats, or None when heartbeats are disabled."""

    @abc.abstractmethod
    def get_failed_trial_callback(self) -> StaleTrialCallback | None:
        """The ``callback(study, frozen_trial)`` run on each trial failed for staleness."""


def validate_heartbeat_args(
    owner: str, heartbeat_interval: Any, grace_period: Any, callback: Any
) -> tuple[float | None, float | None]:
    """Check a storage's heartbeat arguments; return ``(interval, grace_period)``.

    ``grace_period`` defaults to twice the interval. Storages call this in ``__init__`` so
    every storage reports bad values the same way.

    Args:
        owner: The storage class name, used in messages.
        heartbeat_interval: Seconds between beats (> 0) or None.
        grace_period: Seconds without a beat after which a trial is stale (> 0) or None.
        callback: The stale-trial callback or None.

    Raises:
        ValueError: On a non-positive or non-numeric value, or a grace period or callback
            without an interval.
        TypeError: If ``callback`` is not callable.
    """
    for name, value in (("heartbeat_interval", heartbeat_interval), ("grace_period", grace_period)):
        check_seconds(owner, name, value, allow_none=True)
    if callback is not None and not callable(callback):
        raise TypeError(
            f"{owner}: heartbeat_stale_trial_callback must be callable (study, trial), got {callback!r}"
        )
    if heartbeat_interval is None:
        if grace_period is not None or callback is not None:
            raise ValueError(
                f"{owner}: grace_period and heartbeat_stale_trial_callback need heartbeat_interval; "
                f"got heartbeat_interval=None, grace_period={grace_period!r}"
            )
        return None, None
    interval = float(heartbeat_interval)
    return interval, float(grace_period) if grace_period is not None else 2.0 * interval


def is_heartbeat_enabled(storage: Any) -> bool:
    """Whether ``storage`` records heartbeats (a :class:`BaseHeartbeat` with an interval)."""
    return isinstance(storage, BaseHeartbeat) and storage.get_heartbeat_interval() is not None


def fail_stale_trials(study: Study) -> list[int]:
    """Mark FAIL the RUNNING trials of ``study`` whose worker stopped beating.

    Runs the storage's stale-trial callback on each trial this call failed. Called by
    ``study.ask()``; call it yourself to clean up a study no worker is running. Does nothing
    when the study's storage has no heartbeats.

    Args:
        study: The study.

    Returns:
        The numbers of the trials this call marked FAIL (another worker may have failed some
        stale trials first; those are not included).

    Example:
        .. code-block:: python

            storage = albacore.storages.RDBStorage(url, heartbeat_interval=60)
            study = albacore.load_study(study_name="s", storage=storage)
            albacore.storages.fail_stale_trials(study)
    """
    storage = study._storage
    if not is_heartbeat_enabled(storage):
        return []
    failed = []
    for trial_id in storage._get_stale_trial_ids(study._study_id):
        try:
            if not storage.set_trial_state_values(trial_id, TrialState.FAIL):
                continue
        except UpdateFinishedTrialError:
            continue  # another worker (or the trial's own) finished it first
        frozen = storage.get_trial(trial_id)
        failed.append(frozen.number)
        _logger.warning("Trial %d failed: its worker stopped sending heartbeats.", frozen.number)
        callback = storage.get_failed_trial_callback()
        if callback is not None:
            callback(study, frozen)
    return failed


class _Beater:
    """A daemon thread beating for one trial until stopped."""

    def __init__(self, storage: BaseHeartbeat, trial_id: int, interval: float) -> None:
        self._storage = storage
        self._trial_id = trial_id
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"albacore-heartbeat-{trial_id}", daemon=True
        )

    def start(self) -> None:
        self._storage.record_heartbeat(self._trial_id)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._storage.record_heartbeat(self._trial_id)
            except Exception as exc:  # noqa: BLE001 - a missed beat must not kill the worker
                _logger.warning("Heartbeat of trial id %d failed: %s", self._trial_id, exc)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()


# (id(storage), trial_id) -> beater; one beater per running trial of this process.
_beaters: dict[tuple[int, int], _Beater] = {}
_beaters_lock = threading.Lock()


def start_heartbeat(storage: Any, trial_id: int) -> None:
    """Start beating for ``trial_id`` (no-op without heartbeats or if already beating)."""
    if not is_heartbeat_enabled(storage):
        return
    key = (id(storage), trial_id)
    with _beaters_lock:
        if key in _beaters:
            return
        beater = _Beater(storage, trial_id, storage.get_heartbeat_interval())
        _beaters[key] = beater
    beater.start()


def stop_heartbeat(storage: Any, trial_id: int) -> None:
    """Stop beating for ``trial_id`` (no-op if it is not beating in this process)."""
    with _beaters_lock:
        beater = _beaters.pop((id(storage), trial_id), None)
    if beater is not None:
        beater.stop()


class HeartbeatContext:
    """Context manager: the trial beats inside the block (used by ``optimize``)."""

    def __init__(self, storage: Any, trial_id: int) -> None:
        self._storage = storage
        self._trial_id = trial_id

    def __enter__(self) -> HeartbeatContext:
        start_heartbeat(self._storage, self._trial_id)
        return self

    def __exit__(self, *exc: object) -> None:
        stop_heartbeat(self._storage, self._trial_id)


def _forget_beaters_after_fork() -> None:
    global _beaters_lock
    _beaters.clear()  # the threads did not survive the fork
    _beaters_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_beaters_after_fork)
