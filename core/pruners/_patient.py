"""PatientPruner: give a trial a few steps to improve before another pruner may stop it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from albacore._study_types import StudyDirection
from albacore._validation import check_int_at_least, check_number
from albacore.pruners._base import BasePruner
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class PatientPruner(BasePruner):
    """Prune only a trial that has stopped improving, and only if ``wrapped_pruner`` agrees.

    The trial's reported steps are split into the window of its last ``patience + 1``
    steps and the steps before it. The trial has stopped improving when the best value in
    the window is worse than the best value before it by more than ``min_delta``; a value
    equal to the earlier best (or within ``min_delta`` of it) is not a worsening, so it
    keeps the trial. Then ``wrapped_pruner`` decides; with ``wrapped_pruner=None`` the
    trial is pruned. NaN values are skipped, and a trial whose window or earlier steps hold
    only NaN is not pruned. A trial with at most ``patience + 1`` reported steps is never
    pruned. These are the decisions of Optuna's ``PatientPruner``.

    Args:
        wrapped_pruner: The pruner consulted once the trial has stopped improving, or None.
        patience: Number of latest values that must all fail to improve.
        min_delta: Smallest change that counts as an improvement.

    Raises:
        ValueError: If ``patience < 0``, ``min_delta < 0`` or ``wrapped_pruner`` is not a
            pruner.

    Example:
        .. code-block:: python

            pruner = albacore.pruners.PatientPruner(albacore.pruners.MedianPruner(), patience=3)
            study = albacore.create_study(pruner=pruner)
    """

    def __init__(self, wrapped_pruner: BasePruner | None, patience: int, min_delta: float = 0.0) -> None:
        owner = "PatientPruner"
        if wrapped_pruner is not None and not isinstance(wrapped_pruner, BasePruner):
            raise ValueError(
                f"{owner}: wrapped_pruner must be a BasePruner or None, got wrapped_pruner={wrapped_pruner!r}"
            )
        self._wrapped_pruner = wrapped_pruner
        self._patience = check_int_at_least(owner, "patience", patience, 0)
        self._min_delta = check_number(owner, "min_delta", min_delta, 0.0)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        steps = sorted(trial.intermediate_values)
        if len(steps) <= self._patience + 1:
            return False
        split = len(steps) - self._patience - 1
        values = [trial.intermediate_values[s] for s in steps]
        earlier = [v for v in values[:split] if not math.isnan(v)]
        window = [v for v in values[split:] if not math.isnan(v)]
        if not earlier or not window:
            return False
        if study.direction == StudyDirection.MAXIMIZE:
            stalled = max(window) < max(earlier) - self._min_delta
        else:
            stalled = min(window) > min(earlier) + self._min_delta
        if not stalled:
            return False
        if self._wrapped_pruner is None:
            return True
        return self._wrapped_pruner.prune(study, trial)

    def study_for_sampler(self, study: Study, trial: FrozenTrial) -> Study:
        """The wrapped pruner's view of the study (the study itself without one)."""
        if self._wrapped_pruner is None:
            return study
        return self._wrapped_pruner.study_for_sampler(study, trial)
