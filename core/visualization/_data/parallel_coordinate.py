"""Data of the parallel coordinate plot: one line per trial across the objective and params."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from albacore._study_types import StudyDirection
from albacore.visualization._data._trials import (
    MAX_POINTS,
    Target,
    best_index,
    check_study,
    completed_trials,
    nice_number,
    param_columns,
    sample_mask,
    select_params,
)

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_parallel_coordinate"


@dataclass
class Dimension:
    """One vertical axis: ``values`` on the axis's scale (log10 for log-scaled parameters,
    the index for categorical ones) with tick positions and labels."""

    label: str
    values: np.ndarray
    scale: str
    tickvals: list[float]
    ticktext: list[str]


@dataclass
class ParallelCoordinateData:
    dimensions: list[Dimension]  # the objective first, then the parameters
    color: np.ndarray  # objective value of each line
    numbers: np.ndarray  # trial number of each line
    reverse_scale: bool  # True when smaller values are better (darker = better)
    target_name: str
    notes: list[str]  # what the figure leaves out (say so on the figure)


def parallel_coordinate_data(
    study: StudyReader, params: list[str] | None = None, target: Target | None = None,
    target_name: str = "Objective Value",
) -> ParallelCoordinateData:
    """Lines of the feasible COMPLETE trials that have every plotted parameter.

    Infeasible trials and trials without one of the parameters (conditional spaces) are left
    out and counted in ``notes``; above :data:`MAX_POINTS` lines an even random sample is
    drawn, the best trial always kept.
    """
    check_study(WHERE, study)
    done = completed_trials(WHERE, study, target)
    names = select_params(WHERE, done.trials, params)
    columns = list(param_columns(done.trials, names).values())
    keep = done.feasible.copy()
    notes = []
    if (~done.feasible).any():
        notes.append(_count(int((~done.feasible).sum()), "infeasible trial") + " left out")
    has_all = np.all([c.present for c in columns], axis=0) if columns else np.ones(len(keep), dtype=bool)
    if (keep & ~has_all).any():
        notes.append(_count(int((keep & ~has_all).sum()), "trial") + " without every parameter left out")
    keep &= has_all
    if not keep.any():
        raise ValueError(f"{WHERE}: no feasible COMPLETE trial of study {study.study_name!r} has all of {names}")
    rows = np.flatnonzero(keep)
    best = best_index(done.values[rows], np.ones(len(rows), dtype=bool), done.direction)
    chosen = sample_mask(len(rows), MAX_POINTS, keep=best)
    if not chosen.all():
        notes.append(f"showing {int(chosen.sum()):,} of {len(rows):,} trials (random sample, best kept)")
    rows = rows[chosen]
    values = done.values[rows]
    dims = [_numeric_dimension(target_name, values, "linear")]
    for column in columns:
        coords = column.coords[rows]
        if column.scale == "categorical":
            used = np.unique(coords).astype(int)
            dims.append(Dimension(column.name, coords, "categorical", used.tolist(), [column.choices[i] for i in used]))
        else:
            dims.append(_numeric_dimension(column.name, coords, column.scale))
    return ParallelCoordinateData(
        dims, values, done.numbers[rows], done.direction == StudyDirection.MINIMIZE, target_name, notes
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _numeric_dimension(label: str, coords: np.ndarray, scale: str) -> Dimension:
    low, high = float(coords.min()), float(coords.max())
    if scale == "log":
        ticks: list[float] = list(range(math.ceil(low), math.floor(high) + 1)) or [low, high]
        if len(ticks) == 1:
            ticks = sorted({low, float(ticks[0]), high})
        return Dimension(label, coords, scale, [float(t) for t in ticks], [nice_number(10.0**t) for t in ticks])
    ticks = np.linspace(low, high, 5).tolist() if high > low else [low]
    return Dimension(label, coords, scale, ticks, [nice_number(t) for t in ticks])
