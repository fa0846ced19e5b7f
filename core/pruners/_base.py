"""The pruner contract."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.study.study import Study


class BasePruner(abc.ABC):
    """Decides whether a running trial should stop early.

    ``prune(study, trial)`` is called by ``trial.should_prune()`` in the worker running
    ``trial``, usually right after ``trial.report(value, step)``. ``trial`` is a snapshot
    holding every intermediate value reported so far. The decision must come only from
    ``trial`` and from what the storage holds (``study.get_trials(deepcopy=False,
    states=...)``, study and trial system attributes), so that workers sharing a storage
    agree without talking to each other. A pruner keeps no other state and must be
    thread-safe.

    Pruners follow ``study.direction``: with MAXIMIZE, larger intermediate values are
    better.
    """

    @abc.abstractmethod
    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """Return True if ``trial`` should be pruned now."""
