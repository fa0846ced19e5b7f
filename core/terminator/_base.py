"""The extension points of :mod:`albacore.terminator`.

A terminator decides from a study whether to stop it; the default one compares two
evaluators of the study's trials: an estimate of the room left for improvement and an
estimate of the statistical error of the objective.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from albacore._study_types import StudyDirection
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.study.study import Study


class BaseTerminator(abc.ABC):
    """Base class of terminators.

    Contract: :meth:`should_terminate` reads the study through its public surface
    (``study.get_trials(deepcopy=False, states=...)``, ``study.direction``) and never
    changes it; :class:`~albacore.terminator.TerminatorCallback` calls it after every
    finished trial and stops the study when it returns True.
    """

    @abc.abstractmethod
    def should_terminate(self, study: Study) -> bool:
        """Whether ``study`` should stop now."""


class BaseImprovementEvaluator(abc.ABC):
    """Base class of the estimators of the room left for improvement.

    Contract: :meth:`evaluate` gets every trial of a study (any state, in trial-number
    order; an implementation keeps the COMPLETE ones it needs) and the study's direction,
    and returns a float comparable with the paired error evaluator's value: the study stops
    when the improvement is below the error. It may be called on prefixes of a study's
    trials (``plot_terminator_improvement`` does) and keeps no state that would make the
    result depend on earlier calls, apart from warm starts and caches.
    """

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The estimated room for improvement given ``trials``."""


class BaseErrorEvaluator(abc.ABC):
    """Base class of the estimators of the objective's statistical error.

    Contract: as :class:`BaseImprovementEvaluator` (all trials of a study and its direction
    in, one float out), the value being the error the improvement is compared with.
    """

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The estimated statistical error given ``trials``."""
