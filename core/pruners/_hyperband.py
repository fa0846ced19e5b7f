"""HyperbandPruner: several successive-halving brackets inside one study."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import zlib
from typing import TYPE_CHECKING

from albacore._validation import check_int_at_least
from albacore.pruners._base import BasePruner
from albacore.pruners._successive_halving import Rungs, prune_at_rungs
from albacore.pruners._view import StudyView
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

RUNG_KEY = "hyperband:completed_rung_"
MAX_RESOURCE_KEY = "hyperband:max_resource"


class HyperbandPruner(BasePruner):
    """Hyperband (Li et al. 2018) run asynchronously: one ASHA per bracket.

    With ``s_max`` the largest integer such that ``min_resource * reduction_factor ** s_max
    <= max_resource``, there are ``s_max + 1`` brackets. Bracket ``b`` is a successive
    halving whose first rung is at ``min_resource * reduction_factor ** b``: bracket 0 stops
    trials the earliest, the last bracket hardly stops any. Each trial belongs to one
    bracket, drawn from a hash of the study name and the trial number (the same in every
    process), with probabilities proportional to Hyperband's number of configurations per
    bracket. Trials compete only with trials of their bracket, and once a bracket holds the
    sampler's ``n_startup_trials`` finished trials the sampler sees only the trials of the
    bracket; before that it sees the whole study (see :meth:`study_for_sampler`). Rung
    values are stored in trial system attributes ``"hyperband:completed_rung_<k>"``. In a
    multi-objective study each bracket promotes as MO-ASHA does (see
    :class:`SuccessiveHalvingPruner`): by non-dominated rank, then hypervolume contribution.

    Args:
        min_resource: Steps before the first rung of bracket 0.
        max_resource: Steps of a trial that runs to the end, or ``"auto"``: the last step of
            the completed trials once one completes (stored in the study system attribute
            ``"hyperband:max_resource"``); nothing is pruned before that.
        reduction_factor: Only the best ``1 / reduction_factor`` of a rung is promoted.
        bootstrap_count: Number of trials a rung must hold before any trial is promoted.

    Raises:
        ValueError: If an argument is out of range, ``max_resource < min_resource``, or
            ``bootstrap_count > 0`` with ``max_resource="auto"``.

    Example:
        .. code-block:: python

            pruner = albacore.pruners.HyperbandPruner(min_resource=1, max_resource=30)
            study = albacore.create_study(direction="maximize", pruner=pruner)
    """

    # Each bracket is a SuccessiveHalvingPruner run, which orders a multi-objective rung
    # by non-dominated rank and hypervolume contribution (MO-ASHA).
    supports_multi_objective = True

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: str | int = "auto",
        reduction_factor: int = 3,
        bootstrap_count: int = 0,
    ) -> None:
        owner = "HyperbandPruner"
        self._min_resource = check_int_at_least(owner, "min_resource", min_resource, 1)
        if max_resource != "auto":
            max_resource = check_int_at_least(owner, "max_resource", max_resource, 1)
            if max_resource < self._min_resource:
                raise ValueError(
                    f"{owner}: max_resource must be >= min_resource, got max_resource={max_resource!r} "
                    f"with min_resource={min_resource!r}"
                )
        self._max_resource = max_resource
        self._reduction_factor = check_int_at_least(owner, "reduction_factor", reduction_factor, 2)
        self._bootstrap_count = check_int_at_least(owner, "bootstrap_count", bootstrap_count, 0)
        if self._bootstrap_count > 0 and max_resource == "auto":
            raise ValueError(
                f"{owner}: bootstrap_count > 0 needs an explicit max_resource, got "
                f"bootstrap_count={bootstrap_count!r} with max_resource='auto'"
            )

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        if trial.last_step is None:
            return False
        brackets = self._brackets(study)
        if brackets is None:
            return False
        bracket = brackets.of(study.study_name, trial.number)
        rungs = Rungs(self._min_resource, self._reduction_factor, bracket, self._bootstrap_count)
        name = study.study_name
        return prune_at_rungs(study, trial, rungs, RUNG_KEY, lambda t: brackets.of(name, t.number) == bracket)

    def study_for_sampler(self, study: Study, trial: FrozenTrial) -> Study:
        """Return a :class:`~albacore.pruners.StudyView` of ``study`` holding only ``trial``'s bracket.

        The sampler sees the whole study instead while the brackets are unknown
        (``max_resource="auto"`` and no trial completed yet), and while ``trial``'s bracket
        holds fewer finished (complete or pruned) trials than ``study.sampler.n_startup_trials``:
        the sampler would draw such a bracket's trials at random, and the small brackets,
        whose trials train the longest, would hardly ever be modelled. The view's ``label``
        is ``("hyperband-bracket", n_brackets, bracket)``.
        """
        brackets = self._brackets(study)
        if brackets is None:
            return study
        bracket = brackets.of(study.study_name, trial.number)
        label = ("hyperband-bracket", brackets.n_brackets, bracket)
        view = _BracketView(study, _InBracket(brackets, study.study_name, bracket), label)
        finished = view.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
        if len(finished) < study.sampler.n_startup_trials:
            return study
        return view

    def bracket_of(self, study: Study, trial_number: int) -> int | None:
        """The bracket of trial ``trial_number`` of ``study``; None until the brackets are known.

        Args:
            study: The study.
            trial_number: A trial number.
        """
        brackets = self._brackets(study)
        return None if brackets is None else brackets.of(study.study_name, trial_number)

    def _brackets(self, study: Study) -> _Brackets | None:
        max_resource = self._resolve_max_resource(study)
        if max_resource is None:
            return None
        return _brackets(self._min_resource, max(max_resource, self._min_resource), self._reduction_factor)

    def _resolve_max_resource(self, study: Study) -> int | None:
        if self._max_resource != "auto":
            return int(self._max_resource)
        stored = study.system_attrs.get(MAX_RESOURCE_KEY)
        if stored is not None:
            return int(stored)
        steps = [t.last_step for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))]
        known = [s for s in steps if s is not None]
        if not known:
            return None
        study.set_system_attr(MAX_RESOURCE_KEY, max(known))
        return max(known)


class _Brackets:
    """Bracket weights and the deterministic assignment of trials to brackets."""

    def __init__(self, n_brackets: int, reduction_factor: int) -> None:
        s_max = n_brackets - 1
        # Hyperband's number of configurations of the bracket making s = s_max - b halvings
        # (computed in Optuna's order of operations, so the ceilings agree).
        weights = [
            math.ceil(n_brackets * reduction_factor ** (s_max - b) / (s_max - b + 1)) for b in range(n_brackets)
        ]
        self.n_brackets = n_brackets
        self.weights = weights
        self._cumulative = list(itertools.accumulate(weights))

    def of(self, study_name: str, number: int) -> int:
        """The bracket of trial ``number`` of the study named ``study_name``."""
        if self.n_brackets == 1:
            return 0
        draw = _stable_hash(study_name, number) % self._cumulative[-1]
        return bisect.bisect_right(self._cumulative, draw)


@functools.lru_cache(maxsize=64)
def _brackets(min_resource: int, max_resource: int, reduction_factor: int) -> _Brackets:
    n_brackets = 1
    while min_resource * reduction_factor**n_brackets <= max_resource:
        n_brackets += 1
    return _Brackets(n_brackets, reduction_factor)


@functools.lru_cache(maxsize=65536)
def _stable_hash(study_name: str, number: int) -> int:
    """A hash of (study name, trial number) that is the same in every process: the CRC-32 of
    ``"<study name>_<number>"``, as Optuna's HyperbandPruner draws, so a trial lands in the
    same bracket under both."""
    return zlib.crc32(f"{study_name}_{number}".encode())


class _BracketView(StudyView):
    """The :class:`StudyView` of one bracket; ``bracket`` says which."""

    @property
    def bracket(self) -> int:
        """The bracket this view holds."""
        bracket: int = self.label[-1]  # type: ignore[index]
        return bracket


class _InBracket:
    """Selects the trials of one bracket (a StudyView filter)."""

    def __init__(self, brackets: _Brackets, study_name: str, bracket: int) -> None:
        self._brackets = brackets
        self._study_name = study_name
        self._bracket = bracket

    def __call__(self, trial: FrozenTrial) -> bool:
        return self._brackets.of(self._study_name, trial.number) == self._bracket
