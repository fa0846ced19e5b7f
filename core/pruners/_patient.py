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

    A trial has stopped improving when none of its last ``patience`` intermediate values
    beats the best of its earlier values by more than ``min_delta`` (NaN values are
    skipped). Then ``wrapped_pruner`` decides; with ``wrapped_pruner=None`` the trial is
    pruned. A trial with at most ``patience`` values is never pruned.

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
        values = [trial.intermediate_values[s] for s in sorted(trial.intermediate_values)]
        values = [v for v in values if not math.isnan(v)]
        if len(values) <= self._patience:
            return False
        earlier, recent = values[: len(values) - self._patience], values[len(values) - self._patience :]
        if recent:
            if study.direction == StudyDirection.MAXIMIZE:
                improved = max(recent) > max(earlier) + self._min_delta
            else:
                improved = min(recent) < min(earlier) - self._min_delta
            if improved:
                return False
        if self._wrapped_pruner is None:
            return True
        return self._wrapped_pruner.prune(study, trial)

    def study_for_sampler(self, study: Study, trial: FrozenTrial) -> Study:
        """The wrapped pruner's view of the study (the study itself without one)."""
        if self._wrapped_pruner is None:
            return study
        return self._wrapped_pruner.study_for_sampler(study, trial)
