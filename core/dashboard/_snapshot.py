"""The dashboard's server-side copy of a study's trials, refreshed incrementally.

Finished trials never change (the storage contract), so a refresh reads the storage's trial
list, looks only at the trials that are new or were unfinished at the last refresh, and
records which trial numbers changed in a numbered revision. Clients poll with the last
revision they saw and get back only the trials changed since.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Container, Sequence
from typing import Any

from albacore._study_types import StudyDirection
from albacore.dashboard._columns import Columns
from albacore.storages._base import BaseStorage
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

# Revisions kept in the change log; a client further behind reloads the whole study.
_LOG_SIZE = 500


def _fingerprint(trial: FrozenTrial) -> tuple[Any, ...]:
    return (
        trial.state, trial.values, tuple(trial.params.items()), tuple(trial.intermediate_values.items()),
        repr(trial.user_attrs), repr(trial.system_attrs), trial.datetime_start, trial.datetime_complete,
    )


class StudySnapshot:
    """Trials of one study as last read, with a change log by revision.

    Args:
        storage: The study's storage.
        study_id: Its id.
        min_interval: Seconds during which a second :meth:`refresh` reuses the last read
            (several requests of one page, several viewers).
    """

    def __init__(self, storage: BaseStorage, study_id: int, min_interval: float = 0.5) -> None:
        self.storage = storage
        self.study_id = study_id
        self.study_name = storage.get_study_name_from_id(study_id)
        self.directions: list[StudyDirection] = storage.get_study_directions(study_id)
        self.trials: list[FrozenTrial] = []
        self.revision = 0
        self.columns = Columns(len(self.directions))
        self._unfinished: dict[int, tuple[Any, ...]] = {}
        self._log: list[tuple[int, list[int]]] = []
        self._min_interval = min_interval
        self._read_at = -float("inf")
        self._lock = threading.Lock()

    def refresh(self, force: bool = False) -> None:
        """Read the storage (unless read less than ``min_interval`` ago) and log changes."""
        with self._lock:
            now = time.monotonic()
            if not force and now - self._read_at < self._min_interval:
                return
            trials = self.storage.get_all_trials(self.study_id, deepcopy=False)
            self._read_at = time.monotonic()
            if any(t.number != i for i, t in enumerate(trials[len(self.trials):], len(self.trials))):
                trials = sorted(trials, key=lambda t: t.number)
            changed = list(range(len(self.trials), len(trials)))
            changed += [n for n, mark in self._unfinished.items() if _fingerprint(trials[n]) != mark]
            if not changed:
                return
            for number in changed:
                trial = trials[number]
                if trial.state.is_finished():
                    self._unfinished.pop(number, None)
                else:
                    self._unfinished[number] = _fingerprint(trial)
            self.trials = trials
            self.columns.update(trials, changed)
            self.revision += 1
            self._log.append((self.revision, sorted(changed)))
            del self._log[:-_LOG_SIZE]

    def changed_since(self, revision: int) -> list[int] | None:
        """Numbers of the trials changed after ``revision``; None if the log no longer
        reaches back that far (or ``revision`` is from the future)."""
        if revision == self.revision:
            return []
        if revision > self.revision or not self._log or revision < self._log[0][0] - 1:
            return None
        numbers: set[int] = set()
        for rev, changed in reversed(self._log):
            if rev <= revision:
                break
            numbers.update(changed)
        return sorted(numbers)

    def counts(self) -> dict[str, int]:
        """Number of trials per state name (every state listed)."""
        return self.columns.state_counts()

    def best_trials(self) -> list[FrozenTrial]:
        """The best trial (single objective) or the Pareto front (several)."""
        from albacore.trial._constraints import is_feasible

        done = self.columns.complete_numbers()
        if len(self.directions) == 1:
            number = self.columns.best_number(self.directions[0])
            return [] if number is None else [self.trials[number]]
        from albacore._moo import pareto_front_trials

        trials = [self.trials[int(n)] for n in done]
        return pareto_front_trials([t for t in trials if is_feasible(t.system_attrs)], self.directions)

    def view(self, trials: Sequence[FrozenTrial] | None = None) -> StudyView:
        """A read-only study over the snapshot (or over ``trials`` of it) for figure code."""
        return StudyView(self.study_name, self.directions, list(self.trials if trials is None else trials),
                         self.storage.get_study_system_attrs(self.study_id).get("study:metric_names"))


class StudyView:
    """What the figure functions of :mod:`albacore.visualization` and
    :mod:`albacore.importance` read of a study, served from a snapshot."""

    def __init__(self, study_name: str, directions: list[StudyDirection], trials: list[FrozenTrial],
                 metric_names: list[str] | None = None) -> None:
        self.study_name = study_name
        self.directions = directions
        self.metric_names = metric_names
        self._trials = trials

    @property
    def trials(self) -> list[FrozenTrial]:
        return self._trials

    def get_trials(self, deepcopy: bool = True, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        import copy

        trials = self._trials if states is None else [t for t in self._trials if t.state in states]
        return copy.deepcopy(trials) if deepcopy else trials
