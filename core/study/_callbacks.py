"""Callbacks for ``study.optimize``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from albacore._validation import check_count
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.study.study import Study


class MaxTrialsCallback:
    """Stop the study once it holds ``n_trials`` trials in ``states``, across all workers.

    Unlike ``optimize(n_trials=...)``, which counts the trials of one call, this counts
    the study's trials in the storage, so many workers together stop at a shared total.

    Args:
        n_trials: The total to reach.
        states: States that count; COMPLETE by default (None counts every state).

    Example:
        .. code-block:: python

            study.optimize(objective, callbacks=[MaxTrialsCallback(100)])
    """

    def __init__(self, n_trials: int, states: Sequence[TrialState] | None = (TrialState.COMPLETE,)) -> None:
        check_count("MaxTrialsCallback", "n_trials", n_trials)
        self._n_trials = n_trials
        self._states = tuple(states) if states is not None else None

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if len(study.get_trials(deepcopy=False, states=self._states)) >= self._n_trials:
            study.stop()
