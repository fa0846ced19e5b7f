"""Data of the rank plot: trials over pairs of parameters, coloured by their value's rank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from albacore.visualization._data._trials import (
    Target,
    check_study,
    completed_trials,
    matrix_points,
    nice_number,
    param_columns,
    sample_mask,
    select_params,
)

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_rank"


@dataclass
class RankAxis:
    name: str
    scale: str
    choices: tuple[str, ...]
    values: np.ndarray  # per shown trial, on the axis's scale; NaN where it lacks the param
    present: np.ndarray


@dataclass
class RankData:
    """With one parameter a single panel (parameter against the value, ``value_axis``);
    with two, one panel (first parameter on x); with more, every ordered pair
    ``(x, y)`` in a square matrix, the diagonal included."""

    params: list[str]
    axes: dict[str, RankAxis]
    values: np.ndarray  # target value of each shown trial
    numbers: np.ndarray
    rank: np.ndarray  # 0 (lowest value) .. 1 (highest) among feasible trials; NaN if infeasible
    feasible: np.ndarray
    colorbar_ticks: list[tuple[float, str]]
    target_name: str
    notes: list[str]


def rank_data(
    study: StudyReader, params: list[str] | None = None, target: Target | None = None,
    target_name: str = "Objective Value",
) -> RankData:
    """Rank colours of the COMPLETE trials (an even sample when a panel's share of markers,
    :func:`matrix_points`, is fewer than the trials)."""
    check_study(WHERE, study)
    done = completed_trials(WHERE, study, target)
    names = select_params(WHERE, done.trials, params)
    if not names:
        raise ValueError(f"{WHERE}: the completed trials of study {study.study_name!r} have no parameters")
    rank = np.full(len(done.values), np.nan)
    feasible_values = done.values[done.feasible]
    if len(feasible_values):
        order = np.argsort(np.argsort(feasible_values, kind="stable"), kind="stable")
        rank[done.feasible] = order / max(len(feasible_values) - 1, 1)
        quantiles = np.quantile(feasible_values, [0.0, 0.25, 0.5, 0.75, 1.0])
    else:
        quantiles = np.full(5, np.nan)
    labels = ["min.", "25%", "50%", "75%", "max."]
    positions = (0.0, 0.25, 0.5, 0.75, 1.0)
    ticks = [(q, f"{label} ({nice_number(float(v))})") for q, label, v in zip(positions, labels, quantiles)]
    n_panels = 1 if len(names) <= 2 else len(names) ** 2
    shown = sample_mask(len(done.values), matrix_points(n_panels))
    notes = [f"showing {int(shown.sum()):,} of {len(shown):,} trials (random sample)"] if not shown.all() else []
    axes = {}
    for name, column in param_columns(done.trials, names).items():
        coords = column.coords[shown]
        values = 10.0**coords if column.scale == "log" else coords
        axes[name] = RankAxis(name, column.scale, column.choices, values, column.present[shown])
    return RankData(
        names, axes, done.values[shown], done.numbers[shown], rank[shown], done.feasible[shown], ticks,
        target_name, notes,
    )
