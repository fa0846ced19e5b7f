"""GridSampler: every combination of given values, each once, then the study stops."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import threading
import weakref
from numbers import Real
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from albacore._rng import SeededRNG
from albacore._warnings import warn
from albacore.distributions import BaseDistribution
from albacore.logging import get_logger
from albacore.samplers._base import BaseSampler
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
    attribute ``"grid:id"``) so that workers sharing a storage split the grid between them:
    a worker that finds its point claimed by another running trial picks again. A failed
    trial's point is tried again. When every point is taken, ``optimize`` stops by itself
    even if ``n_trials`` is larger; trials that start after that (several workers asking at
    the same moment) re-evaluate a random point, with a warning.

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

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        del state["_claims"], state["_finished"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._claims = weakref.WeakKeyDictionary()
        self._finished = weakref.WeakKeyDictionary()

    def _claim(self, study: Study, trial: FrozenTrial, grid_id: int) -> None:
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
        mask = self._finished_mask(study)
        for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            grid_id = self._grid_id_of(t) if t.number != exclude_number else None
            if grid_id is not None:
                mask[grid_id] = True
        return mask

    def _matching_ids(self, fixed: Mapping[str, Any]) -> list[int]:
        """Grid ids agreeing with the enqueued values ``fixed`` (all ids when none constrain)."""
        columns = [(i, fixed[n]) for i, n in enumerate(self._param_names) if n in fixed]
        return [g for g, point in enumerate(self._grid) if all(_same(point[i], v) for i, v in columns)]

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        fixed = trial.system_attrs.get(FIXED_PARAMS_KEY) or {}
        allowed = np.array(self._matching_ids(fixed), dtype=int) if fixed else np.arange(len(self._grid))
        if fixed and len(allowed) == 0:
            return  # an enqueued point outside the grid: its values are used as given
        study.set_trial_system_attr(trial, SEARCH_SPACE_KEY, self._space_id)
        rng = self._rng.rng
        excluded: set[int] = set()
        for _ in range(_MAX_CLAIM_ROUNDS):
            taken = self._taken_mask(study, trial.number)
            taken[list(excluded)] = True
            free = allowed[~taken[allowed]]
            if len(free) == 0:
                if not fixed:
                    warn(
                        f"GridSampler: every grid point of study {study.study_name!r} is taken; trial "
                        f"{trial.number} re-evaluates a random point"
                    )
                    stop_study(study)
                self._claim(study, trial, int(allowed[rng.integers(len(allowed))]))
                return
            grid_id = int(free[rng.integers(len(free))])
            self._claim(study, trial, grid_id)
            # Another worker may have claimed the same point meanwhile. Whoever sees a rival
            # after writing picks again; at least one of two rivals sees the other.
            if not self._taken_mask(study, trial.number)[grid_id]:
                return
            excluded.add(grid_id)

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
