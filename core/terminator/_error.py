"""Error evaluators: cross-validation variance of the best trial, or a constant."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from albacore._study_types import StudyDirection
from albacore.terminator._base import BaseErrorEvaluator
from albacore.terminator._trials import best_index, complete_trials
from albacore.trial._frozen import FrozenTrial
from albacore.trial._trial import Trial

#: System attr of a trial holding its cross-validation scores.
CV_SCORES_KEY = "terminator:cv_scores"


def report_cross_validation_scores(trial: Trial, scores: Sequence[float]) -> None:
    """Store the cross-validation scores of ``trial`` for :class:`CrossValidationErrorEvaluator`.

    Call it inside the objective with the per-fold scores the returned value averages.

    Args:
        trial: The running trial.
        scores: One score per fold (at least two).

    Raises:
        ValueError: If there are fewer than two scores or one is not a finite number.

    Example:
        .. code-block:: python

            def objective(trial):
                scores = cross_val_score(model, x, y, cv=5)
                albacore.terminator.report_cross_validation_scores(trial, scores)
                return scores.mean()
    """
    try:
        values = [float(s) for s in scores]
    except (TypeError, ValueError):
        raise ValueError(f"report_cross_validation_scores: scores must be numbers, got scores={scores!r}") from None
    if len(values) <= 1:
        raise ValueError(
            f"report_cross_validation_scores: scores must hold at least two folds, got scores={list(values)!r}"
        )
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"report_cross_validation_scores: scores must be finite, got scores={values!r}")
    trial.set_system_attr(CV_SCORES_KEY, values)


class CrossValidationErrorEvaluator(BaseErrorEvaluator):
    """The standard deviation of the best trial's cross-validation estimate.

    Reads the scores stored by :func:`report_cross_validation_scores` in the best COMPLETE
    trial and returns ``sqrt((1/k + 1/(k - 1)) * var(scores))`` for ``k`` folds: the
    variance of a k-fold mean corrected for the overlap of the training sets (Nadeau &
    Bengio, 2003). The default error evaluator of :class:`~albacore.terminator.Terminator`.

    Example:
        .. code-block:: python

            terminator = albacore.terminator.Terminator(
                error_evaluator=albacore.terminator.CrossValidationErrorEvaluator())
    """

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The corrected standard deviation of the best trial's scores.

        Raises:
            ValueError: If no trial is COMPLETE or the best one has no reported scores.
        """
        complete = complete_trials("CrossValidationErrorEvaluator", trials)
        best = complete[best_index(complete, study_direction)]
        scores = best.system_attrs.get(CV_SCORES_KEY)
        if scores is None:
            raise ValueError(
                f"CrossValidationErrorEvaluator: the best trial (number {best.number}) has no cross-validation "
                "scores; call albacore.terminator.report_cross_validation_scores(trial, scores) in the objective"
            )
        k = len(scores)
        return float(math.sqrt((1.0 / k + 1.0 / (k - 1)) * float(np.var(scores))))


class StaticErrorEvaluator(BaseErrorEvaluator):
    """An error evaluator returning a constant.

    Args:
        constant: The error; the study stops once the improvement falls below it.

    Raises:
        ValueError: If ``constant`` is not a number (NaN included).

    Example:
        .. code-block:: python

            terminator = albacore.terminator.Terminator(
                error_evaluator=albacore.terminator.StaticErrorEvaluator(constant=0.01))
    """

    def __init__(self, constant: float) -> None:
        if isinstance(constant, bool) or not isinstance(constant, (int, float)) or math.isnan(constant):
            raise ValueError(f"StaticErrorEvaluator: constant must be a number, got constant={constant!r}")
        self._constant = float(constant)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the constant."""
        return self._constant

    def __repr__(self) -> str:
        return f"StaticErrorEvaluator(constant={self._constant!r})"
