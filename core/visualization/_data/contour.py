"""Data of the contour plot: the objective over each pair of parameters on a grid.

Each panel's surface is the mean feasible value of the trials in each cell of a grid
(:data:`GRID` cells a side for numeric parameters, one per choice for categorical ones);
empty cells are filled by harmonic interpolation from the filled ones, so a large study
costs a histogram, not a per-trial interpolation. Markers show the trials themselves, an
even sample of them above :data:`MAX_POINTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from albacore._study_types import StudyDirection
from albacore.visualization._data._trials import (
    MAX_POINTS,
    ParamColumn,
    Target,
    check_study,
    completed_trials,
    param_column,
    sample_mask,
    select_params,
)

if TYPE_CHECKING:
    from albacore.study import Study

WHERE = "plot_contour"
GRID = 100
_PAD = 0.05
_SMOOTHING_SWEEPS = 40


@dataclass
class Axis:
    """A parameter's axis: ``grid`` cell centres and ``range`` in axis coordinates (log10 for
    log scales, choice index for categorical), ``choices`` labels for categorical."""

    name: str
    scale: str
    grid: np.ndarray
    range: tuple[float, float]
    choices: tuple[str, ...]


@dataclass
class ContourPanel:
    """Parameter ``x`` against ``y``: ``z[iy, ix]`` over the axes' grids (None when a
    parameter has a single value), and the sampled trials' coordinates."""

    x: str
    y: str
    z: np.ndarray | None
    feasible_x: np.ndarray
    feasible_y: np.ndarray
    infeasible_x: np.ndarray
    infeasible_y: np.ndarray


@dataclass
class ContourData:
    params: list[str]
    axes: dict[str, Axis]
    panels: dict[tuple[str, str], ContourPanel]  # keyed by (x param, y param)
    reverse_scale: bool
    z_range: tuple[float, float]
    target_name: str
    notes: list[str]


def contour_data(
    study: Study, params: list[str] | None = None, target: Target | None = None, target_name: str = "Objective Value"
) -> ContourData:
    """Panels for every ordered pair of the chosen parameters (at least two)."""
    check_study(WHERE, study)
    done = completed_trials(WHERE, study, target)
    names = select_params(WHERE, done.trials, params)
    if len(names) < 2:
        raise ValueError(f"{WHERE}: a contour plot needs at least two parameters, got {names}")
    columns = {name: param_column(done.trials, name) for name in names}
    axes = {name: _axis(column) for name, column in columns.items()}
    shown = sample_mask(len(done.values), MAX_POINTS)
    notes = []
    if not shown.all():
        notes.append(f"markers: {int(shown.sum()):,} of {len(shown):,} trials (random sample); surface from all")
    panels = {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            panel = _panel(columns[a], columns[b], axes[a], axes[b], done.values, done.feasible, shown)
            panels[(a, b)] = panel
            panels[(b, a)] = ContourPanel(
                b, a, None if panel.z is None else panel.z.T, panel.feasible_y, panel.feasible_x,
                panel.infeasible_y, panel.infeasible_x,
            )
    feasible_values = done.values[done.feasible]
    z_range = (float(feasible_values.min()), float(feasible_values.max())) if len(feasible_values) else (0.0, 1.0)
    return ContourData(
        names, axes, panels, done.direction == StudyDirection.MINIMIZE, z_range, target_name, notes
    )


def _axis(column: ParamColumn) -> Axis:
    if column.scale == "categorical":
        k = len(column.choices)
        return Axis(column.name, "categorical", np.arange(k, dtype=float), (-0.5, k - 0.5), column.choices)
    coords = column.coords[column.present]
    low, high = float(coords.min()), float(coords.max())
    pad = (high - low) * _PAD
    grid = np.linspace(low - pad, high + pad, GRID) if high > low else np.array([low])
    return Axis(column.name, column.scale, grid, (low - pad, high + pad) if high > low else (low - 1, high + 1), ())


def _cells(coords: np.ndarray, axis: Axis) -> np.ndarray:
    if len(axis.grid) == 1:
        return np.zeros(len(coords), dtype=int)
    if axis.scale == "categorical":
        return coords.astype(int)
    step = axis.grid[1] - axis.grid[0]
    return np.clip(np.rint((coords - axis.grid[0]) / step), 0, len(axis.grid) - 1).astype(int)


def _panel(
    col_x: ParamColumn, col_y: ParamColumn, ax_x: Axis, ax_y: Axis,
    values: np.ndarray, feasible: np.ndarray, shown: np.ndarray,
) -> ContourPanel:
    both = col_x.present & col_y.present
    ok = both & feasible
    z = None
    if len(ax_x.grid) > 1 and len(ax_y.grid) > 1 and ok.any():
        ix, iy = _cells(col_x.coords[ok], ax_x), _cells(col_y.coords[ok], ax_y)
        flat = iy * len(ax_x.grid) + ix
        size = len(ax_x.grid) * len(ax_y.grid)
        counts = np.bincount(flat, minlength=size)
        sums = np.bincount(flat, weights=values[ok], minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (sums / counts).reshape(len(ax_y.grid), len(ax_x.grid))
        z = fill_grid(z)
    seen_ok, seen_bad = ok & shown, both & ~feasible & shown
    return ContourPanel(
        col_x.name, col_y.name, z,
        col_x.values(seen_ok), col_y.values(seen_ok), col_x.values(seen_bad), col_y.values(seen_bad),
    )


def fill_grid(z: np.ndarray) -> np.ndarray:
    """Fill the NaN cells of ``z``: nearest filled cell first, then sweeps of neighbour
    averaging over the filled-in cells only (a discrete harmonic interpolation)."""
    from scipy import ndimage

    known = ~np.isnan(z)
    if known.all():
        return z
    nearest = ndimage.distance_transform_edt(~known, return_distances=False, return_indices=True)
    z = z[tuple(nearest)]
    unknown = ~known
    for _ in range(_SMOOTHING_SWEEPS):
        padded = np.pad(z, 1, mode="edge")
        mean = (padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]) / 4.0
        z[unknown] = mean[unknown]
    return z
