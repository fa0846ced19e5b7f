"""Automatic termination of a study once more trials are unlikely to pay off.

:class:`Terminator` compares an improvement evaluator (the room left for improvement:
:class:`RegretBoundEvaluator` by default, :class:`EMMREvaluator`,
:class:`BestValueStagnationEvaluator`) with an error evaluator (the objective's noise:
:class:`CrossValidationErrorEvaluator` by default, fed by
:func:`report_cross_validation_scores`; :class:`MedianErrorEvaluator`,
:class:`StaticErrorEvaluator`). :class:`TerminatorCallback` applies it in ``study.optimize``.

Example:
    .. code-block:: python

        study.optimize(objective, n_trials=200, callbacks=[albacore.terminator.TerminatorCallback()])
"""

from albacore.terminator._base import BaseErrorEvaluator, BaseImprovementEvaluator, BaseTerminator
from albacore.terminator._callback import TerminatorCallback
from albacore.terminator._emmr import EMMREvaluator
from albacore.terminator._error import (
    CrossValidationErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)
from albacore.terminator._improvement import BestValueStagnationEvaluator, RegretBoundEvaluator
from albacore.terminator._median import MedianErrorEvaluator
from albacore.terminator._terminator import Terminator

__all__ = [
    "BaseErrorEvaluator",
    "BaseImprovementEvaluator",
    "BaseTerminator",
    "BestValueStagnationEvaluator",
    "CrossValidationErrorEvaluator",
    "EMMREvaluator",
    "MedianErrorEvaluator",
    "RegretBoundEvaluator",
    "StaticErrorEvaluator",
    "Terminator",
    "TerminatorCallback",
    "report_cross_validation_scores",
]
