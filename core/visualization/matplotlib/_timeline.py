"""plot_timeline (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.visualization._data.timeline import timeline_data
from albacore.visualization.matplotlib._common import STATE_COLORS, new_axes, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.study import Study


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Axes:
    """Plot when each trial ran as horizontal bars coloured by state, on matplotlib Axes.

    Same data as :func:`albacore.visualization.plot_timeline`.

    Args:
        study: The study.
        n_recent_trials: Plot only this many of the latest started trials.

    Returns:
        The ``matplotlib.axes.Axes``.

    Raises:
        ValueError: If no trial has started, or ``n_recent_trials`` is not a positive int.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_timeline

            plot_timeline(study).figure.savefig("timeline.png")
    """
    data = timeline_data(study, n_recent_trials)
    from matplotlib import dates

    ax = new_axes("plot_timeline")
    for state, bars in data.bars.items():
        starts = dates.date2num(bars.starts)
        widths = dates.date2num(bars.ends) - starts
        ax.barh(bars.numbers, widths, left=starts, height=0.8, color=STATE_COLORS[state], label=state)
    ax.xaxis_date()
    ax.figure.autofmt_xdate()
    set_title(ax, "Timeline Plot")
    ax.set_xlabel("Datetime")
    ax.set_ylabel("Trial")
    ax.legend(loc="best")
    return ax
