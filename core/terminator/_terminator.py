"""Terminator: stop when the room for improvement falls below the statistical error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore._validation import check_int
from albacore.terminator._base import BaseErrorEvaluator, BaseImprovementEvaluator, BaseTerminator
from albacore.terminator._error import CrossValidationErrorEvaluator, StaticErrorEvaluator
from albacore.terminator._improvement import BestValueStagnationEvaluator, RegretBoundEvaluator
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.study.study import Study


class Terminator(BaseTerminator):
    """Stops a study once the estimated room for improvement is below the objective's error.

    After ``min_n_trials`` COMPLETE trials, :meth:`should_terminate` is True when the
    improvement evaluator's value is below the error evaluator's (Makarova et al., 2022):
    further trials are unlikely to find a better value than the noise of the objective,
    e.g. the spread of a cross-validation estimate. Use it in an ask-and-tell loop or
    through :class:`TerminatorCallback`. Single-objective studies only.

    Args:
        improvement_evaluator: Estimates the room for improvement; a
            :class:`RegretBoundEvaluator` by default.
        error_evaluator: Estimates the error; ``StaticErrorEvaluator(0)`` when the
            improvement evaluator is a :class:`BestValueStagnationEvaluator`, else a
            :class:`CrossValidationErrorEvaluator` (which needs
            :func:`report_cross_validation_scores` in the objective).
        min_n_trials: COMPLETE trials before termination is considered.

    Raises:
        TypeError: If an evaluator has the wrong type.
        ValueError: If ``min_n_trials`` is not a positive int.

    Example:
        .. code-block:: python

            terminator = albacore.terminator.Terminator()
            for _ in range(100):
                trial = study.ask()
                scores = cross_val_score(make_model(trial), x, y, cv=5)
                albacore.terminator.report_cross_validation_scores(trial, scores)
                study.tell(trial, scores.mean())
                if terminator.should_terminate(study):
                    break
    """

    def __init__(self, improvement_evaluator: BaseImprovementEvaluator | None = None,
                 error_evaluator: BaseErrorEvaluator | None = None, min_n_trials: int = 20) -> None:
        if improvement_evaluator is not None and not isinstance(improvement_evaluator, BaseImprovementEvaluator):
            raise TypeError("Terminator: improvement_evaluator must be a BaseImprovementEvaluator, got "
                            f"improvement_evaluator={improvement_evaluator!r}")
        if error_evaluator is not None and not isinstance(error_evaluator, BaseErrorEvaluator):
            raise TypeError(
                f"Terminator: error_evaluator must be a BaseErrorEvaluator, got error_evaluator={error_evaluator!r}"
            )
        check_int("Terminator", "min_n_trials", min_n_trials, 1)
        self._improvement_evaluator = improvement_evaluator or RegretBoundEvaluator()
        if error_evaluator is None:
            if isinstance(self._improvement_evaluator, BestValueStagnationEvaluator):
                error_evaluator = StaticErrorEvaluator(constant=0)
            else:
                error_evaluator = CrossValidationErrorEvaluator()
        self._error_evaluator = error_evaluator
        self._min_n_trials = min_n_trials

    def should_terminate(self, study: Study) -> bool:
        """Whether the improvement is below the error (False before ``min_n_trials``).

        Raises:
            ValueError: If ``study`` is multi-objective.
        """
        directions = study.directions
        if len(directions) > 1:
            raise ValueError(
                f"Terminator: only single-objective studies can be terminated; "
                f"this study has {len(directions)} objectives"
            )
        trials = study.get_trials(deepcopy=False)
        n_complete = sum(1 for t in trials if t.state == TrialState.COMPLETE)
        if n_complete < self._min_n_trials:
            return False
        improvement = self._improvement_evaluator.evaluate(trials, directions[0])
        error = self._error_evaluator.evaluate(trials, directions[0])
        return improvement < error
