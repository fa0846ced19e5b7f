"""Data of the Pareto front plot: trials in the space of two or three objectives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from albacore._moo import pareto_front_mask, to_minimization
from albacore._study_types import StudyDirection
from albacore.visualization._data._trials import check_study, complete_trials, feasibility

if TYPE_CHECKING:
    from albacore.trial import FrozenTrial
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_pareto_front"


@dataclass
class PointSet:
    numbers: np.ndarray
    points: np.ndarray  # (n, n_targets)


@dataclass
class ParetoFrontData:
    target_names: list[str]
    best: PointSet  # the Pareto front of the feasible trials
    dominated: PointSet | None  # None when include_dominated_trials=False
    infeasible: PointSet


def pareto_front_data(
    study: StudyReader,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> ParetoFrontData:
    """Split the COMPLETE trials into Pareto-optimal, dominated and infeasible ones.

    Feasibility comes from ``constraints_func`` when given (every value <= 0), else from the
    constraints stored on the trials. With ``targets`` the front is computed on its values
    with the study's directions when their number matches, else minimizing each.
    """
    check_study(WHERE, study)
    directions = list(study.directions)
    if targets is None and len(directions) not in (2, 3):
        raise ValueError(
            f"{WHERE}: the study has {len(directions)} objective(s); a Pareto front plot needs 2 or 3 "
            f"(or targets returning 2 or 3 values)"
        )
    trials = complete_trials(WHERE, study)
    points = np.array([t.values if targets is None else list(targets(t)) for t in trials], dtype=float)
    if points.ndim != 2 or points.shape[1] not in (2, 3):
        raise ValueError(f"{WHERE}: targets must return 2 or 3 values per trial, got shape {points.shape[1:]}")
    n_targets = points.shape[1]
    names = _names(study, target_names, n_targets)
    if len(directions) != n_targets:
        directions = [StudyDirection.MINIMIZE] * n_targets
    if constraints_func is not None:
        feasible = np.array([all(float(c) <= 0 for c in constraints_func(t)) for t in trials], dtype=bool)
    else:
        feasible = feasibility(trials)
    numbers = np.array([t.number for t in trials], dtype=int)
    on_front = np.zeros(len(trials), dtype=bool)
    on_front[feasible] = pareto_front_mask(to_minimization(points[feasible], directions))
    dominated = feasible & ~on_front
    return ParetoFrontData(
        names,
        PointSet(numbers[on_front], points[on_front]),
        PointSet(numbers[dominated], points[dominated]) if include_dominated_trials else None,
        PointSet(numbers[~feasible], points[~feasible]),
    )


def _names(study: StudyReader, target_names: list[str] | None, n: int) -> list[str]:
    if target_names is None:
        stored = getattr(study, "metric_names", None)
        return list(stored) if stored and len(stored) == n else [f"Objective {i}" for i in range(n)]
    if len(target_names) != n:
        raise ValueError(f"{WHERE}: expected {n} target_names, one per objective, got target_names={target_names!r}")
    return list(target_names)
