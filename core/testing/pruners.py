"""Pruners for tests: decisions fixed in advance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.pruners._base import BasePruner
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.study.study import Study

__all__ = ["DeterministicPruner", "StepPruner"]


class DeterministicPruner(BasePruner):
    """A pruner whose answer is fixed: always prune, or never.

    Useful to test code paths that depend on ``trial.should_prune()`` (integration
    callbacks, objectives raising :class:`albacore.TrialPruned`).

    Args:
        is_pruning: The value every call of :meth:`prune` returns.

    Raises:
        TypeError: If ``is_pruning`` is not a bool.

    Example:
        .. code-block:: python

            study = albacore.create_study(pruner=DeterministicPruner(True))
            trial = study.ask()
            trial.report(1.0, 0)
            assert trial.should_prune()
    """

    def __init__(self, is_pruning: bool) -> None:
        if not isinstance(is_pruning, bool):
            raise TypeError(f"DeterministicPruner: is_pruning must be a bool, got is_pruning={is_pruning!r}")
        self.is_pruning = is_pruning

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return self.is_pruning


class StepPruner(BasePruner):
    """Prunes a trial once it has reported a value at a step >= ``from_step``.

    Gives tests a known pruning step without depending on other trials.

    Args:
        from_step: The first step at which ``prune`` answers True.

    Raises:
        ValueError: If ``from_step`` is not a non-negative int.
    """

    def __init__(self, from_step: int) -> None:
        if isinstance(from_step, bool) or not isinstance(from_step, int) or from_step < 0:
            raise ValueError(f"StepPruner: from_step must be a non-negative int, got from_step={from_step!r}")
        self.from_step = from_step

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        last = trial.last_step
        return last is not None and last >= self.from_step
