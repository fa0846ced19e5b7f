"""The extension point of :mod:`albacore.importance` and what its evaluators share.

Evaluators read a study through its public surface only
(``study.get_trials(deepcopy=False, states=...)`` and ``study.directions``).
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Callable

import numpy as np

from albacore.distributions import BaseDistribution
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader


class BaseImportanceEvaluator(abc.ABC):
    """Base class of the parameter importance evaluators.

    Contract: :meth:`evaluate` reads the study (its COMPLETE trials, through
    ``study.get_trials(deepcopy=False, states=...)``, and ``study.directions``), never
    changes it, and returns a ``dict`` from parameter name to a non-negative importance,
    ordered from the most to the least important. :func:`~albacore.importance.get_param_importances`
    validates the evaluator and normalizes what it returns, so an evaluator returns raw
    importances on whatever scale is natural to it. An evaluator is stateless between calls
    apart from its random generator, and may be reused on several studies.

    A subclass implements :meth:`evaluate` only; the helpers of this module
    (:func:`completed_trials`, :func:`resolve_distributions`, :func:`target_values`) give it
    the same argument checks and error messages as the built-in evaluators.

    Example:
        .. code-block:: python

            class VarianceOfMeans(albacore.importance.BaseImportanceEvaluator):
                def evaluate(self, study, params=None, *, target=None):
                    ...  # return {"x": 0.7, "y": 0.3}
    """

    @abc.abstractmethod
    def evaluate(
        self,
        study: StudyReader,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        """Importances of ``params`` in ``study``, most important first.

        Args:
            study: The study to analyse.
            params: Names of the parameters to assess; None for the evaluator's default set.
            target: Function of a trial giving the value to explain; None for the objective
                value (required for a multi-objective study unless the evaluator says
                otherwise).

        Returns:
            A ``dict`` from parameter name to non-negative importance, in descending order.
        """


def sort_by_importance(importances: dict[str, float]) -> dict[str, float]:
    """``importances`` ordered from the largest value to the smallest (ties by name)."""
    return dict(sorted(importances.items(), key=lambda item: (-item[1], item[0])))


def check_params(where: str, params: object) -> None:
    """Raise TypeError unless ``params`` is None or a list/tuple of strings."""
    if params is None:
        return
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"{where}: params must be a list of parameter names, got params={params!r}")
    bad = [p for p in params if not isinstance(p, str)]
    if bad:
        raise TypeError(f"{where}: params must be parameter names (str), got {bad[0]!r} in params={params!r}")


def completed_trials(where: str, study: StudyReader) -> list[FrozenTrial]:
    """The study's COMPLETE trials; ValueError if there are none."""
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not trials:
        n_all = len(study.get_trials(deepcopy=False))
        detail = "the study has no trials" if n_all == 0 else f"none of its {n_all} trials is COMPLETE"
        raise ValueError(f"{where}: importances need completed trials, but {detail}")
    return trials


def check_target(where: str, study: StudyReader, target: object) -> None:
    """Raise ValueError for a multi-objective study without ``target``; TypeError for a bad one."""
    if target is not None and not callable(target):
        raise TypeError(f"{where}: target must be a callable of a FrozenTrial, got target={target!r}")
    if target is None and len(study.directions) > 1:
        raise ValueError(
            f"{where}: the study has {len(study.directions)} objectives; pass target, "
            "e.g. target=lambda t: t.values[0]"
        )


def check_known_params(where: str, trials: Sequence[FrozenTrial], params: Sequence[str]) -> None:
    """ValueError naming the parameters of ``params`` that no completed trial has."""
    known: set[str] = set()
    for t in trials:
        known.update(t.distributions)
    missing = [p for p in params if p not in known]
    if missing:
        raise ValueError(
            f"{where}: unknown parameter(s) {missing} in params={list(params)!r}; "
            f"the completed trials have {sorted(known)}"
        )


def resolve_distributions(
    where: str, trials: Sequence[FrozenTrial], params: Sequence[str] | None
) -> dict[str, BaseDistribution]:
    """Name-sorted distributions of the parameters to assess.

    With ``params=None``: the parameters every trial has with the same distribution. With a
    list: those parameters, taken from the trials that have all of them (which must agree on
    each distribution).

    Raises:
        ValueError: If a name is unknown, no trial has all of ``params``, or the trials that
            have them disagree on a distribution.
    """
    if params is None:
        space: dict[str, BaseDistribution] | None = None
        for t in trials:
            if space is None:
                space = dict(t.distributions)
            else:
                space = {n: d for n, d in space.items() if t.distributions.get(n) == d}
        return dict(sorted((space or {}).items()))
    check_known_params(where, trials, params)
    wanted = set(params)
    found: dict[str, BaseDistribution] | None = None
    for t in trials:
        if not wanted <= t.distributions.keys():
            continue
        dists = {n: t.distributions[n] for n in params}
        if found is None:
            found = dists
            continue
        changed = [n for n in params if dists[n] != found[n]]
        if changed:
            raise ValueError(
                f"{where}: parameter {changed[0]!r} has different distributions in different trials "
                f"({found[changed[0]]} and {dists[changed[0]]}); this evaluator needs one distribution per parameter"
            )
    if found is None:
        raise ValueError(f"{where}: no completed trial has all of params={list(params)!r}")
    return dict(sorted(found.items()))


def target_values(
    trials: Sequence[FrozenTrial], target: Callable[[FrozenTrial], float] | None
) -> np.ndarray:
    """The values to explain, one per trial (``trial.value`` when ``target`` is None)."""
    if target is None:
        return np.array([t.value for t in trials], dtype=float)
    return np.array([float(target(t)) for t in trials], dtype=float)


def finite_rows(trials: Sequence[FrozenTrial], values: np.ndarray) -> tuple[list[FrozenTrial], np.ndarray]:
    """Drop the trials whose value is NaN or infinite."""
    keep = np.isfinite(values)
    if keep.all():
        return list(trials), values
    return [t for t, k in zip(trials, keep) if k], values[keep]


def log_or_linear(value: float, log: bool) -> float:
    return math.log(value) if log else value
