"""The pruner contract."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, ClassVar

from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class BasePruner(abc.ABC):
    """Decides whether a running trial should stop early.

    ``prune(study, trial)`` is called by ``trial.should_prune()`` in the worker running
    ``trial``, usually right after ``trial.report(value, step)``. ``trial`` is a snapshot
    holding every intermediate value reported so far. What every pruner must do (the kit
    :class:`albacore.testing.pruners.PrunerContract` checks each clause):

    * **Decide from the storage only.** The answer comes from ``trial`` and from what the
      storage holds (``study.get_trials(deepcopy=False, states=...)``, study and trial
      system attributes), so that workers sharing a storage agree without talking: two
      ``Study`` objects on one storage, each with its own pruner, decide exactly as one
      does. State a pruner needs across calls (a rung value) is written to trial system
      attributes under a namespaced key.
    * **Pickle.** A pickled pruner carries only its settings and decides as a fresh one.
    * **Be thread-safe.** One pruner serves every thread of ``optimize(n_jobs=...)``.
    * **Answer a plain bool**, True to stop the trial now.
    * **No reports, no pruning:** a trial that has reported nothing is never pruned.
    * **NaN reports** are answered (with a bool, never an exception), and NaN reported by
      other trials never makes a pruner stop a trial that beats every other one.
    * **Finished trials:** called on a COMPLETE or PRUNED trial, a pruner answers without
      raising and writes nothing to the storage.
    * **Leave ``trial`` unchanged** (it may be a snapshot shared with the caller).
    * **Follow** ``study.direction``: with MAXIMIZE, larger intermediate values are better
      (pruners with absolute thresholds, such as ``ThresholdPruner``, compare values as
      given).

    **Multi-objective studies.** A pruner that can decide in a study with several
    objectives sets the class attribute ``supports_multi_objective = True``; there it reads
    each step's vector of values from ``trial.multi_intermediate_values`` (step to one value
    per objective, in the order of ``study.directions``). ``trial.should_prune()`` raises a
    ValueError naming the pruner class when a pruner without it serves such a study. The
    default is False.

    **What the sampler sees.** When a trial starts, ``study_for_sampler(study, trial)`` is
    called once; the sampler's ``before_trial``, ``infer_relative_search_space``,
    ``sample_relative`` and ``sample_independent`` calls for that trial receive the study it
    returns instead of ``study``. The default returns ``study`` itself. A pruner that runs
    separate experiments inside one study overrides it to return a
    :class:`albacore.pruners.StudyView` whose ``get_trials`` holds only the trials of the
    same experiment and whose ``key`` is its own (``HyperbandPruner`` shows each trial only
    the trials of its bracket, once the bracket holds the sampler's ``n_startup_trials``
    finished trials). ``after_trial`` always receives the real study.
    """

    supports_multi_objective: ClassVar[bool] = False

    @abc.abstractmethod
    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """Return True if ``trial`` should be pruned now."""

    def study_for_sampler(self, study: Study, trial: FrozenTrial) -> Study:
        """Return the study the sampler sees while choosing ``trial``'s parameters.

        Args:
            study: The study ``trial`` belongs to.
            trial: The trial that just started (RUNNING, no parameters yet).

        Returns:
            ``study`` by default; a :class:`~albacore.pruners.StudyView` of it otherwise.
        """
        return study
