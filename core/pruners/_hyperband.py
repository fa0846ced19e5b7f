"""HyperbandPruner: several successive-halving brackets inside one study."""

from __future__ import annotations

import bisect
import copy
import functools
import hashlib
import itertools
import math
import weakref
from typing import TYPE_CHECKING, Any, Container

from albacore.pruners._base import BasePruner
from albacore.pruners._checks import check_int
from albacore.pruners._successive_halving import Rungs, prune_at_rungs
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
    values are stored in trial system attributes ``"hyperband:completed_rung_<k>"``.

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

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: str | int = "auto",
        reduction_factor: int = 3,
        bootstrap_count: int = 0,
    ) -> None:
        owner = "HyperbandPruner"
        self._min_resource = check_int(owner, "min_resource", min_resource, 1)
        if max_resource != "auto":
            max_resource = check_int(owner, "max_resource", max_resource, 1)
            if max_resource < self._min_resource:
                raise ValueError(
                    f"{owner}: max_resource must be >= min_resource, got max_resource={max_resource!r} "
                    f"with min_resource={min_resource!r}"
                )
        self._max_resource = max_resource
        self._reduction_factor = check_int(owner, "reduction_factor", reduction_factor, 2)
        self._bootstrap_count = check_int(owner, "bootstrap_count", bootstrap_count, 0)
        self._views: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
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
        """Return a view of ``study`` holding only the trials of ``trial``'s bracket.

        The sampler sees the whole study instead while the brackets are unknown
        (``max_resource="auto"`` and no trial completed yet), and while ``trial``'s bracket
        holds fewer finished (complete or pruned) trials than ``study.sampler.n_startup_trials``:
        the sampler would draw such a bracket's trials at random, and the small brackets,
        whose trials train the longest, would hardly ever be modelled.
        """
        brackets = self._brackets(study)
        if brackets is None:
            return study
        bracket = brackets.of(study.study_name, trial.number)
        # One view per (study, bracket) for the study's lifetime, so that samplers' caches,
        # keyed by the study object they are given, survive from trial to trial.
        views = self._views.setdefault(study, {})
        view = views.get((brackets, bracket))
        if view is None:
            view = views[(brackets, bracket)] = BracketStudy(study, brackets, bracket)
        finished = view.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
        if len(finished) < study.sampler.n_startup_trials:
            return study
        return view  # type: ignore[return-value]

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_views"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._views = weakref.WeakKeyDictionary()

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
        # Hyperband's number of configurations of the bracket making s = s_max - b halvings.
        weights = [
            math.ceil((s_max + 1) / (s_max - b + 1) * reduction_factor ** (s_max - b)) for b in range(n_brackets)
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
    """A hash of (study name, trial number) that is the same in every process."""
    digest = hashlib.blake2b(f"{study_name}\x00{number}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class BracketStudy:
    """A read-only view of a study showing only the trials of one Hyperband bracket.

    ``get_trials`` and ``trials`` hold the bracket's trials; every other attribute is the
    study's own, except ``_study_id``: samplers key their caches of finished trials by
    ``(study.study_name, study._study_id)``, so each bracket gets its own key there.

    Args:
        study: The study.
        brackets: The bracket assignment.
        bracket: The bracket to show.
    """

    def __init__(self, study: Study, brackets: _Brackets, bracket: int) -> None:
        # A weak reference: the pruner keeps views in a WeakKeyDictionary keyed by the study,
        # which a strong reference from the value would keep alive forever.
        self._study_ref = weakref.ref(study)
        self._bracket_set = brackets
        self.bracket = bracket
        self._study_id = ("hyperband-bracket", bracket, study._study_id)

    def get_trials(self, deepcopy: bool = True, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        """The trials of the bracket, as :meth:`albacore.Study.get_trials` returns them."""
        name = self._study.study_name
        trials = self._study.get_trials(deepcopy=False, states=states)
        selected = [t for t in trials if self._bracket_set.of(name, t.number) == self.bracket]
        return [copy.deepcopy(t) for t in selected] if deepcopy else selected

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial of the bracket (deep copies)."""
        return self.get_trials()

    @property
    def _study(self) -> Study:
        study = self._study_ref()
        if study is None:
            raise RuntimeError("the study of this Hyperband bracket view no longer exists")
        return study

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_study_ref":
            raise AttributeError(name)
        return getattr(self._study, name)

    def __repr__(self) -> str:
        return f"BracketStudy(study={self._study!r}, bracket={self.bracket})"
