"""What a storage client that reaches its storage over a wire keeps of the trials it has seen.

The gRPC proxy client and the cluster-hosted storages (Dask, Ray) share it: finished trials
never change, so they are kept for good and a sampler reading the whole history each trial
moves only the trials still running over the wire.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Container

from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

_MAX_FRESH = 1000  # trials created but never read: forgotten past this many


class ClientTrialCache:
    """Finished trials by id and per study, and the trials this client just created (thread-safe).

    Per study it holds the gapless prefix of finished trials numbered ``0 .. k - 1`` and
    the finished trials numbered after it, so a read of all trials asks the server only for
    trials numbered from ``k`` on that it does not hold yet (:meth:`read_position`, then
    :meth:`trials`). A RUNNING trial this client just created is kept until its first read
    or this client's next write to it: the Trial's first look costs no round trip.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._finished: dict[int, FrozenTrial] = {}  # trial id -> finished trial
        self._prefix: dict[int, list[FrozenTrial]] = {}  # study id -> finished trials numbered 0..k-1
        self._later: dict[int, dict[int, FrozenTrial]] = {}  # study id -> finished trials after the prefix
        self._fresh: dict[int, FrozenTrial] = {}  # trial id -> the trial this client just created

    def created(self, trial_id: int, trial: FrozenTrial) -> None:
        """Keep the trial this client has just created, as the server returned it."""
        with self._lock:
            if trial.state.is_finished():
                self._finished[trial_id] = trial
            elif trial.state == TrialState.RUNNING:
                if len(self._fresh) > _MAX_FRESH:
                    self._fresh.clear()
                self._fresh[trial_id] = trial

    def touched(self, trial_id: int) -> None:
        """This client writes to ``trial_id``: the snapshot of its creation is out of date."""
        if self._fresh:
            with self._lock:
                self._fresh.pop(trial_id, None)

    def finished(self, trial_id: int, trial: FrozenTrial) -> None:
        """Keep ``trial``, which has just finished."""
        with self._lock:
            self._finished[trial_id] = trial

    def finished_trial(self, trial_id: int) -> FrozenTrial | None:
        """The cached finished trial (not a copy: do not change it), or None."""
        with self._lock:
            return self._finished.get(trial_id)

    def lookup(self, trial_id: int) -> FrozenTrial | None:
        """The trial if it needs no round trip: a copy of a finished one, or a fresh one once."""
        with self._lock:
            cached = self._finished.get(trial_id)
            fresh = self._fresh.pop(trial_id, None)
        if cached is not None:
            return copy.deepcopy(cached)
        return fresh  # no one else has written to it yet: still exactly as created

    def read(self, trial: FrozenTrial) -> FrozenTrial:
        """A trial just read from the server: kept if finished; the caller's to change."""
        if not trial.state.is_finished():
            return trial
        with self._lock:
            self._finished[trial._trial_id] = trial
        return copy.deepcopy(trial)

    def read_position(self, study_id: int) -> tuple[int, list[int]]:
        """``(k, numbers)``: the server must send trials numbered from ``k`` on, except ``numbers``."""
        with self._lock:
            return len(self._prefix.get(study_id, ())), list(self._later.get(study_id, ()))

    def trials(
        self, study_id: int, fresh: list[FrozenTrial], *, deepcopy: bool, states: Container[TrialState] | None
    ) -> list[FrozenTrial]:
        """Every trial of the study by number, from the cache and ``fresh`` (what the server sent)."""
        with self._lock:
            prefix = self._prefix.setdefault(study_id, [])
            later = self._later.setdefault(study_id, {})
            for trial in fresh:
                if trial.state.is_finished():
                    self._finished[trial._trial_id] = trial
                    if trial.number >= len(prefix):
                        later[trial.number] = trial
            while len(prefix) in later:
                prefix.append(later.pop(len(prefix)))
            rest = {trial.number: trial for trial in fresh}
            rest.update(later)
            trials = [*prefix, *(rest[n] for n in sorted(rest) if n >= len(prefix))]
        if states is not None:
            trials = [t for t in trials if t.state in states]
        return copy.deepcopy(trials) if deepcopy else trials

    def forget_study(self, study_id: int) -> None:
        """Drop what is kept of a deleted study."""
        with self._lock:
            gone = [*self._prefix.pop(study_id, ()), *self._later.pop(study_id, {}).values()]
            for trial in gone:
                self._finished.pop(trial._trial_id, None)
