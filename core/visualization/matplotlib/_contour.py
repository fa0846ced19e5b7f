"""plot_contour (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from albacore.visualization._data._trials import Target
from albacore.visualization._data.contour import ContourData, contour_data
from albacore.visualization.matplotlib._common import INFEASIBLE_COLOR, param_axis, plt, suptitle
from albacore.visualization.matplotlib._matrix import axes_grid, label_edges, result

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.trial._study_protocol import StudyReader


def plot_contour(
    study: StudyReader, params: list[str] | None = None, *, target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot the objective in colour bands over pairs of parameters, on matplotlib Axes.

    Same data and layout as :func:`albacore.visualization.plot_contour`.

    Args:
        study: The study.
        params: Parameters to plot, at least two (default: all, sorted).
        target: Value to plot; needed for a multi-objective study.
        target_name: Label of the colour bar.

    Returns:
        One ``Axes`` for two parameters, else an ``n`` x ``n`` array of them.

    Raises:
        ValueError: If the study has no COMPLETE trial, fewer than two parameters are
            plotted, a parameter does not exist, or a multi-objective study is given
            without ``target``.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_contour

            plot_contour(study, params=["x", "y"]).figure.savefig("contour.png")
    """
    data = contour_data(study, params, target, target_name)
    pyplot = plt("plot_contour")
    names = data.params
    n = 1 if len(names) == 2 else len(names)
    axes = axes_grid("plot_contour", n)
    cmap = pyplot.get_cmap("Blues_r" if data.reverse_scale else "Blues")
    low, high = data.z_range
    # The surface is drawn in 12 colour bands over the grid cells (as the plotly figure's
    # heatmap-coloured contour): a mesh per panel costs far less than contour polygons.
    # Each panel gets its own norm; a shared one makes every mesh listen to the others.
    levels = np.linspace(low, high if high > low else low + 1.0, 13)
    if n == 1:
        cells = [(0, 0, names[0], names[1])]
    else:
        cells = [(i, j, x, y) for i, y in enumerate(names) for j, x in enumerate(names)]
    for i, j, x, y in cells:
        ax = axes[i, j]
        if x == y:  # empty diagonal; keeps its frame-less Axes for the edge labels
            ax.set_frame_on(False)
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        _panel(ax, data, x, y, cmap, levels)
    label_edges(axes, names if n > 1 else [names[0]], names if n > 1 else [names[1]])
    fig = axes[0, 0].figure
    from matplotlib.colors import BoundaryNorm

    norm = BoundaryNorm(levels, cmap.N)
    fig.colorbar(pyplot.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, label=data.target_name)
    suptitle(fig, "Contour Plot", data.notes)
    return result(axes)


def _panel(ax: Any, data: ContourData, x: str, y: str, cmap: Any, levels: np.ndarray) -> None:
    from matplotlib.colors import BoundaryNorm

    panel = data.panels[(x, y)]
    ax_x, ax_y = data.axes[x], data.axes[y]
    if panel.z is not None:
        norm = BoundaryNorm(levels, cmap.N, clip=True)
        ax.pcolormesh(ax_x.positions(), ax_y.positions(), panel.z, cmap=cmap, norm=norm, shading="nearest")
    ax.scatter(panel.feasible_x, panel.feasible_y, s=2, color="black")
    if len(panel.infeasible_x):
        ax.scatter(panel.infeasible_x, panel.infeasible_y, s=2, color=INFEASIBLE_COLOR)
    param_axis(ax, "x", ax_x.scale, ax_x.choices, ax_x.range)
    param_axis(ax, "y", ax_y.scale, ax_y.choices, ax_y.range)
