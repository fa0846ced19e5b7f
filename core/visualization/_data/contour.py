"""Data of the contour plot: the objective over each pair of parameters on a grid.

Each panel's surface is the mean feasible value of the trials in each cell of a grid
(:data:`GRID` cells a side for numeric parameters, :data:`MATRIX_GRID` in a matrix of more
than three parameters, one per choice for categorical ones); empty cells are filled by
harmonic interpolation from the filled ones, all panels at once, so a large study costs a
histogram, not a per-trial interpolation. Markers show the trials themselves, an even
sample of them when there are more than a panel's share of markers (the notes say so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np

from albacore._study_types import StudyDirection
from albacore.visualization._data._trials import (
    ParamColumn,
    Target,
    check_study,
    completed_trials,
    matrix_points,
    param_columns,
    sample_mask,
    select_params,
)

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_contour"
GRID = 100
MATRIX_GRID = 50
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

    def positions(self) -> np.ndarray:
        """The grid on the axis's own scale (numbers for a log axis)."""
        return 10.0**self.grid if self.scale == "log" else self.grid


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
    study: StudyReader, params: list[str] | None = None, target: Target | None = None,
    target_name: str = "Objective Value",
) -> ContourData:
    """Panels for every ordered pair of the chosen parameters (at least two)."""
    check_study(WHERE, study)
    done = completed_trials(WHERE, study, target)
    names = select_params(WHERE, done.trials, params)
    if len(names) < 2:
        raise ValueError(f"{WHERE}: a contour plot needs at least two parameters, got {names}")
    columns = param_columns(done.trials, names)
    size = GRID if len(names) <= 3 else MATRIX_GRID
    axes = {name: _axis(column, size) for name, column in columns.items()}
    n_panels = 1 if len(names) == 2 else len(names) * (len(names) - 1)
    shown = sample_mask(len(done.values), matrix_points(n_panels))
    notes = []
    if not shown.all():
        notes.append(f"markers: {int(shown.sum()):,} of {len(shown):,} trials (random sample); surface from all")
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    surfaces = _surfaces([(columns[a], columns[b], axes[a], axes[b]) for a, b in pairs], done.values, done.feasible)
    panels = {}
    for (a, b), z in zip(pairs, surfaces):
        panel = _panel(columns[a], columns[b], z, done.feasible, shown)
        panels[(a, b)] = panel
        panels[(b, a)] = ContourPanel(
            b, a, None if z is None else z.T, panel.feasible_y, panel.feasible_x, panel.infeasible_y, panel.infeasible_x
        )
    feasible_values = done.values[done.feasible]
    z_range = (float(feasible_values.min()), float(feasible_values.max())) if len(feasible_values) else (0.0, 1.0)
    return ContourData(names, axes, panels, done.direction == StudyDirection.MINIMIZE, z_range, target_name, notes)


def _axis(column: ParamColumn, size: int) -> Axis:
    if column.scale == "categorical":
        k = len(column.choices)
        return Axis(column.name, "categorical", np.arange(k, dtype=float), (-0.5, k - 0.5), column.choices)
    coords = column.coords[column.present]
    low, high = float(coords.min()), float(coords.max())
    if high <= low:
        return Axis(column.name, column.scale, np.array([low]), (low - 1, high + 1), ())
    pad = (high - low) * _PAD
    return Axis(column.name, column.scale, np.linspace(low - pad, high + pad, size), (low - pad, high + pad), ())


def _cells(coords: np.ndarray, axis: Axis) -> np.ndarray:
    if axis.scale == "categorical":
        return coords.astype(int)
    step = axis.grid[1] - axis.grid[0]
    return cast(np.ndarray, np.clip(np.rint((coords - axis.grid[0]) / step), 0, len(axis.grid) - 1).astype(int))


def _surfaces(
    pairs: list[tuple[ParamColumn, ParamColumn, Axis, Axis]], values: np.ndarray, feasible: np.ndarray
) -> list[np.ndarray | None]:
    """Cell means of each pair (x = first), then every pair's empty cells filled together."""
    grids: list[np.ndarray | None] = []
    for col_x, col_y, ax_x, ax_y in pairs:
        ok = col_x.present & col_y.present & feasible
        if len(ax_x.grid) < 2 or len(ax_y.grid) < 2 or not ok.any():
            grids.append(None)
            continue
        ix, iy = _cells(col_x.coords[ok], ax_x), _cells(col_y.coords[ok], ax_y)
        flat = iy * len(ax_x.grid) + ix
        size = len(ax_x.grid) * len(ax_y.grid)
        counts = np.bincount(flat, minlength=size)
        sums = np.bincount(flat, weights=values[ok], minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            grids.append((sums / counts).reshape(len(ax_y.grid), len(ax_x.grid)))
    by_shape: dict[tuple[int, int], list[int]] = {}
    for k, z in enumerate(grids):
        if z is not None:
            by_shape.setdefault(z.shape, []).append(k)
    for indices in by_shape.values():
        filled = fill_grids(np.stack([cast(np.ndarray, grids[k]) for k in indices]))
        for k, z in zip(indices, filled):
            grids[k] = z
    return grids


def _panel(col_x: ParamColumn, col_y: ParamColumn, z: np.ndarray | None, feasible: np.ndarray,
           shown: np.ndarray) -> ContourPanel:
    both = col_x.present & col_y.present & shown
    ok, bad = both & feasible, both & ~feasible
    return ContourPanel(col_x.name, col_y.name, z, col_x.values(ok), col_y.values(ok), col_x.values(bad),
                        col_y.values(bad))


def fill_grid(z: np.ndarray) -> np.ndarray:
    """Fill the NaN cells of one 2-D grid (see :func:`fill_grids`)."""
    return cast(np.ndarray, fill_grids(z[None])[0])


def fill_grids(z: np.ndarray) -> np.ndarray:
    """Fill the NaN cells of a stack of grids ``(n, rows, cols)``: nearest filled cell first,
    then sweeps of neighbour averaging over the filled-in cells only (a discrete harmonic
    interpolation). A grid without any value stays NaN."""
    from scipy import ndimage

    z = z.copy()
    known = ~np.isnan(z)
    for k in range(len(z)):
        if known[k].any() and not known[k].all():
            nearest = ndimage.distance_transform_edt(~known[k], return_distances=False, return_indices=True)
            z[k] = z[k][tuple(nearest)]
    unknown = ~known & ~np.all(~known, axis=(1, 2), keepdims=True)
    if not unknown.any():
        return z
    padded = np.empty((z.shape[0], z.shape[1] + 2, z.shape[2] + 2))
    for _ in range(_SMOOTHING_SWEEPS):
        padded[:, 1:-1, 1:-1] = z
        padded[:, 0, 1:-1], padded[:, -1, 1:-1] = z[:, 0], z[:, -1]
        padded[:, 1:-1, 0], padded[:, 1:-1, -1] = z[:, :, 0], z[:, :, -1]
        mean = (padded[:, :-2, 1:-1] + padded[:, 2:, 1:-1] + padded[:, 1:-1, :-2] + padded[:, 1:-1, 2:]) * 0.25
        z[unknown] = mean[unknown]
    return z
