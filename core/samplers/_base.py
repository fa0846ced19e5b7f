"""The sampler contract."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any, Sequence

from albacore.distributions import BaseDistribution
from albacore.exceptions import AlbacoreError
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class BaseSampler(abc.ABC):
    """Decides the parameter values of new trials.

    **When each method is called.** For every trial, in the worker that runs it:

    0. ``can_start_trial(study)``, in ``optimize`` only, right before the trial is created,
       in the thread that will run it. False means the sampler has nothing left to propose
       (a grid whose every point is finished or held by a running trial): ``optimize`` then
       creates no trial; it stops once no other trial of its own is running, and looks
       again each time one of them finishes (a failed one may free a point).
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
    change, so caching what is derived from them is safe.

    **Threads.** One sampler object serves every thread of ``optimize(n_jobs=...)``: methods
    must be thread-safe. :class:`albacore._rng.SeededRNG` gives each thread its own stream.
    ``reseed_rng`` is called when a sampler is copied into another process, so copies never
    draw the same numbers.

    The test kit in :mod:`albacore.testing.samplers` checks the clauses every sampler must
    meet.
    """

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

    def can_start_trial(self, study: Study) -> bool:
        """Whether ``optimize`` should start a new trial of ``study``; True by default.

        A sampler that returns True may count on the next trial created in this thread being
        proposed by it (and reserve for it what it will propose). See the class docstring.
        """
        return True

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        """Hook called when a trial starts; does nothing by default."""

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        """Hook called when a trial finishes, before its state is stored; does nothing by default."""

    def reseed_rng(self) -> None:
        """Draw a fresh seed for the random generator; does nothing by default."""


class SearchSpaceExhausted(AlbacoreError):
    """Raised by a sampler, in a trial ``optimize`` started after ``can_start_trial`` said
    yes, when it finds nothing left after all (another process took the last point
    meanwhile). ``optimize`` records the trial as FAIL without a warning and treats it as
    ``can_start_trial`` returning False. Internal: not part of the public API.
    """
