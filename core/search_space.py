"""Search spaces shared by the trials of a study.

Samplers that model parameters jointly (multivariate TPE, CMA-ES, GP) need the parameters
every trial had: the *intersection* of the trials' search spaces.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from albacore.distributions import BaseDistribution
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

__all__ = ["IntersectionSearchSpace", "intersection_search_space"]


def _intersect(
    current: dict[str, BaseDistribution] | None, trial: FrozenTrial
) -> dict[str, BaseDistribution]:
    if current is None:
        return dict(trial.distributions)
    return {
        name: dist
        for name, dist in current.items()
        if trial.distributions.get(name) == dist
    }


def intersection_search_space(
    trials: Iterable[FrozenTrial], include_pruned: bool = False
) -> dict[str, BaseDistribution]:
    """Return the parameters (with identical distributions) present in every given trial.

    Only COMPLETE trials count, plus PRUNED ones when ``include_pruned`` is True.

    Args:
        trials: The trials to intersect.
        include_pruned: Also intersect with pruned trials.

    Returns:
        Name-sorted mapping from parameter name to distribution.
    """
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
    space: dict[str, BaseDistribution] | None = None
    for trial in trials:
        if trial.state in states:
            space = _intersect(space, trial)
    return dict(sorted((space or {}).items()))


class IntersectionSearchSpace:
    """Incrementally maintained :func:`intersection_search_space` of one study.

    Finished trials never change, so each call only looks at trials finished since the
    previous call. The cache belongs to one study, named by its :attr:`albacore.Study.key`
    (every handle on the study shares it; a view of the study has a key of its own): called
    with another one, it starts over. A sampler serving several studies keeps one instance
    per study.

    Args:
        include_pruned: Also intersect with pruned trials.
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._include_pruned = include_pruned
        self._states = (
            (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
        )
        self._lock = threading.Lock()
        self._study_key: tuple[Any, ...] | None = None
        self._seen: set[int] = set()
        self._space: dict[str, BaseDistribution] | None = None

    def calculate(self, study: Study) -> dict[str, BaseDistribution]:
        """Return the current intersection for ``study`` (name-sorted)."""
        trials = study.get_trials(deepcopy=False, states=self._states)
        with self._lock:
            if self._study_key != study.key:
                self._study_key, self._seen, self._space = study.key, set(), None
            for trial in trials:
                if trial.number not in self._seen:
                    self._seen.add(trial.number)
                    self._space = _intersect(self._space, trial)
            return dict(sorted((self._space or {}).items()))

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        state["_study_key"], state["_seen"], state["_space"] = None, set(), None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
