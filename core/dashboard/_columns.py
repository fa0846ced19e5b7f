"""Trials as numpy columns, row = trial number, for paging, sorting and filtering on the
server: a table of 100,000 trials is answered without a Python loop over every trial."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from albacore._study_types import StudyDirection
from albacore.distributions import CategoricalDistribution
from albacore.trial._constraints import is_feasible
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

STATE_NAMES = [s.name for s in TrialState]


class Columns:
    """Growable columns: state, objective values, start time, duration, one per parameter.

    A categorical parameter's column holds the index of its choice; ``choices`` keeps the
    labels. Missing values are NaN.
    """

    def __init__(self, n_objectives: int) -> None:
        self.n = 0
        self.n_objectives = n_objectives
        self._capacity = 0
        self.state = np.zeros(0, dtype=np.int8)
        self.values = np.zeros((0, n_objectives))
        self.start = np.zeros(0)
        self.duration = np.zeros(0)
        self.feasible = np.zeros(0, dtype=bool)
        self.params: dict[str, np.ndarray] = {}
        self.choices: dict[str, tuple[object, ...]] = {}
        self.distributions: dict[str, object] = {}  # each parameter's, as its latest trial has it
        self._latest: dict[str, int] = {}

    def _grow(self, n: int) -> None:
        if n <= self._capacity:
            self.n = max(self.n, n)
            return
        capacity = max(n, 2 * self._capacity, 64)

        def grown(array: np.ndarray, fill: float) -> np.ndarray:
            out = np.full((capacity, *array.shape[1:]), fill, dtype=array.dtype)
            out[: len(array)] = array
            return out

        self.state = grown(self.state, -1)
        self.values = grown(self.values, np.nan)
        self.start = grown(self.start, np.nan)
        self.duration = grown(self.duration, np.nan)
        self.feasible = grown(self.feasible, False)
        self.params = {k: grown(v, np.nan) for k, v in self.params.items()}
        self._capacity = capacity
        self.n = n

    def update(self, trials: Sequence[FrozenTrial], numbers: Sequence[int]) -> None:
        """Write rows ``numbers`` from ``trials`` (indexed by number)."""
        self._grow(len(trials))
        for number in numbers:
            t = trials[number]
            self.state[number] = int(t.state)
            if t.values is not None and len(t.values) == self.n_objectives:
                self.values[number] = t.values
            else:
                self.values[number] = np.nan
            start = t.datetime_start
            self.start[number] = start.timestamp() if start is not None else np.nan
            duration = t.duration
            self.duration[number] = duration.total_seconds() if duration is not None else np.nan
            self.feasible[number] = is_feasible(t.system_attrs)
            for name, value in t.params.items():
                column = self.params.get(name)
                if column is None:
                    column = self.params[name] = np.full(self._capacity, np.nan)
                distribution = t.distributions[name]
                if number >= self._latest.get(name, -1):
                    self._latest[name] = number
                    self.distributions[name] = distribution
                if isinstance(distribution, CategoricalDistribution):
                    self.choices[name] = distribution.choices
                    column[number] = distribution.to_internal_repr(value)
                else:
                    column[number] = float(value)

    def state_counts(self) -> dict[str, int]:
        counts = np.bincount(self.state[: self.n].astype(np.int64) + 1, minlength=len(STATE_NAMES) + 1)[1:]
        return {name: int(c) for name, c in zip(STATE_NAMES, counts)}

    def complete_numbers(self) -> np.ndarray:
        return np.flatnonzero(self.state[: self.n] == int(TrialState.COMPLETE))

    def best_number(self, direction: StudyDirection) -> int | None:
        """Number of the best feasible COMPLETE trial (first objective), or None."""
        done = self.complete_numbers()
        done = done[self.feasible[done]]
        if not len(done):
            return None
        values = self.values[done, 0]
        values = values if direction == StudyDirection.MINIMIZE else -values
        if np.all(np.isnan(values)):
            return None
        return int(done[np.nanargmin(values)])
