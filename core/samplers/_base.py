"""The sampler contract."""

from __future__ import annotations

import abc
import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from albacore.distributions import BaseDistribution
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class StartDecision(enum.Enum):
    """What :meth:`BaseSampler.can_start_trial` tells ``optimize``.

    Attributes:
        PROPOSE: Start a trial now; the sampler has something for it.
        WAIT: Nothing now, but running trials of other workers may free or reveal something:
            look again after a pause.
        DONE: Nothing is left; look again only when a trial of this ``optimize`` finishes.
    """

    PROPOSE = "propose"
    WAIT = "wait"
    DONE = "done"


class BaseSampler(abc.ABC):
    """Decides the parameter values of new trials.

    **When each method is called.** For every trial (steps 0 to 2 where the trial is asked:
    in ``optimize``, the thread that called it, for every executor; steps 3 and 4 in the
    worker that runs the objective: that thread, a pool thread, or a worker process holding
    a copy of the sampler):

    0. ``can_start_trial(study)``, in ``optimize`` only, in the thread of ``optimize`` that
       starts trials, right before it asks one; it returns a :class:`StartDecision`.
       ``PROPOSE``: ``optimize`` asks a trial (``study.ask()``), whose ``before_trial``
       follows in the same thread before any other ``can_start_trial`` call of this
       ``optimize``. ``DONE``: nothing is left to propose (a grid whose every point is
       finished or held by a running trial); ``optimize`` starts nothing, looks again each
       time one of its own running trials finishes (a failed one may free a point), and ends
       once none is running. ``WAIT``: nothing now, but trials running elsewhere may free or
       reveal something; ``optimize`` looks again after a pause, failing the trials of dead
       workers meanwhile (storages with heartbeats), until its budget is spent. This is the
       one way a sampler says "nothing left": it neither raises nor calls ``study.stop()``.
       A finite sampler reserves what it proposes here and turns the reservation into the
       trial's claim in ``before_trial``, both through ``study.set_system_attr_if`` (a
       compare-and-set in the storage), so two workers never hold the same point.
    1. ``before_trial(study, trial)`` once the trial exists (RUNNING, no params yet).
    2. ``infer_relative_search_space(study, trial)`` returns the parameters the sampler
       wants to choose *jointly* (e.g. the intersection of past trials' spaces); then
       ``sample_relative(study, trial, search_space)`` returns values for them, in external
       representation. A parameter it returns is used when the objective suggests it with a
       compatible distribution.
    3. ``sample_independent(study, trial, name, distribution)`` for every other parameter,
       at the moment the objective suggests it (define-by-run), returning an external value.
    4. ``after_trial(study, trial, state, values)`` when the trial finishes, before the
       state is written to the storage.

    **State.** Samplers are stateless apart from their random generator: anything another
    worker needs (a CMA-ES generation, a grid index) is derived from the trials returned by
    ``study.get_trials(deepcopy=False, states=...)`` or written to system attributes with
    ``study.set_system_attr`` / ``study.set_trial_system_attr``. Finished trials never
    change, so caching what is derived from them is safe. A per-study cache is keyed by
    ``study.key`` (two studies sharing a name and an id in two storages have different
    keys), and a sampler pickles without its caches. ``study`` may be a
    :class:`albacore.pruners.StudyView` (see ``BasePruner.study_for_sampler``): a sampler
    reads it through the same public surface, and its ``key`` is its own.

    **Threads.** One sampler object serves every thread of ``optimize(n_jobs=...)``: methods
    must be thread-safe. :class:`albacore._rng.SeededRNG` gives each thread its own stream.
    ``reseed_rng`` is called when a sampler is copied into another process, so copies never
    draw the same numbers.

    **Repeated configurations.** ``optimize(skip_duplicates=True)`` records a trial whose
    parameters repeat a COMPLETE trial's with that trial's values instead of evaluating it
    (``after_trial`` is called for it as for any trial, with the copied values). A sampler
    that needs every trial it proposes evaluated (one that re-measures points of a noisy
    objective) sets the class attribute ``supports_skip_duplicates = False``, and
    ``optimize`` then refuses ``skip_duplicates``.

    The test kit in :mod:`albacore.testing.samplers` checks the clauses every sampler must
    meet.
    """

    supports_skip_duplicates: ClassVar[bool] = True

    @abc.abstractmethod
    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        """Return the parameters to sample jointly for ``trial`` (may be empty)."""

    @abc.abstractmethod
    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Return external values for (a subset of) ``search_space``."""

    @abc.abstractmethod
    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        """Return an external value of ``param_name`` drawn from ``param_distribution``."""

    @property
    def n_startup_trials(self) -> int:
        """Finished trials a study must hold before this sampler models them; 0 by default.

        Until then the sampler draws at random (or as its ``independent_sampler`` does). 0
        means it uses whatever history there is from the first trial, or none at all
        (random, grid, quasi-Monte Carlo). ``HyperbandPruner`` reads it to decide when a
        bracket holds enough trials of its own to be modelled alone.
        """
        return 0

    def can_start_trial(self, study: Study) -> StartDecision:
        """Whether ``optimize`` should start a new trial of ``study``; PROPOSE by default.

        See the class docstring for when it is called and what each answer makes
        ``optimize`` do.

        Args:
            study: The study.

        Returns:
            A :class:`StartDecision`.
        """
        return StartDecision.PROPOSE

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        """Hook called when a trial starts; does nothing by default."""

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        """Hook called when a trial finishes, before its state is stored; does nothing by default."""

    def reseed_rng(self) -> None:
        """Draw a fresh seed for the random generator; does nothing by default."""
