"""PercentilePruner: stop a trial that is worse than most finished trials at the same step."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from albacore._study_types import StudyDirection
from albacore._validation import check_int_at_least, check_interval
from albacore.pruners._base import BasePruner
from albacore.pruners._checks import best_value, due_step
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

_COMPLETE = (TrialState.COMPLETE,)


class PercentilePruner(BasePruner):
    """Prune a trial whose best value so far is worse than a percentile of finished trials.

    At each check step the trial's best intermediate value so far is compared with the
    values that COMPLETE trials reported at the same step. With ``percentile=25`` a
    minimizing study prunes the trial unless it is within the best 25% of them (the 25th
    percentile of the values); a maximizing study keeps the top 25% (the 75th percentile).
    NaN values of other trials are ignored; a trial that reported only NaN values is pruned.

    Args:
        percentile: Percentile in ``[0, 100]`` of the finished trials' values the trial must
            reach to go on; smaller is stricter.
        n_startup_trials: Never prune before this many trials have completed.
        n_warmup_steps: Never prune at steps below this one.
        interval_steps: Check every this many steps after the warmup (a skipped check step
            is checked at the next reported step).
        n_min_trials: Minimum number of completed trials with a value at the step for the
            comparison to take place.

    Raises:
        TypeError: If ``percentile`` is not a number (as Optuna's).
        ValueError: If an argument is out of range.

    Example:
        .. code-block:: python

            pruner = albacore.pruners.PercentilePruner(25.0, n_startup_trials=5, n_warmup_steps=3)
            study = albacore.create_study(pruner=pruner)
    """

    def __init__(
        self,
        percentile: float,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        owner = type(self).__name__
        self._percentile = check_interval(owner, "percentile", percentile, 0.0, 100.0)
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
        direction = study.direction
        best = best_value(trial.intermediate_values.values(), direction)
        if math.isnan(best):
            return True
        others = [t.intermediate_values.get(step, math.nan) for t in completed]
        others = [v for v in others if not math.isnan(v)]
        if len(others) < self._n_min_trials:
            return False
        if direction == StudyDirection.MAXIMIZE:
            return best < float(np.percentile(others, 100.0 - self._percentile))
        return best > float(np.percentile(others, self._percentile))
