"""WilcoxonPruner: stop a trial that is significantly worse than the best one on shared instances."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from albacore._study_types import StudyDirection
from albacore._validation import check_int_at_least, check_number
from albacore._warnings import warn
from albacore.pruners._base import BasePruner
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class WilcoxonPruner(BasePruner):
    """Prune a trial that is significantly worse than the best trial on the same instances.

    For objectives averaged over instances or folds: the objective reports the value of
    instance ``i`` as ``trial.report(value, i)`` (steps are instance ids, in any order) and
    returns the average. The values of the running trial and of the best COMPLETE trial on
    the instances both have are compared with a one-sided Wilcoxon signed-rank test; the
    trial is pruned when the p-value that it is worse is below ``p_threshold``, unless its
    average so far is at least as good as the best trial's average. Nothing is pruned before
    a trial has completed, before two (and ``n_startup_steps``) instances are shared, or
    when either trial reported an infinite or NaN value (with a warning). These are the
    decisions of Optuna's ``WilcoxonPruner``.

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
        values = trial.intermediate_values
        if not values:
            return False
        if not all(math.isfinite(v) for v in values.values()):
            warn(f"WilcoxonPruner: trial {trial.number} reported an infinite or NaN value; it is not pruned.")
            return False
        try:
            best = study.best_trial
        except ValueError:
            return False
        reference = best.intermediate_values
        if not reference:
            warn(
                f"WilcoxonPruner: the best trial {best.number} has no intermediate values, so no trial "
                f"is pruned (a trial added with add_trial needs intermediate_values)."
            )
            return False
        if not all(math.isfinite(v) for v in reference.values()):
            warn(
                f"WilcoxonPruner: the best trial {best.number} reported an infinite or NaN value; "
                f"trial {trial.number} is not pruned."
            )
            return False
        shared = [step for step in values if step in reference]
        if len(shared) < len(values):
            warn(f"WilcoxonPruner: trial {trial.number} reported steps the best trial lacks; they are ignored.")
        if len(shared) < max(2, self._n_startup_steps):
            return False
        diffs = np.array([values[step] - reference[step] for step in shared])
        if not np.any(diffs):  # the test's p-value is 1
            return False
        maximize = study.direction == StudyDirection.MAXIMIZE
        from scipy import stats

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns about small samples and ties
            p_value = float(
                stats.wilcoxon(diffs, alternative="less" if maximize else "greater", zero_method="zsplit").pvalue
            )
        if not p_value < self._p_threshold:
            return False
        # Significantly worse, but no worse on average than the best trial: not pruned yet.
        mean, best_mean = float(np.mean(list(values.values()))), float(np.mean(list(reference.values())))
        return not (best_mean <= mean if maximize else best_mean >= mean)
