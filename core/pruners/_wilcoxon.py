"""WilcoxonPruner: stop a trial that is significantly worse than the best one on shared instances."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from albacore._study_types import StudyDirection
from albacore._validation import check_int_at_least, check_number
from albacore.pruners._base import BasePruner
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class WilcoxonPruner(BasePruner):
    """Prune a trial that is significantly worse than the best trial on the same instances.

    For objectives averaged over instances or folds: the objective reports the value of
    instance ``i`` as ``trial.report(value, i)`` (steps are instance ids, in any order) and
    returns the average. The values of the running trial and of the best COMPLETE trial on
    the instances both have (NaN pairs dropped) are compared with a one-sided Wilcoxon
    signed-rank test; the trial is pruned when the p-value that it is worse is below
    ``p_threshold``. Nothing is pruned before a trial has completed.

    Args:
        p_threshold: Significance level in ``[0, 1]``; larger prunes sooner and more.
        n_startup_steps: Never prune a trial with fewer shared instances than this.

    Raises:
        ValueError: If an argument is out of range.

    Example:
        .. code-block:: python

            def objective(trial):
                x = trial.suggest_float("x", -5, 5)
                losses = []
                for i, instance in enumerate(instances):
                    losses.append(loss(x, instance))
                    trial.report(losses[-1], i)
                    if trial.should_prune():
                        return sum(losses) / len(losses)  # keep the partial average
                return sum(losses) / len(losses)

            study = albacore.create_study(pruner=albacore.pruners.WilcoxonPruner(p_threshold=0.1))
    """

    def __init__(self, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        owner = "WilcoxonPruner"
        self._p_threshold = check_number(owner, "p_threshold", p_threshold, 0.0, 1.0)
        self._n_startup_steps = check_int_at_least(owner, "n_startup_steps", n_startup_steps, 0)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        if not trial.intermediate_values:
            return False
        try:
            best = study.best_trial
        except ValueError:
            return False
        pairs = [
            (value, best.intermediate_values[step])
            for step, value in trial.intermediate_values.items()
            if step in best.intermediate_values
            and not math.isnan(value)
            and not math.isnan(best.intermediate_values[step])
        ]
        if not pairs or len(pairs) < self._n_startup_steps:
            return False
        diffs = np.array([current - reference for current, reference in pairs])
        if not np.any(diffs):
            return False
        alternative = "less" if study.direction == StudyDirection.MAXIMIZE else "greater"
        from scipy import stats

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns about small samples and ties
            p_value = float(stats.wilcoxon(diffs, alternative=alternative, zero_method="zsplit").pvalue)
        return not math.isnan(p_value) and p_value < self._p_threshold
