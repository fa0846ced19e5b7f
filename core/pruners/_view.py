"""StudyView: a study seen through a filter on its trials."""

from __future__ import annotations

import copy
from collections.abc import Container, Hashable
from typing import TYPE_CHECKING, Any, Callable, cast

from albacore._moo import pareto_front_trials
from albacore._study_types import StudyDirection
from albacore._validation import check_callable
from albacore.trial._constraints import is_feasible
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class StudyView:
    """A study whose trials are filtered: what a pruner shows the sampler.

    A pruner running separate experiments inside one study (Hyperband's brackets) returns a
    view from :meth:`albacore.pruners.BasePruner.study_for_sampler`, and the sampler reads it
    wherever it reads a :class:`albacore.Study`. Reads of trials (``get_trials``,
    ``trials``, ``best_trial``, ``best_trials``, ``best_value``, ``best_params``) see only
    the trials ``select`` accepts; the rest of the reading surface (``study_name``,
    ``directions``, ``direction``, ``system_attrs``, ``user_attrs``, ``metric_names``,
    ``sampler``, ``pruner``) is the study's own. Writes a sampler makes
    (``set_system_attr``, ``set_system_attr_if``, ``set_trial_system_attr``) go to the
    study. :attr:`key` extends the study's key with ``label``, so per-study caches keep one
    entry per view, and two views built alike share it.

    Args:
        study: The study to view.
        select: ``select(frozen_trial) -> bool``: whether the view holds the trial. It
            must decide from the trial alone (its number, params, attrs) and the same way
            every time, as caches of finished trials rely on it.
        label: A hashable value naming the selection among the views of ``study``.

    Raises:
        TypeError: If ``select`` is not callable or ``label`` is not hashable.

    Example:
        .. code-block:: python

            even = albacore.pruners.StudyView(study, lambda t: t.number % 2 == 0, "even")
            assert all(t.number % 2 == 0 for t in even.trials)
    """

    def __init__(self, study: Study, select: Callable[[FrozenTrial], bool], label: Hashable) -> None:
        check_callable("StudyView", "select", select)
        try:
            hash(label)
        except TypeError:
            raise TypeError(f"StudyView: label must be hashable, got label={label!r}") from None
        self._study = study
        self._select = select
        self._label = label
        self._key = (*study.key, label)

    # --- identity and the study's own attributes ------------------------------------------------
    @property
    def study(self) -> Study:
        """The viewed study."""
        return self._study

    @property
    def key(self) -> tuple[Any, ...]:
        """The study's :attr:`albacore.Study.key` followed by ``label``."""
        return self._key

    @property
    def label(self) -> Hashable:
        """The ``label`` this view was made with."""
        return self._label

    @property
    def study_name(self) -> str:
        """The study's name."""
        return self._study.study_name

    @property
    def directions(self) -> list[StudyDirection]:
        """The study's directions."""
        return self._study.directions

    @property
    def direction(self) -> StudyDirection:
        """The study's direction (single-objective studies; see :attr:`albacore.Study.direction`)."""
        return self._study.direction

    @property
    def sampler(self) -> Any:
        """The study's sampler."""
        return self._study.sampler

    @property
    def pruner(self) -> Any:
        """The study's pruner."""
        return self._study.pruner

    @property
    def system_attrs(self) -> dict[str, Any]:
        """The study's system attributes."""
        return self._study.system_attrs

    @property
    def user_attrs(self) -> dict[str, Any]:
        """The study's user attributes."""
        return self._study.user_attrs

    @property
    def metric_names(self) -> list[str] | None:
        """The study's metric names."""
        return self._study.metric_names

    # --- the filtered trials ------------------------------------------------------------------
    def get_trials(self, deepcopy: bool = True, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        """The trials of the view, as :meth:`albacore.Study.get_trials` returns them.

        Args:
            deepcopy: Return copies the caller may modify.
            states: Only trials in these states.
        """
        selected = [t for t in self._study.get_trials(deepcopy=False, states=states) if self._select(t)]
        return [copy.deepcopy(t) for t in selected] if deepcopy else selected

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial of the view (deep copies)."""
        return self.get_trials()

    @property
    def best_trial(self) -> FrozenTrial:
        """The best feasible COMPLETE trial of the view (the first one on ties).

        Raises:
            RuntimeError: For a multi-objective study (use ``best_trials``).
            ValueError: If the view holds no feasible completed trial.
        """
        directions = self.directions
        if len(directions) > 1:
            raise RuntimeError(
                f"study {self.study_name!r} has {len(directions)} objectives, so it has no single "
                f"best trial; use best_trials (the Pareto front)"
            )
        feasible = self._feasible_complete()
        if not feasible:
            raise ValueError(f"this view of study {self.study_name!r} holds no completed feasible trial yet")
        pick = max if directions[0] == StudyDirection.MAXIMIZE else min
        return copy.deepcopy(pick(feasible, key=lambda t: cast(float, t.value)))  # complete: value is set

    @property
    def best_params(self) -> dict[str, Any]:
        """Parameters of :attr:`best_trial`."""
        return self.best_trial.params

    @property
    def best_value(self) -> float:
        """Objective value of :attr:`best_trial`."""
        return float(self.best_trial.value)  # type: ignore[arg-type]

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto front of the view's feasible COMPLETE trials (deep copies)."""
        return [copy.deepcopy(t) for t in pareto_front_trials(self._feasible_complete(), self.directions)]

    def _feasible_complete(self) -> list[FrozenTrial]:
        complete = self.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        return [t for t in complete if is_feasible(t.system_attrs)]

    # --- writes go to the study ------------------------------------------------------------------
    def set_system_attr(self, key: str, value: Any) -> None:
        """Set a system attribute of the study (see :meth:`albacore.Study.set_system_attr`)."""
        self._study.set_system_attr(key, value)

    def set_system_attr_if(self, key: str, expected: Any, value: Any) -> bool:
        """Compare-and-set a system attribute of the study (see :meth:`albacore.Study.set_system_attr_if`)."""
        return self._study.set_system_attr_if(key, expected, value)

    def set_trial_system_attr(self, trial: FrozenTrial | int, key: str, value: Any) -> None:
        """Set a system attribute of an unfinished trial (see :meth:`albacore.Study.set_trial_system_attr`)."""
        self._study.set_trial_system_attr(trial, key, value)

    def __repr__(self) -> str:
        return f"StudyView(study={self._study!r}, label={self._label!r})"
