"""Pruners for tests: decisions fixed in advance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.pruners._base import BasePruner
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.study.study import Study

__all__ = ["DeterministicPruner"]


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
