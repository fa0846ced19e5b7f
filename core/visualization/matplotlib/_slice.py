"""plot_slice (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from albacore.visualization._data._trials import Target
from albacore.visualization._data.slice import slice_data
from albacore.visualization.matplotlib._common import INFEASIBLE_COLOR, param_axis, plt, suptitle

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

    from albacore.trial._study_protocol import StudyReader


def plot_slice(
    study: StudyReader, params: list[str] | None = None, *, target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot the objective against each parameter, one panel each, on matplotlib Axes.

    Same data as :func:`albacore.visualization.plot_slice`: trials coloured by number,
    infeasible ones grey, log and categorical axes where the parameter has them.

    Args:
        study: The study.
        params: Parameters to plot (default: all, sorted).
        target: Value to plot; needed for a multi-objective study.
        target_name: Label of the value axis.

    Returns:
        One ``Axes`` for one parameter, else a 1-D array of them.

    Raises:
        ValueError: If the study has no COMPLETE trial, a parameter does not exist, or a
            multi-objective study is given without ``target``.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_slice

            plot_slice(study, params=["lr"]).figure.savefig("slice.png")
    """
    data = slice_data(study, params, target, target_name)
    pyplot = plt("plot_slice")
    n = len(data.panels)
    fig, axes = pyplot.subplots(1, n, sharey=True, figsize=(max(6.4, 3.2 * n), 4.4), squeeze=False)
    axes = axes[0]
    norm = pyplot.Normalize(0, max(data.max_number, 1))
    points = None
    for ax, panel in zip(axes, data.panels):
        ok = panel.feasible
        points = ax.scatter(panel.x[ok], panel.y[ok], c=panel.numbers[ok], cmap="Blues", norm=norm, s=10,
                            edgecolors="grey", linewidths=0.3)
        if (~ok).any():
            ax.scatter(panel.x[~ok], panel.y[~ok], s=10, color=INFEASIBLE_COLOR)
        param_axis(ax, "x", panel.scale, panel.choices)
        ax.set_xlabel(panel.name)
    axes[0].set_ylabel(data.target_name)
    fig.colorbar(points, ax=axes, label="Trial")
    suptitle(fig, "Slice Plot")
    return cast("Axes", axes[0]) if n == 1 else axes
