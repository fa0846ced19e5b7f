"""plot_parallel_coordinate (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from albacore.visualization._data._trials import Target
from albacore.visualization._data.parallel_coordinate import parallel_coordinate_data
from albacore.visualization.matplotlib._common import new_axes, plt, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.trial._study_protocol import StudyReader


def plot_parallel_coordinate(
    study: StudyReader, params: list[str] | None = None, *, target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot each trial as a line across the objective and the parameters, on matplotlib Axes.

    Same data as :func:`albacore.visualization.plot_parallel_coordinate` (infeasible trials
    and trials missing a parameter left out; above 2,000 trials a sample, said in the title).

    Args:
        study: The study.
        params: Parameters to plot (default: all, sorted).
        target: Value to plot; needed for a multi-objective study.
        target_name: Label of the value axis and colour bar.

    Returns:
        The ``matplotlib.axes.Axes``.

    Raises:
        ValueError: If the study has no COMPLETE trial, a parameter does not exist, or a
            multi-objective study is given without ``target``.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_parallel_coordinate

            plot_parallel_coordinate(study).figure.savefig("parallel.png")
    """
    data = parallel_coordinate_data(study, params, target, target_name)
    pyplot = plt("plot_parallel_coordinate")
    from matplotlib.collections import LineCollection

    ax = new_axes("plot_parallel_coordinate", figsize=(max(6.4, 1.2 * len(data.dimensions)), 4.8))
    spans = []
    columns = []
    for d in data.dimensions:
        low, high = float(np.min(d.values)), float(np.max(d.values))
        if d.scale == "categorical":
            low, high = min(low, min(d.tickvals)), max(high, max(d.tickvals))
        span = (low, high if high > low else low + 1.0)
        spans.append(span)
        columns.append((d.values - span[0]) / (span[1] - span[0]))
    y = np.stack(columns, axis=1)
    x = np.arange(len(data.dimensions), dtype=float)
    segments = np.stack((np.broadcast_to(x, y.shape), y), axis=2)
    cmap = pyplot.get_cmap("Blues_r" if data.reverse_scale else "Blues")
    norm = pyplot.Normalize(float(data.color.min()), float(data.color.max()))
    # The stubs ask for a Sequence of (k, 2) arrays; an (n, k, 2) array is one.
    lines = LineCollection(segments, cmap=cmap, norm=norm, linewidths=0.8, alpha=0.6)  # type: ignore[arg-type]
    lines.set_array(data.color)
    ax.add_collection(lines)
    for i, (d, (low, high)) in enumerate(zip(data.dimensions, spans)):
        ax.axvline(i, color="black", lw=0.8)
        for value, text in zip(d.tickvals, d.ticktext):
            ax.text(i - 0.03, (value - low) / (high - low), text, ha="right", va="center", fontsize=7)
    ax.set_xlim(-0.5, len(data.dimensions) - 0.5)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xticks(x, [d.label for d in data.dimensions], rotation=30)
    ax.set_yticks([])
    ax.figure.colorbar(lines, ax=ax, label=data.target_name)
    set_title(ax, "Parallel Coordinate Plot", data.notes)
    return ax
