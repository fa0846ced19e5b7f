"""ParetoPruner: the median stopping rule's counterpart for several objectives."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from albacore._moo import pareto_front_mask, to_minimization
from albacore._validation import check_int_at_least
from albacore.pruners._base import BasePruner
from albacore.pruners._checks import due_step
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

_COMPLETE = (TrialState.COMPLETE,)


class ParetoPruner(BasePruner):
    """Prune a trial whose values at a step are dominated by those of finished trials.

    At each check step the vector the trial reported there (``trial.report(values,
    step)``, one value per objective) is compared with the vectors COMPLETE trials reported
    at the same step: the trial is pruned when one of them Pareto-dominates it (is no worse
    in every objective and better in one), that is, when it lies behind the Pareto front of
    the finished trials at that step. A Pareto-optimal trial is never pruned. NaN vectors of
    other trials are ignored; a trial whose vector holds a NaN is pruned. In a
    single-objective study it prunes a trial worse than the best finished trial at the step.

    Args:
        n_startup_trials: Never prune before this many trials have completed.
        n_warmup_steps: Never prune at steps below this one.
        interval_steps: Check every this many steps after the warmup (a skipped check step
            is checked at the next reported step).
        n_min_trials: Minimum number of completed trials with a value at the step for the
            comparison to take place.

    Raises:
        ValueError: If an argument is out of range.

    Example:
        .. code-block:: python

            pruner = albacore.pruners.ParetoPruner(n_startup_trials=5, n_warmup_steps=3)
            study = albacore.create_study(directions=["minimize", "minimize"], pruner=pruner)
    """

    supports_multi_objective = True

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        owner = "ParetoPruner"
        self._n_startup_trials = check_int_at_least(owner, "n_startup_trials", n_startup_trials, 0)
        self._n_warmup_steps = check_int_at_least(owner, "n_warmup_steps", n_warmup_steps, 0)
        self._interval_steps = check_int_at_least(owner, "interval_steps", interval_steps, 1)
        self._n_min_trials = check_int_at_least(owner, "n_min_trials", n_min_trials, 1)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = due_step(trial, self._n_warmup_steps, self._interval_steps)
        if step is None:
            return False
        completed = study.get_trials(deepcopy=False, states=_COMPLETE)
        if len(completed) < self._n_startup_trials:
            return False
        mine = trial._intermediate_vector(step)
        if any(math.isnan(v) for v in mine):
            return True
        others = []
        for other in completed:
            if step in other.intermediate_values:
                vector = other._intermediate_vector(step)
                if len(vector) == len(mine) and not any(math.isnan(v) for v in vector):
                    others.append(vector)
        if len(others) < self._n_min_trials:
            return False
        points = to_minimization(np.array([mine, *others], dtype=float), study.directions)
        # Being off the front of (mine + others) means some other point dominates mine.
        return not bool(pareto_front_mask(points)[0])
