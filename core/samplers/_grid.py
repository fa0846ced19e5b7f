"""GridSampler: every combination of given values, each once, then optimize ends."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import threading
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from albacore._rng import SeededRNG
from albacore._validation import check_type
from albacore._warnings import warn
from albacore.distributions import BaseDistribution
from albacore.logging import get_logger
from albacore.samplers._base import BaseSampler, StartDecision
from albacore.samplers._cache import StudyCache, Unpickled, new_dict
from albacore.samplers._claims import Claims, trial_numbers
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._trial import FIXED_PARAMS_KEY

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

_logger = get_logger(__name__)

GRID_ID_KEY = "grid:id"
# A digest of the grid, so that trials of different grids on one study are told apart.
SEARCH_SPACE_KEY = "grid:search_space_id"
# Trials whose grid point counts as taken: a failed trial's point is tried again.
_TAKEN_STATES = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED)
_MAX_CLAIM_ROUNDS = 64


def _is_grid_value(value: Any) -> bool:
    return value is None or isinstance(value, (str, bool)) or isinstance(value, Real) and not (
        isinstance(value, float) and math.isnan(value)
    )


def _same(a: Any, b: Any) -> bool:
    return a == b and (type(a) is bool) == (type(b) is bool)


def _new_finished(n_points: int, study: Study) -> tuple[set[int], np.ndarray]:
    """A ``StudyCache`` factory: no finished trial seen yet, no grid point finished."""
    return set(), np.zeros(n_points, dtype=bool)


class GridSampler(Unpickled, BaseSampler):
    """Grid search: tries every combination of the given values exactly once.

    Trials take a random unvisited grid point; the point is recorded on the trial (system
    attribute ``"grid:id"``) so that workers sharing a storage split the grid between them.
    A point is taken once a finished (COMPLETE or PRUNED) or running trial holds it; a
    failed trial's point is free again. Points are claimed with a compare-and-set on the
    study (system attribute ``"grid:<grid digest>:point:<id>"``): :meth:`can_start_trial`
    reserves a free point before ``optimize`` creates the trial, and the trial's
    ``before_trial`` turns the reservation into its own claim. Of several workers (threads,
    processes or machines) that pick the same point, one gets it and the others pick again,
    so every point is evaluated once and no trial is created without a point. When no point
    is left :meth:`can_start_trial` answers DONE (WAIT while other workers are starting the
    last ones), so ``optimize`` ends by itself even if ``n_trials`` is larger (once its
    running trials are done: a failed one frees its point). Only a trial asked by hand
    (``study.ask``) when every point is taken re-evaluates a random point, with a warning.

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

    _lock: threading.Lock
    # can_start_trial and the before_trial of the trial it let through run in one thread
    # (optimize's loop), one pair at a time per process: the point it reserved waits in
    # _hooked (thread id -> grid id and pending claim).
    _claim_lock: threading.Lock
    _hooked: dict[int, tuple[int, dict[str, Any]] | None]
    _unpickled = {"_lock": threading.Lock, "_claim_lock": threading.Lock, "_hooked": dict}

    def __init__(self, search_space: Mapping[str, Sequence[Any]], seed: int | None = None) -> None:
        check_type("GridSampler", "search_space", search_space, Mapping, "a dict")
        space: dict[str, list[Any]] = {}
        for name, values in sorted(search_space.items()):
            if not isinstance(name, str):
                raise TypeError(f"GridSampler: parameter names must be str, got {name!r}")
            if getattr(values, "ndim", None) == 1 and hasattr(values, "tolist"):  # a 1-D numpy array, as Optuna takes
                values = values.tolist()
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
                raise TypeError(
                    f"GridSampler: search_space[{name!r}] must be a list (or 1-D array) of values, got {values!r}"
                )
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
        # write, so the claimed point is also kept here, per study: trial number -> grid id
        # (shared by views: before_trial is given the pruner's view, after_trial the study).
        self._claims: StudyCache[dict[int, int]] = StudyCache(new_dict, shared_by_views=True)
        # Per study (or view): numbers of the finished trials seen, mask of finished points.
        self._finished = StudyCache(functools.partial(_new_finished, len(self._grid)))
        self._point_claims = Claims(f"grid:{self._space_id}:point:")
        self._init_unpickled()

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
            seen, mask = self._finished.get(study)
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
            return cast(np.ndarray, mask.copy())

    def _taken_mask(self, study: Study) -> np.ndarray:
        """Grid ids held by a finished (not failed) or running trial."""
        # Running trials first: one that finishes in between is then among the finished ones.
        running = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        mask = self._finished_mask(study)
        for t in running:
            grid_id = self._grid_id_of(t)
            if grid_id is not None:
                mask[grid_id] = True
        return mask

    def _matching_ids(self, fixed: Mapping[str, Any]) -> list[int]:
        """Grid ids agreeing with the enqueued values ``fixed`` (all ids when none constrain)."""
        columns = [(i, fixed[n]) for i, n in enumerate(self._param_names) if n in fixed]
        return [g for g, point in enumerate(self._grid) if all(_same(point[i], v) for i, v in columns)]

    def _free_points(self, study: Study) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        """Masks of the free points and of those another worker is about to start, and the claims."""
        claims = self._point_claims.read(study)  # before the trials: a claim made in between is seen
        failed, running = trial_numbers(study)
        taken = self._taken_mask(study)
        pending = np.zeros(len(self._grid), dtype=bool)
        for point, value in claims.items():
            state = self._point_claims.state(value, failed, running)
            if state == "pending":
                pending[int(point)] = True
            elif state != "free":
                taken[int(point)] = True
        return ~taken & ~pending, pending & ~taken, claims

    def can_start_trial(self, study: Study) -> StartDecision:
        """PROPOSE when a grid point is free (reserving it for the next trial), or an enqueued
        trial waits; WAIT while the only points left are being started by other workers;
        DONE when every point is taken.

        A point is taken when a finished (COMPLETE or PRUNED) or running trial holds it.

        Args:
            study: The study.

        Returns:
            A :class:`~albacore.samplers.StartDecision`.
        """
        me = threading.get_ident()
        with self._claim_lock:
            self._release_hook(study, self._hooked.pop(me, None))
            if study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
                self._hooked[me] = None  # ask picks the enqueued trial up
                return StartDecision.PROPOSE
            free, pending, claims = self._free_points(study)
            for _ in range(_MAX_CLAIM_ROUNDS):
                ids = np.flatnonzero(free)
                if len(ids) == 0:
                    break
                grid_id = int(ids[self._rng.rng.integers(len(ids))])
                reserved = self._point_claims.reserve(study, str(grid_id), claims.get(str(grid_id)))
                if reserved is not None:
                    self._hooked[me] = (grid_id, reserved)
                    return StartDecision.PROPOSE
                free[grid_id] = False  # another worker claimed it first
        return StartDecision.WAIT if pending.any() else StartDecision.DONE

    def _release_hook(self, study: Study, hook: tuple[int, dict[str, Any]] | None) -> None:
        if hook is not None:  # chosen by an earlier call whose trial was never asked
            self._point_claims.release(study, str(hook[0]), hook[1])

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        fixed = trial.system_attrs.get(FIXED_PARAMS_KEY) or {}
        with self._claim_lock:
            hook = self._hooked.pop(threading.get_ident(), None)
            if fixed or hook is None:
                self._release_hook(study, hook)
                grid_id = self._claim_for_hand_asked(study, trial, fixed)
            elif self._point_claims.confirm(study, str(hook[0]), hook[1], trial.number):
                grid_id = hook[0]
            else:  # taken over as an orphan: this worker looked dead
                grid_id = self._claim_for_hand_asked(study, trial, fixed)
        if grid_id is None:
            return  # an enqueued point outside the grid: its values are used as given
        study.set_trial_system_attr(trial, SEARCH_SPACE_KEY, self._space_id)
        study.set_trial_system_attr(trial, GRID_ID_KEY, grid_id)
        with self._lock:
            self._claims.get(study)[trial.number] = grid_id

    def _claim_for_hand_asked(self, study: Study, trial: FrozenTrial, fixed: Mapping[str, Any]) -> int | None:
        """A point for a trial ``can_start_trial`` did not reserve one for: a free one of those
        agreeing with its enqueued values, claimed now, else any of them (re-evaluated)."""
        allowed = np.array(self._matching_ids(fixed), dtype=int) if fixed else np.arange(len(self._grid))
        if len(allowed) == 0:
            return None
        free, _, claims = self._free_points(study)
        for _ in range(_MAX_CLAIM_ROUNDS):
            ids = allowed[free[allowed]]
            if len(ids) == 0:
                break
            grid_id = int(ids[self._rng.rng.integers(len(ids))])
            if self._point_claims.claim_now(study, str(grid_id), claims.get(str(grid_id)), trial.number):
                return grid_id
            free[grid_id] = False
        if len(allowed) == len(self._grid):
            warn(
                f"GridSampler: every grid point of study {study.study_name!r} is taken; trial "
                f"{trial.number} re-evaluates a random point"
            )
        return int(allowed[self._rng.rng.integers(len(allowed))])

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
            grid_id = self._claims.get(study).get(trial.number, trial.system_attrs.get(GRID_ID_KEY))
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
            self._claims.get(study).pop(trial.number, None)

    def is_exhausted(self, study: Study) -> bool:
        """Whether every grid point has a finished (COMPLETE or PRUNED) trial in ``study``.

        Args:
            study: The study.

        Returns:
            True when nothing is left to evaluate.
        """
        return bool(self._finished_mask(study).all())
