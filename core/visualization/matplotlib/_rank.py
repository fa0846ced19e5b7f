"""plot_rank (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from albacore.visualization._data._trials import Target
from albacore.visualization._data.rank import RankData, rank_data
from albacore.visualization._rank import rank_cells
from albacore.visualization.matplotlib._common import INFEASIBLE_COLOR, param_axis, plt, suptitle
from albacore.visualization.matplotlib._matrix import axes_grid, label_edges, result

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

    from albacore.trial._study_protocol import StudyReader


def plot_rank(
    study: StudyReader, params: list[str] | None = None, *, target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot trials over pairs of parameters coloured by the rank of their value, on matplotlib Axes.

    Same data and layout as :func:`albacore.visualization.plot_rank`.

    Args:
        study: The study.
        params: Parameters to plot (default: all, sorted).
        target: Value to rank; needed for a multi-objective study.
        target_name: Name of the value in the title.

    Returns:
        One ``Axes`` for one or two parameters, else an ``n`` x ``n`` array of them.

    Raises:
        ValueError: If the study has no COMPLETE trial, a parameter does not exist, or a
            multi-objective study is given without ``target``.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_rank

            plot_rank(study).flat[0].figure.savefig("rank.png")
    """
    data = rank_data(study, params, target, target_name)
    pyplot = plt("plot_rank")
    names = data.params
    n = len(names) if len(names) > 2 else 1
    axes = axes_grid("plot_rank", n)
    cmap = pyplot.get_cmap("RdYlBu_r")
    for k, x, y in rank_cells(data):
        _panel(axes[divmod(k, n)], data, x, y, cmap)
    if n > 1:
        label_edges(axes, names, names)
    else:
        label_edges(axes, [names[0]], [names[1] if len(names) == 2 else data.target_name])
    fig = axes[0, 0].figure
    bar = fig.colorbar(pyplot.cm.ScalarMappable(norm=pyplot.Normalize(0, 1), cmap=cmap), ax=axes)
    bar.set_ticks([t for t, _ in data.colorbar_ticks], labels=[s for _, s in data.colorbar_ticks])
    suptitle(fig, f"Rank ({data.target_name})", data.notes)
    return result(axes)


def _panel(ax: Any, data: RankData, x: str, y: str | None, cmap: Any) -> None:
    x_axis = data.axes[x]
    rows = x_axis.present & (data.axes[y].present if y else True)
    ys = data.axes[y].values if y else data.values
    ok, bad = rows & data.feasible, rows & ~data.feasible
    ax.scatter(x_axis.values[ok], ys[ok], c=data.rank[ok], cmap=cmap, vmin=0, vmax=1, s=8,
               edgecolors="grey", linewidths=0.3)
    if bad.any():
        ax.scatter(x_axis.values[bad], ys[bad], s=8, color=INFEASIBLE_COLOR)
    param_axis(ax, "x", x_axis.scale, x_axis.choices)
    if y:
        param_axis(ax, "y", data.axes[y].scale, data.axes[y].choices)
