"""plot_contour (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from albacore.visualization._data._trials import Target
from albacore.visualization._data.contour import ContourData, contour_data
from albacore.visualization.matplotlib._common import INFEASIBLE_COLOR, param_axis, plt, suptitle
from albacore.visualization.matplotlib._matrix import axes_grid, label_edges, result

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

    from albacore.study import Study


def plot_contour(
    study: Study, params: list[str] | None = None, *, target: Target | None = None, target_name: str = "Objective Value"
) -> Axes | np.ndarray:
    """Plot the objective as filled contours over pairs of parameters, on matplotlib Axes.

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
    norm = pyplot.Normalize(*data.z_range)
    cells = [(0, 0, names[0], names[1])] if n == 1 else [(i, j, x, y) for i, y in enumerate(names) for j, x in enumerate(names)]
    for i, j, x, y in cells:
        ax = axes[i, j]
        if x == y:
            ax.set_axis_off()
            continue
        _panel(ax, data, x, y, cmap, norm)
    label_edges(axes, names if n > 1 else [names[0]], names if n > 1 else [names[1]])
    fig = axes[0, 0].figure
    fig.colorbar(pyplot.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, label=data.target_name)
    suptitle(fig, "Contour Plot", data.notes)
    return result(axes)


def _panel(ax: Any, data: ContourData, x: str, y: str, cmap: Any, norm: Any) -> None:
    panel = data.panels[(x, y)]
    ax_x, ax_y = data.axes[x], data.axes[y]
    if panel.z is not None:
        gx = 10.0**ax_x.grid if ax_x.scale == "log" else ax_x.grid
        gy = 10.0**ax_y.grid if ax_y.scale == "log" else ax_y.grid
        ax.contourf(gx, gy, panel.z, levels=12, cmap=cmap, norm=norm)
    ax.scatter(panel.feasible_x, panel.feasible_y, s=2, color="black")
    if len(panel.infeasible_x):
        ax.scatter(panel.infeasible_x, panel.infeasible_y, s=2, color=INFEASIBLE_COLOR)
    param_axis(ax, "x", ax_x.scale, ax_x.choices, ax_x.range)
    param_axis(ax, "y", ax_y.scale, ax_y.choices, ax_y.range)
