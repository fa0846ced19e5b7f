"""plot_timeline (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from albacore.visualization._data.timeline import timeline_data
from albacore.visualization.matplotlib._common import STATE_COLORS, new_axes, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.trial._study_protocol import StudyReader


def plot_timeline(study: StudyReader, n_recent_trials: int | None = None) -> Axes:
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
    from matplotlib.collections import PolyCollection

    ax = new_axes("plot_timeline")
    for state, bars in data.bars.items():
        # One collection of rectangles per state: a bar artist per trial is far too slow.
        # matplotlib.dates ships without annotations.
        x0 = dates.date2num(bars.starts)  # type: ignore[no-untyped-call]
        x1 = dates.date2num(bars.ends)  # type: ignore[no-untyped-call]
        y = np.asarray(bars.numbers, dtype=float)
        corners = np.stack([
            np.stack((x0, y - 0.4), axis=1), np.stack((x1, y - 0.4), axis=1),
            np.stack((x1, y + 0.4), axis=1), np.stack((x0, y + 0.4), axis=1),
        ], axis=1)
        # The stubs ask for a Sequence of (k, 2) arrays; an (n, k, 2) array is one.
        ax.add_collection(PolyCollection(corners, facecolors=STATE_COLORS[state], edgecolors="none", label=state))  # type: ignore[arg-type]
    ax.autoscale_view()
    ax.xaxis_date()
    ax.figure.autofmt_xdate()
    set_title(ax, "Timeline Plot")
    ax.set_xlabel("Datetime")
    ax.set_ylabel("Trial")
    ax.legend(loc="best")
    return ax
