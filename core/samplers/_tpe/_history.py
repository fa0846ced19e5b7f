"""Columnar cache of a study's finished trials, grown incrementally.

Finished trials never change, so each trial is converted once into a row: its state,
objective values, pruning information (a PRUNED trial's last step and value), the number
of intermediate values it reported, constraint violation, and one column entry per
parameter (internal representation, NaN where the trial lacks the parameter). Reading the
history for a new trial then only walks the trials finished since the previous read.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, cast

import numpy as np

from albacore.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution
from albacore.trial._constraints import constraint_values
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

COMPLETE, PRUNED = 0, 1
_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)


class _Growable:
    """A 1-D or 2-D numpy array with amortised O(1) appends along the first axis."""

    def __init__(self, width: int | None, fill: float, dtype: type = float) -> None:
        shape = (16,) if width is None else (16, width)
        self.data: np.ndarray = np.full(shape, fill, dtype=dtype)
        self.fill = fill

    def ensure(self, n: int) -> None:
        if n > len(self.data):
            grown = np.full((max(n, 2 * len(self.data)),) + self.data.shape[1:], self.fill, dtype=self.data.dtype)
            grown[: len(self.data)] = self.data
            self.data = grown


def compatible(old: BaseDistribution, new: BaseDistribution) -> bool:
    """Whether values recorded under ``old`` can model a parameter distributed as ``new``."""
    if type(old) is not type(new):
        return False
    if isinstance(new, CategoricalDistribution):
        return old == new
    # Same type and not categorical: both are float or int distributions.
    return cast(FloatDistribution, old).log == cast(FloatDistribution, new).log


class History:
    """The finished trials of one study as arrays (rows in the order they were first seen)."""

    def __init__(self, n_objectives: int) -> None:
        self.lock = threading.Lock()
        self._reset(n_objectives)

    def _reset(self, n_objectives: int) -> None:
        self._n_objectives = n_objectives
        self.n = 0
        self.row_of: dict[int, int] = {}
        self._numbers = _Growable(None, -1, int)
        self._states = _Growable(None, -1, int)
        self._values = _Growable(n_objectives, np.nan)
        self._last_step = _Growable(None, -1.0)
        self._reports = _Growable(None, 0, int)
        self._violation = _Growable(None, 0.0)
        self._columns: dict[str, _Growable] = {}
        self._dist_ids: dict[str, _Growable] = {}
        self.dists: dict[str, list[BaseDistribution]] = {}
        self.latest: dict[str, BaseDistribution] = {}
        self._latest_number: dict[str, int] = {}
        self.intersection: dict[str, BaseDistribution] | None = None
        self.param_sets: set[frozenset[str]] = set()

    # --- reading ---------------------------------------------------------------------------
    def update(self, study: Study) -> list[FrozenTrial]:
        """Add newly finished trials of ``study``; return its RUNNING trials."""
        finished = study.get_trials(deepcopy=False, states=_FINISHED)
        running = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        with self.lock:
            # Finished trials stay finished, so the cache misses exactly len(finished) - n of
            # them; they are almost always the newest, so look from the end.
            missing = len(finished) - self.n
            for trial in reversed(finished):
                if missing <= 0:
                    break
                if trial.number not in self.row_of:
                    self._add(trial)
                    missing -= 1
        return running

    def _add(self, trial: FrozenTrial) -> None:
        row = self.n
        self.n += 1
        columns = (self._numbers, self._states, self._values, self._last_step, self._reports, self._violation)
        for column in columns:
            column.ensure(self.n)
        self.row_of[trial.number] = row
        self._numbers.data[row] = trial.number
        self._reports.data[row] = len(trial.intermediate_values)
        if trial.state == TrialState.COMPLETE:
            self._states.data[row] = COMPLETE
            self._values.data[row] = trial.values
        else:
            self._states.data[row] = PRUNED
            last = trial.last_step
            if last is not None and not math.isnan(trial.intermediate_values[last]):
                self._last_step.data[row] = last
                self._values.data[row, 0] = trial.intermediate_values[last]
            elif trial.values is not None:
                self._values.data[row] = trial.values
        violations = constraint_values(trial.system_attrs)
        if violations is not None:
            self._violation.data[row] = sum(max(v, 0.0) for v in violations)
        for name, dist in trial.distributions.items():
            self._set_param(row, name, dist, dist.to_internal_repr(trial.params[name]))
            if self._latest_number.get(name, -1) < trial.number:  # rows may arrive out of order
                self.latest[name] = dist
                self._latest_number[name] = trial.number
        dists = trial.distributions
        if self.intersection is None:
            self.intersection = dict(dists)
        else:
            self.intersection = {k: d for k, d in self.intersection.items() if dists.get(k) == d}
        self.param_sets.add(frozenset(dists))

    def _set_param(self, row: int, name: str, dist: BaseDistribution, value: float) -> None:
        if name not in self._columns:
            self._columns[name] = _Growable(None, np.nan)
            self._dist_ids[name] = _Growable(None, -1, int)
            self.dists[name] = []
        known = self.dists[name]
        try:
            dist_id = known.index(dist)
        except ValueError:
            dist_id = len(known)
            known.append(dist)
        self._columns[name].ensure(self.n)
        self._dist_ids[name].ensure(self.n)
        self._columns[name].data[row] = value
        self._dist_ids[name].data[row] = dist_id

    # --- views (callers hold no lock: rows below ``n`` never change) ------------------------
    def snapshot(self) -> Snapshot:
        with self.lock:
            return Snapshot(self)


class Snapshot:
    """Immutable view of the first ``n`` rows of a :class:`History`."""

    def __init__(self, history: History) -> None:
        n = self.n = history.n
        self.numbers = history._numbers.data[:n].copy()
        self.states = history._states.data[:n].copy()
        self.values = history._values.data[:n].copy()
        self.last_step = history._last_step.data[:n].copy()
        self.reports = history._reports.data[:n].copy()
        self.violation = history._violation.data[:n].copy()
        for grown in (*history._columns.values(), *history._dist_ids.values()):
            grown.ensure(n)  # columns of parameters missing from the latest trials lag behind
        self._columns = {k: c.data[:n] for k, c in history._columns.items()}
        self._dist_ids = {k: c.data[:n] for k, c in history._dist_ids.items()}
        self._dists = {k: list(v) for k, v in history.dists.items()}
        self.latest = dict(history.latest)
        self.intersection = dict(history.intersection or {})
        self.param_sets = list(history.param_sets)

    def column(self, name: str, dist: BaseDistribution) -> np.ndarray:
        """Internal values of ``name`` per row; NaN where absent or not usable under ``dist``."""
        if name not in self._columns:
            return np.full(self.n, np.nan)
        # Lookup table by distribution id, shifted by one so that "absent" (-1) maps to False.
        table = np.array([False] + [compatible(d, dist) for d in self._dists[name]])
        values = self._columns[name]
        usable = table[self._dist_ids[name] + 1]
        if not isinstance(dist, CategoricalDistribution):
            low, high = dist.low, dist.high  # type: ignore[attr-defined]
            tol = 1e-9 * max(1.0, abs(high - low))
            with np.errstate(invalid="ignore"):
                usable &= (values >= low - tol) & (values <= high + tol)
        out = np.where(usable, values, np.nan)
        if not isinstance(dist, CategoricalDistribution):
            out = np.clip(out, dist.low, dist.high)  # type: ignore[attr-defined]
        return out
