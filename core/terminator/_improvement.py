"""Improvement evaluators: the GP regret bound and the stagnation of the best value."""

from __future__ import annotations

import numpy as np

from albacore._rng import SeededRNG
from albacore._study_types import StudyDirection
from albacore._validation import check_int
from albacore.terminator import _gp
from albacore.terminator._base import BaseImprovementEvaluator
from albacore.terminator._trials import best_index, complete_trials
from albacore.trial._frozen import FrozenTrial

DEFAULT_MIN_N_TRIALS = 20
DEFAULT_TOP_TRIALS_RATIO = 0.5
_DELTA = 0.1


class RegretBoundEvaluator(BaseImprovementEvaluator):
    """A high-probability upper bound on the regret of the best trial, from a GP.

    A Gaussian process (albacore's, as in :class:`~albacore.samplers.GPSampler`) is fitted to
    the best ``max(min_n_trials, top_trials_ratio * n)`` COMPLETE trials; with the GP-UCB
    confidence parameter ``beta``, the regret of the best trial is at most the largest upper
    confidence bound over the search space minus the largest lower confidence bound over
    those trials (Makarova et al., 2022, "Automatic Termination for Hyperparameter
    Optimization"). Returned in the objective's units. The default improvement evaluator of
    :class:`~albacore.terminator.Terminator`.

    Args:
        top_trials_ratio: Share of the best trials the GP is fitted to.
        min_n_trials: Minimum number of trials the GP is fitted to.
        seed: Seed of the random points where the upper bound is maximized.

    Raises:
        ValueError: If ``top_trials_ratio`` is not in ``(0, 1]`` or ``min_n_trials < 1``.

    Example:
        .. code-block:: python

            terminator = albacore.terminator.Terminator(
                improvement_evaluator=albacore.terminator.RegretBoundEvaluator(seed=0),
                error_evaluator=albacore.terminator.StaticErrorEvaluator(0.01))
    """

    def __init__(self, top_trials_ratio: float = DEFAULT_TOP_TRIALS_RATIO, min_n_trials: int = DEFAULT_MIN_N_TRIALS,
                 seed: int | None = None) -> None:
        if (isinstance(top_trials_ratio, bool) or not isinstance(top_trials_ratio, (int, float))
                or not 0.0 < top_trials_ratio <= 1.0):
            raise ValueError(f"RegretBoundEvaluator: top_trials_ratio must be in (0, 1], got "
                             f"top_trials_ratio={top_trials_ratio!r}")
        check_int("RegretBoundEvaluator", "min_n_trials", min_n_trials, 1)
        self._top_trials_ratio = float(top_trials_ratio)
        self._min_n_trials = min_n_trials
        self._rng = SeededRNG(seed)
        self._theta: np.ndarray | None = None

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The regret bound of the best of ``trials``.

        Raises:
            ValueError: If no trial is COMPLETE or the trials share no parameter.
        """
        complete = complete_trials("RegretBoundEvaluator", trials)
        encoded = _gp.encode_trials(complete, study_direction)
        if encoded is None:
            raise ValueError("RegretBoundEvaluator: the COMPLETE trials share no varying parameter; "
                             "a regret bound needs at least one")
        n_top = min(len(complete), max(self._min_n_trials, int(self._top_trials_ratio * len(complete))))
        top = np.argsort(-encoded.y, kind="stable")[:n_top]
        x, (y, _, std) = encoded.x[top], _gp.standardize(encoded.y[top])
        gp = _gp.fit(encoded.space, x, y, deterministic=False, theta0=self._theta)
        self._theta = gp.theta
        return _gp.regret_bound(gp, x, _DELTA, self._rng.rng) * std


class BestValueStagnationEvaluator(BaseImprovementEvaluator):
    """Trials left before the best value has stagnated for ``max_stagnation_trials`` trials.

    Returns ``max_stagnation_trials - (trials since the best one)`` over the COMPLETE trials;
    paired with ``StaticErrorEvaluator(0)`` (what :class:`~albacore.terminator.Terminator`
    picks for it), the study stops once the best value has not improved for more than
    ``max_stagnation_trials`` trials.

    Args:
        max_stagnation_trials: Trials without improvement that are tolerated.

    Raises:
        ValueError: If ``max_stagnation_trials`` is a negative or non-int value.

    Example:
        .. code-block:: python

            terminator = albacore.terminator.Terminator(
                improvement_evaluator=albacore.terminator.BestValueStagnationEvaluator(20))
    """

    def __init__(self, max_stagnation_trials: int = 30) -> None:
        check_int("BestValueStagnationEvaluator", "max_stagnation_trials", max_stagnation_trials, 0)
        self._max_stagnation_trials = max_stagnation_trials

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Remaining tolerated stagnation (negative once exceeded).

        Raises:
            ValueError: If no trial is COMPLETE.
        """
        complete = complete_trials("BestValueStagnationEvaluator", trials)
        stagnation = len(complete) - 1 - best_index(complete, study_direction)
        return float(self._max_stagnation_trials - stagnation)

