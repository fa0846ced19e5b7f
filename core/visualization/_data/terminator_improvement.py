"""Data of the terminator improvement plot: room left for improvement (and the error) over
the course of a study, from :mod:`albacore.terminator` evaluators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np

from albacore._validation import check_count
from albacore.visualization._data._trials import check_study, completed_trials

if TYPE_CHECKING:
    from albacore.terminator import BaseErrorEvaluator, BaseImprovementEvaluator
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_terminator_improvement"
# Each evaluation fits a model to the trials so far; a longer study is evaluated at this
# many evenly spaced trial counts (the last one included), and the figure says so.
MAX_EVALUATIONS = 50


@dataclass
class TerminatorImprovementData:
    numbers: np.ndarray  # trial number of the last COMPLETE trial of each evaluated prefix
    improvements: np.ndarray
    errors: np.ndarray | None
    min_n_trials: int
    before_min: np.ndarray  # True where fewer than min_n_trials trials were evaluated
    notes: list[str]


def terminator_improvement_data(
    study: StudyReader,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> TerminatorImprovementData:
    """Evaluate the improvement (and with ``plot_error`` the error) on each prefix of the
    COMPLETE trials, at most :data:`MAX_EVALUATIONS` prefixes."""
    from albacore.terminator import (
        BaseErrorEvaluator,
        BaseImprovementEvaluator,
        CrossValidationErrorEvaluator,
        RegretBoundEvaluator,
    )

    check_study(WHERE, study)
    if len(study.directions) > 1:
        raise ValueError(f"{WHERE}: the terminator works on single-objective studies; this one has "
                         f"{len(study.directions)} objectives")
    check_count(WHERE, "min_n_trials", min_n_trials, positive=True)
    improvement_evaluator = improvement_evaluator if improvement_evaluator is not None else RegretBoundEvaluator()
    if not isinstance(improvement_evaluator, BaseImprovementEvaluator):
        raise TypeError(f"{WHERE}: improvement_evaluator must be a BaseImprovementEvaluator, "
                        f"got improvement_evaluator={improvement_evaluator!r}")
    if plot_error:
        error_evaluator = error_evaluator if error_evaluator is not None else CrossValidationErrorEvaluator()
        if not isinstance(error_evaluator, BaseErrorEvaluator):
            raise TypeError(f"{WHERE}: error_evaluator must be a BaseErrorEvaluator, "
                            f"got error_evaluator={error_evaluator!r}")
    trials = completed_trials(WHERE, study, None).trials
    n = len(trials)
    counts = np.unique(np.linspace(1, n, min(n, MAX_EVALUATIONS)).round().astype(int))
    notes = [f"evaluated at {len(counts):,} of {n:,} trials (evenly spaced)"] if len(counts) < n else []
    direction = study.directions[0]
    improvements = np.array([improvement_evaluator.evaluate(trials[:c], direction) for c in counts], dtype=np.float64)
    errors = None
    if plot_error:
        checked = cast(BaseErrorEvaluator, error_evaluator)  # checked above when plot_error
        errors = np.array([checked.evaluate(trials[:c], direction) for c in counts], dtype=np.float64)
    numbers = np.array([trials[c - 1].number for c in counts], dtype=int)
    return TerminatorImprovementData(numbers, improvements, errors, min_n_trials, counts < min_n_trials, notes)
