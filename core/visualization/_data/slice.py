"""Data of the slice plot: the objective against each parameter, one panel per parameter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from albacore.visualization._data._trials import Target, check_study, completed_trials, param_columns, select_params

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_slice"


@dataclass
class SlicePanel:
    """The trials that have parameter ``name``: ``x`` on the axis's scale (numbers, or the
    choice index of a categorical parameter), their values and trial numbers."""

    name: str
    scale: str
    choices: tuple[str, ...]
    x: np.ndarray
    y: np.ndarray
    numbers: np.ndarray
    feasible: np.ndarray


@dataclass
class SliceData:
    panels: list[SlicePanel]
    target_name: str
    max_number: int  # colour scales of all panels span trial numbers 0..max_number


def slice_data(
    study: StudyReader, params: list[str] | None = None, target: Target | None = None,
    target_name: str = "Objective Value",
) -> SliceData:
    """One panel per chosen parameter (default: all, sorted) over the COMPLETE trials."""
    check_study(WHERE, study)
    done = completed_trials(WHERE, study, target)
    names = select_params(WHERE, done.trials, params)
    panels = []
    for name, column in param_columns(done.trials, names).items():
        rows = column.present
        panels.append(
            SlicePanel(
                name, column.scale, column.choices, column.values(rows), done.values[rows],
                done.numbers[rows], done.feasible[rows],
            )
        )
    return SliceData(panels, target_name, int(done.numbers.max()))
