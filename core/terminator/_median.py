"""MedianErrorEvaluator: a threshold relative to the improvement's early median."""

from __future__ import annotations

import math

import numpy as np

from albacore._study_types import StudyDirection
from albacore._validation import check_int
from albacore.terminator._base import BaseErrorEvaluator, BaseImprovementEvaluator
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState


class MedianErrorEvaluator(BaseErrorEvaluator):
    """An error equal to a fraction of the improvement criterion's median early in the study.

    After ``warm_up_trials + n_initial_trials`` COMPLETE trials, the paired evaluator is
    computed on the trials ``warm_up_trials + 1 .. warm_up_trials + i`` for
    ``i = 1 .. n_initial_trials``; the error is ``threshold_ratio`` times the median of those
    values, fixed from then on (the heuristic of Ishibashi et al., 2023, for
    :class:`~albacore.terminator.EMMREvaluator`). Before that it is negative, so the study
    does not stop.

    Args:
        paired_improvement_evaluator: The improvement evaluator used with this one.
        warm_up_trials: First trials left out (often random startup trials).
        n_initial_trials: Trials after the warm-up whose criteria set the median.
        threshold_ratio: The error as a fraction of the median.

    Raises:
        TypeError: If ``paired_improvement_evaluator`` is not a BaseImprovementEvaluator.
        ValueError: If ``warm_up_trials < 0``, ``n_initial_trials < 1`` or
            ``threshold_ratio`` is not a positive finite number.

    Example:
        .. code-block:: python

            emmr = albacore.terminator.EMMREvaluator()
            error = albacore.terminator.MedianErrorEvaluator(emmr, threshold_ratio=0.01)
    """

    def __init__(self, paired_improvement_evaluator: BaseImprovementEvaluator, warm_up_trials: int = 10,
                 n_initial_trials: int = 20, threshold_ratio: float = 0.01) -> None:
        if not isinstance(paired_improvement_evaluator, BaseImprovementEvaluator):
            raise TypeError("MedianErrorEvaluator: paired_improvement_evaluator must be a BaseImprovementEvaluator, "
                            f"got {paired_improvement_evaluator!r}")
        check_int("MedianErrorEvaluator", "warm_up_trials", warm_up_trials, 0)
        check_int("MedianErrorEvaluator", "n_initial_trials", n_initial_trials, 1)
        if (isinstance(threshold_ratio, bool) or not isinstance(threshold_ratio, (int, float))
                or not math.isfinite(threshold_ratio) or threshold_ratio <= 0.0):
            raise ValueError("MedianErrorEvaluator: threshold_ratio must be a positive finite number, got "
                             f"threshold_ratio={threshold_ratio!r}")
        self._paired = paired_improvement_evaluator
        self._warm_up_trials = warm_up_trials
        self._n_initial_trials = n_initial_trials
        self._threshold_ratio = float(threshold_ratio)
        # The threshold, keyed by the trials it was computed from (a reused evaluator recomputes
        # it for another study).
        self._threshold: tuple[tuple[int, ...], float] | None = None

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The threshold (negative until enough trials are COMPLETE)."""
        complete = sorted((t for t in trials if t.state == TrialState.COMPLETE), key=lambda t: t.number)
        n_needed = self._warm_up_trials + self._n_initial_trials
        if len(complete) < n_needed:
            return -1e-300
        initial = complete[:n_needed]
        key = tuple(t.number for t in initial) + tuple(hash(t.value) for t in initial)
        if self._threshold is not None and self._threshold[0] == key:
            return self._threshold[1]
        criteria = [
            self._paired.evaluate(initial[self._warm_up_trials: self._warm_up_trials + i], study_direction)
            for i in range(1, self._n_initial_trials + 1)
        ]
        threshold = min(float(np.sort(criteria)[len(criteria) // 2]) * self._threshold_ratio, 1e300)
        self._threshold = (key, threshold)
        return threshold
