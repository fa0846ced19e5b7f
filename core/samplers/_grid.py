"""GridSampler: every combination of given values, each once, then the study stops."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import threading
import time
import weakref
from numbers import Real
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from albacore._rng import SeededRNG
from albacore._warnings import warn
from albacore.distributions import BaseDistribution
from albacore.logging import get_logger
from albacore.samplers._base import BaseSampler, SearchSpaceExhausted
from albacore.samplers._reservations import Reservations
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._trial import FIXED_PARAMS_KEY

if TYPE_CHECKING:
    from albacore.study.study import Study

_logger = get_logger(__name__)

GRID_ID_KEY = "grid:id"
# A digest of the grid, so that trials of different grids on one study are told apart.
SEARCH_SPACE_KEY = "grid:search_space_id"
# Trials whose grid point counts as taken: a failed trial's point is tried again.
_TAKEN_STATES = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED)
_MAX_CLAIM_ROUNDS = 16


def _is_grid_value(value: Any) -> bool:
    return value is None or isinstance(value, (str, bool)) or isinstance(value, Real) and not (
        isinstance(value, float) and math.isnan(value)
    )


def _same(a: Any, b: Any) -> bool:
    return a == b and (type(a) is bool) == (type(b) is bool)


def stop_study(study: Study) -> None:
    """Ask a running ``optimize`` to stop; outside ``optimize`` there is nothing to stop."""
    try:
        study.stop()
    except RuntimeError:
        pass


class GridSampler(BaseSampler):
    """Grid search: tries every combination of the given values exactly once.

    Trials take a random unvisited grid point; the point is recorded on the trial (system
    attribute ``"grid:id"``) so that workers sharing a storage split the grid between them.
    A point is taken once a finished (COMPLETE or PRUNED) or running trial holds it; a
    failed trial's point is free again. ``optimize`` starts a trial only for a free point,
    which :meth:`can_start_trial` reserves on the study before the trial is created (a
    study system attribute every worker reads), so every point is evaluated once even with
    many threads or processes sharing a storage, no trial is created that has nothing to
    evaluate, and ``optimize`` stops by itself when no point is left, even if ``n_trials``
    is larger (with threads, once its running trials are done: a failed one frees its
    point). Two workers that reserve the same point at the same moment both see it and
    pick again. Only a trial asked by hand (``study.ask``) when every point is taken
    re-evaluates a random point, with a warning.

    Args:
        search_space: Parameter name to the list of its values (None, bool, int, float or
            str). The objective must suggest exactly these parameters.
        seed: Seed of the random order in which grid points are visited.

    Raises:
        TypeError: If ``search_space`` is not a mapping of names to sequences.
        ValueError: If a list of values is empty or holds an unsupported value.

    Example:
        .. code-block:: python

            sampler = albacore.samplers.GridSampler({"x": [-1, 0, 1], "y": ["a", "b"]})
            study = albacore.create_study(sampler=sampler)
            study.optimize(lambda t: t.suggest_int("x", -1, 1) ** 2 + (t.suggest_categorical("y", ["a", "b"]) == "a"))
            assert len(study.trials) == 6
    """

    def __init__(self, search_space: Mapping[str, Sequence[Any]], seed: int | None = None) -> None:
        if not isinstance(search_space, Mapping):
            raise TypeError(f"GridSampler: search_space must be a dict, got search_space={search_space!r}")
        space: dict[str, list[Any]] = {}
        for name, values in sorted(search_space.items()):
            if not isinstance(name, str):
                raise TypeError(f"GridSampler: parameter names must be str, got {name!r}")
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
                raise TypeError(f"GridSampler: search_space[{name!r}] must be a list of values, got {values!r}")
            if len(values) == 0:
                raise ValueError(f"GridSampler: search_space[{name!r}] must hold at least one value, got {values!r}")
            for value in values:
                if not _is_grid_value(value):
                    raise ValueError(
                        f"GridSampler: search_space[{name!r}] holds {value!r} of type {type(value).__name__}; "
                        f"values must be None, bool, int, float or str"
                    )
            space[name] = [v.item() if hasattr(v, "item") else v for v in values]
        self._search_space = space
        self._param_names = list(space)
        self._grid = list(itertools.product(*space.values()))
        canonical = json.dumps(sorted(space.items()), separators=(",", ":"))
        self._space_id = hashlib.sha256(canonical.encode()).hexdigest()[:24]
        self._rng = SeededRNG(seed)
        # The trial snapshot a sampler sees while values are suggested predates before_trial's
        # write, so the claimed point is also kept here, per study and trial number.
        # Keyed by the Study object: two studies may share a name and an id (two storages).
        self._claims: weakref.WeakKeyDictionary[Study, dict[int, int]] = weakref.WeakKeyDictionary()
        self._finished: weakref.WeakKeyDictionary[Study, tuple[set[int], np.ndarray]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._init_claiming()

    def _init_claiming(self) -> None:
        # Claims of this process are made one at a time, so its threads never collide. A thread
        # that can_start_trial let through is "hooked" until its trial claims a point: it holds
        # the reserved point (None when an enqueued trial was waiting). Trials started that way
        # are remembered by (study name, number) until they finish.
        self._claim_lock = threading.Lock()
        self._hooked: dict[int, int | None] = {}
        self._hooked_trials: set[tuple[str, int]] = set()
        self._reservations = Reservations(f"grid:{self._space_id}")

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for name in ("_lock", "_claims", "_finished", "_claim_lock", "_hooked", "_hooked_trials", "_reservations"):
            del state[name]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._claims = weakref.WeakKeyDictionary()
        self._finished = weakref.WeakKeyDictionary()
        self._init_claiming()

    def _claim(self, study: Study, trial: FrozenTrial, grid_id: int | None) -> None:
        study.set_trial_system_attr(trial, GRID_ID_KEY, grid_id)
        with self._lock:
            self._claims.setdefault(study, {})[trial.number] = grid_id

    def reseed_rng(self) -> None:
        self._rng.reseed()

    @property
    def search_space(self) -> dict[str, list[Any]]:
        """The grid, parameter name to values (names sorted)."""
        return {k: list(v) for k, v in self._search_space.items()}

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    # --- claiming a grid point ---------------------------------------------------------------
    def _grid_id_of(self, trial: FrozenTrial) -> int | None:
        if trial.system_attrs.get(SEARCH_SPACE_KEY) != self._space_id:
            return None  # another grid's trial (or none) on the same study
        return trial.system_attrs.get(GRID_ID_KEY)

    def _finished_mask(self, study: Study) -> np.ndarray:
        """Grid ids with a COMPLETE or PRUNED trial, kept incrementally (finished trials never change)."""
        finished = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
        with self._lock:
            seen, mask = self._finished.setdefault(study, (set(), np.zeros(len(self._grid), dtype=bool)))
            n_new = len(finished) - len(seen)
            # New trials are mostly the latest ones: scan from the end until all are found.
            for t in reversed(finished):
                if n_new <= 0:
                    break
                if t.number not in seen:
                    seen.add(t.number)
                    n_new -= 1
                    grid_id = self._grid_id_of(t)
                    if grid_id is not None:
                        mask[grid_id] = True
            return mask.copy()

    def _taken_mask(self, study: Study, exclude_number: int) -> np.ndarray:
        """Grid ids held by a finished (not failed) or running trial other than ``exclude_number``."""
        # Running trials first: one that finishes in between is then among the finished ones.
        running = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        mask = self._finished_mask(study)
        for t in running:
            grid_id = self._grid_id_of(t) if t.number != exclude_number else None
            if grid_id is not None:
                mask[grid_id] = True
        return mask

    def _matching_ids(self, fixed: Mapping[str, Any]) -> list[int]:
        """Grid ids agreeing with the enqueued values ``fixed`` (all ids when none constrain)."""
        columns = [(i, fixed[n]) for i, n in enumerate(self._param_names) if n in fixed]
        return [g for g, point in enumerate(self._grid) if all(_same(point[i], v) for i, v in columns)]

    def can_start_trial(self, study: Study) -> bool:
        """Whether a grid point is left for a new trial; if so, reserve it for that trial.

        A point is left when no finished (COMPLETE or PRUNED) or running trial holds it. While
        the only points left are reserved by other workers about to start their trials, this
        waits for those reservations to turn into claims (milliseconds).

        Args:
            study: The study.

        Returns:
            True when a point is reserved for the next trial this thread creates, or when an
            enqueued trial is waiting; False when every point is taken.
        """
        me = threading.get_ident()
        pause = 0.0
        while True:
            time.sleep(pause)
            with self._claim_lock:
                self._hooked.pop(me, None)
                if self._reservations.restart(study):
                    self._hooked[me] = None  # ask will pick the enqueued trial up
                    return True
                taken = self._taken_mask(study, -1)
                reserved = [g for g in self._reservations.others(study) if not taken[g]]
                free = np.flatnonzero(~taken)
                free = free[~np.isin(free, reserved)]
                if len(free) == 0 and not reserved:
                    return False
                if len(free) > 0:
                    grid_id = int(free[self._rng.rng.integers(len(free))])
                    self._reservations.reserve(study, grid_id)
                    # Both of two rivals write before they read: at least one sees the other.
                    if grid_id not in self._reservations.others(study) and not self._taken_mask(study, -1)[grid_id]:
                        self._hooked[me] = grid_id
                        return True
                    self._reservations.release(study)
            pause = float(self._rng.rng.uniform(0.002, 0.02))

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        fixed = trial.system_attrs.get(FIXED_PARAMS_KEY) or {}
        allowed = np.array(self._matching_ids(fixed), dtype=int) if fixed else np.arange(len(self._grid))
        me = threading.get_ident()
        with self._claim_lock:
            hooked = me in self._hooked
            reserved = self._hooked.pop(me, None)
            if hooked:
                self._hooked_trials.add((study.study_name, trial.number))
            if fixed and len(allowed) == 0:
                self._reservations.release(study)
                return  # an enqueued point outside the grid: its values are used as given
            study.set_trial_system_attr(trial, SEARCH_SPACE_KEY, self._space_id)
            if reserved is not None and not fixed:
                self._claim(study, trial, reserved)
                self._reservations.release(study)
                if not self._taken_mask(study, trial.number)[reserved]:
                    return
                self._claim(study, trial, None)  # taken after all (a reservation that expired)
            self._reservations.release(study)
            self._claim_free_point(study, trial, allowed, hooked and not fixed)

    def _claim_free_point(self, study: Study, trial: FrozenTrial, allowed: np.ndarray, hooked: bool) -> None:
        """Claim a free point of ``allowed`` for ``trial`` (``_claim_lock`` held).

        Raises:
            SearchSpaceExhausted: If none is free for a trial that ``can_start_trial`` let through.
        """
        rng = self._rng.rng
        for round_ in range(_MAX_CLAIM_ROUNDS):
            taken = self._taken_mask(study, trial.number)
            taken[self._reservations.others(study)] = True
            free = allowed[~taken[allowed]]
            if len(free) == 0:
                break
            grid_id = int(free[rng.integers(len(free))])
            self._claim(study, trial, grid_id)
            # A trial of another worker may have claimed the same point meanwhile. Whoever
            # sees a rival after writing withdraws and picks again after a random pause; at
            # least one of two rivals sees the other, so the point is never held twice.
            if not self._taken_mask(study, trial.number)[grid_id]:
                return
            self._claim(study, trial, None)
            time.sleep(float(rng.uniform(0.0, 0.01)) * (round_ + 1))
        if hooked:
            raise SearchSpaceExhausted(
                f"GridSampler: another worker took the last free grid point of study {study.study_name!r}"
            )
        if len(allowed) == len(self._grid):
            warn(
                f"GridSampler: every grid point of study {study.study_name!r} is taken; trial "
                f"{trial.number} re-evaluates a random point"
            )
            stop_study(study)
        self._claim(study, trial, int(allowed[rng.integers(len(allowed))]))

    # --- values ------------------------------------------------------------------------------
    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if param_name not in self._search_space:
            raise ValueError(
                f"GridSampler: parameter {param_name!r} is not in the grid; the grid has {self._param_names}. "
                f"Add it to search_space or stop suggesting it"
            )
        with self._lock:
            grid_id = self._claims.get(study, {}).get(trial.number, trial.system_attrs.get(GRID_ID_KEY))
        if grid_id is None:
            raise ValueError(
                f"GridSampler: trial {trial.number} has no grid point (it was enqueued with values outside "
                f"the grid), so parameter {param_name!r} cannot be sampled; enqueue all grid parameters"
            )
        value = self._grid[grid_id][self._param_names.index(param_name)]
        internal = param_distribution.to_internal_repr(value)
        if not param_distribution.contains(internal):
            warn(
                f"GridSampler: grid value {value!r} of parameter {param_name!r} is outside {param_distribution!r}; "
                f"it is used as given"
            )
        return value

    def after_trial(self, study: Study, trial: FrozenTrial, state: TrialState, values: Any) -> None:
        with self._lock:
            self._claims.get(study, {}).pop(trial.number, None)
        with self._claim_lock:
            if (study.study_name, trial.number) in self._hooked_trials:
                self._hooked_trials.discard((study.study_name, trial.number))
                return  # optimize asks can_start_trial before its next trial
        # A trial asked by hand, or by a wrapper that does not forward can_start_trial.
        taken = self._taken_mask(study, trial.number)
        grid_id = self._grid_id_of(trial)
        if state != TrialState.FAIL and grid_id is not None:
            taken[grid_id] = True
        if taken.all():
            stop_study(study)

    def is_exhausted(self, study: Study) -> bool:
        """Whether every grid point has a finished (COMPLETE or PRUNED) trial in ``study``.

        Args:
            study: The study.

        Returns:
            True when nothing is left to evaluate.
        """
        return bool(self._finished_mask(study).all())
