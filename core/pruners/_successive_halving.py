"""SuccessiveHalvingPruner: asynchronous successive halving (ASHA)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from albacore._moo import non_domination_ranks, to_minimization
from albacore._study_types import StudyDirection
from albacore._validation import check_int_at_least
from albacore.hypervolume import hypervolume_contributions
from albacore.pruners._base import BasePruner
from albacore.pruners._checks import is_better
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

RUNG_KEY = "asha:completed_rung_"
MIN_RESOURCE_KEY = "asha:min_resource"


class SuccessiveHalvingPruner(BasePruner):
    """Asynchronous successive halving (ASHA, Li et al. 2020).

    Rung ``k`` sits at step ``min_resource * reduction_factor ** (min_early_stopping_rate + k)``.
    When a trial reports a step at or past a rung it has not passed yet, its value there is
    recorded in the trial's system attribute ``"asha:completed_rung_<k>"`` and compared with
    the values every other trial recorded at that rung. It goes on if it is among the best
    ``max(1, n // reduction_factor)`` of the ``n`` trials in the rung (itself included),
    where a trial tied with others counts half of them as ahead of it (its mid-rank);
    otherwise it is pruned. No worker waits for another: the rungs are whatever the storage
    holds when the trial gets there. A NaN value ranks below every number.

    **Several objectives** (MO-ASHA, Schmucker et al. 2021): in a multi-objective study the
    rung holds each trial's vector of values (``trial.report(values, step)``) and trials
    are ordered by non-dominated rank (the Pareto front first, then the front of the rest,
    ...) and, within a front, by their hypervolume contribution to it, larger first (the
    reference point lies 10% beyond the rung's worst value in each objective). The same
    top ``max(1, n // reduction_factor)`` positions are promoted, ties counting half. A
    vector with a NaN ranks below every other.

    Args:
        min_resource: Steps before the first rung, or ``"auto"``: once a trial completes,
            ``max(1, last_step // 100)`` of the completed trials (stored in the study system
            attribute ``"asha:min_resource"``); nothing is pruned before that.
        reduction_factor: Only the best ``1 / reduction_factor`` of a rung is promoted.
        min_early_stopping_rate: Shift of the rungs: the first rung is at
            ``min_resource * reduction_factor ** min_early_stopping_rate``.
        bootstrap_count: Number of trials a rung must hold before any trial is promoted
            from it (trials reaching it earlier are pruned).

    Raises:
        ValueError: If an argument is out of range, or ``bootstrap_count > 0`` with
            ``min_resource="auto"``.

    Example:
        .. code-block:: python

            pruner = albacore.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=4)
            study = albacore.create_study(direction="maximize", pruner=pruner)
            mo_study = albacore.create_study(directions=["minimize", "minimize"], pruner=pruner)
    """

    supports_multi_objective = True

    def __init__(
        self,
        min_resource: str | int = "auto",
        reduction_factor: int = 4,
        min_early_stopping_rate: int = 0,
        bootstrap_count: int = 0,
    ) -> None:
        owner = "SuccessiveHalvingPruner"
        if min_resource != "auto":
            min_resource = check_int_at_least(owner, "min_resource", min_resource, 1)
        self._min_resource = min_resource
        self._reduction_factor = check_int_at_least(owner, "reduction_factor", reduction_factor, 2)
        self._min_early_stopping_rate = check_int_at_least(owner, "min_early_stopping_rate", min_early_stopping_rate, 0)
        self._bootstrap_count = check_int_at_least(owner, "bootstrap_count", bootstrap_count, 0)
        if self._bootstrap_count > 0 and min_resource == "auto":
            raise ValueError(
                f"{owner}: bootstrap_count > 0 needs an explicit min_resource, got "
                f"bootstrap_count={bootstrap_count!r} with min_resource='auto'"
            )

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        if trial.last_step is None:
            return False
        min_resource = self._resolve_min_resource(study)
        if min_resource is None:
            return False
        return prune_at_rungs(
            study,
            trial,
            Rungs(min_resource, self._reduction_factor, self._min_early_stopping_rate, self._bootstrap_count),
            RUNG_KEY,
        )

    def _resolve_min_resource(self, study: Study) -> int | None:
        if self._min_resource != "auto":
            return int(self._min_resource)
        stored = study.system_attrs.get(MIN_RESOURCE_KEY)
        if stored is not None:
            return int(stored)
        steps = [t.last_step for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))]
        known = [s for s in steps if s is not None]
        if not known:
            return None
        estimate = max(1, max(known) // 100)
        study.set_system_attr(MIN_RESOURCE_KEY, estimate)
        return estimate


class Rungs:
    """The rung schedule of one successive-halving run.

    Args:
        min_resource: Base number of steps.
        reduction_factor: Growth of the rung steps and inverse of the promoted fraction.
        rate: Min early-stopping rate: exponent of the first rung.
        bootstrap_count: Trials a rung must hold before promoting any.
    """

    def __init__(self, min_resource: int, reduction_factor: int, rate: int, bootstrap_count: int) -> None:
        self.min_resource = min_resource
        self.reduction_factor = reduction_factor
        self.rate = rate
        self.bootstrap_count = bootstrap_count

    def step_of(self, rung: int) -> int:
        """The step at which rung ``rung`` sits."""
        step: int = self.min_resource * self.reduction_factor ** (self.rate + rung)  # exponent >= 0: an int
        return step

    def highest_reached(self, step: int) -> int:
        """The highest rung at or before ``step``; -1 if none."""
        rung = -1
        while self.step_of(rung + 1) <= step:
            rung += 1
        return rung

    def promotable(self, value: Any, others: list[Any], directions: Sequence[StudyDirection]) -> bool:
        """Whether ``value`` is in the top fraction of the rung made of it and ``others``.

        Its rank is the number of others better than it plus half the number equal to it
        (tied values share the mean of their positions), and the top ``max(1, size //
        reduction_factor)`` ranks are promoted. Counting ties as half keeps a metric with
        few distinct values (accuracy on a small validation set) from promoting every trial
        that merely equals the rung's cut-off. With several objectives the values are
        vectors, compared by non-dominated rank, then hypervolume contribution.
        """
        size = len(others) + 1
        if size < self.bootstrap_count or value is None:
            return False
        cutoff = max(1, size // self.reduction_factor)
        if len(directions) > 1:
            better, tied = _multi_objective_position(value, [o for o in others if o is not None], directions)
            return better + 0.5 * tied < cutoff
        direction = directions[0]
        better = sum(1 for other in others if other is not None and is_better(other, value, direction))
        tied = sum(1 for other in others if other == value)
        return better + 0.5 * tied < cutoff


def _multi_objective_position(
    value: list[float], others: list[list[float]], directions: Sequence[StudyDirection]
) -> tuple[int, int]:
    """How many of ``others`` are ahead of ``value`` and how many tie with it (MO-ASHA order)."""
    if not others:
        return 0, 0
    points = to_minimization(np.array([value, *others], dtype=float), directions)
    ranks = non_domination_ranks(points)
    same = ranks == ranks[0]
    front = points[same]
    worst, best = points.max(axis=0), points.min(axis=0)
    reference = worst + 0.1 * np.maximum(worst - best, 1e-12)
    contribution = np.zeros(len(points))
    contribution[same] = hypervolume_contributions(front, reference)
    ahead = (ranks < ranks[0]) | (same & (contribution > contribution[0]))
    tied = same & (contribution == contribution[0])
    return int(ahead[1:].sum()), int(tied[1:].sum())


def prune_at_rungs(
    study: Study,
    trial: FrozenTrial,
    rungs: Rungs,
    key: str,
    same_group: Callable[[FrozenTrial], bool] | None = None,
) -> bool:
    """Record ``trial`` in the rungs it has newly reached; True if it is not promoted.

    Args:
        study: The study.
        trial: The running trial, with at least one intermediate value.
        rungs: The schedule.
        key: Prefix of the rung system attributes, followed by the rung index.
        same_group: Which other trials compete with ``trial`` (all when None).
    """
    if trial.state != TrialState.RUNNING:
        return False  # a finished trial is neither recorded in the rungs nor stopped
    step = trial.last_step
    assert step is not None
    top = rungs.highest_reached(step)
    if top < 0:
        return False
    # The snapshot handed to the pruner may predate the rung attributes this pruner wrote.
    running = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
    fresh = next((t for t in running if t.number == trial.number), trial)
    first = 0
    while f"{key}{first}" in fresh.system_attrs:
        first += 1
    if first > top:
        return False
    directions = study.directions
    value: Any
    if len(directions) > 1:
        value = list(trial._intermediate_vector(step))
        if any(math.isnan(v) for v in value):
            value = None
    else:
        value = trial.intermediate_values[step]
        if value is None or math.isnan(value):
            value = None
    peers = [
        t for t in study.get_trials(deepcopy=False)
        if t.number != trial.number and (same_group is None or same_group(t))
    ]
    for rung in range(first, top + 1):
        attr = f"{key}{rung}"
        study.set_trial_system_attr(trial, attr, value)
        others = [t.system_attrs[attr] for t in peers if attr in t.system_attrs]
        if not rungs.promotable(value, others, directions):
            return True
    return False
