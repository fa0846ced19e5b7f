"""The pruner contract."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


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

    **What the sampler sees.** When a trial starts, ``study_for_sampler(study, trial)`` is
    called once; the sampler's ``before_trial``, ``infer_relative_search_space``,
    ``sample_relative`` and ``sample_independent`` calls for that trial receive the study it
    returns instead of ``study``. The default returns ``study`` itself. A pruner that runs
    separate experiments inside one study overrides it to return a read-only view whose
    ``get_trials`` holds only the trials of the same experiment (``HyperbandPruner`` shows
    each trial only the trials of its bracket, once the bracket holds the sampler's
    ``n_startup_trials`` finished trials). ``after_trial`` always receives the real study.
    """

    @abc.abstractmethod
    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """Return True if ``trial`` should be pruned now."""

    def study_for_sampler(self, study: Study, trial: FrozenTrial) -> Study:
        """Return the study the sampler sees while choosing ``trial``'s parameters.

        Args:
            study: The study ``trial`` belongs to.
            trial: The trial that just started (RUNNING, no parameters yet).

        Returns:
            ``study`` by default; a view of it restricted to some of its trials otherwise.
        """
        return study
