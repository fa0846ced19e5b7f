"""plot_intermediate_values (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.visualization._data.intermediate_values import intermediate_values_data
from albacore.visualization.matplotlib._common import STATE_COLORS, new_axes, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.trial._study_protocol import StudyReader


def plot_intermediate_values(study: StudyReader) -> Axes:
    """Plot the intermediate values every trial reported against the step, on matplotlib Axes.

    Same data as :func:`albacore.visualization.plot_intermediate_values`: one line per
    COMPLETE, PRUNED or RUNNING trial, coloured by state (infeasible trials grey).

    Args:
        study: A study whose trials called ``trial.report``.

    Returns:
        The ``matplotlib.axes.Axes``.

    Raises:
        ValueError: If no trial reported an intermediate value (empty study included).
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_intermediate_values

            plot_intermediate_values(study).figure.savefig("curves.png")
    """
    data = intermediate_values_data(study)
    ax = new_axes("plot_intermediate_values")
    for state, (steps, values, _) in data.grouped().items():
        # NaN rows separate the curves, so one Line2D draws a whole state.
        ax.plot(steps, values, color=STATE_COLORS[state], lw=1, marker="." if len(steps) < 2000 else None,
                ms=3, label=state)
    set_title(ax, "Intermediate Values Plot")
    ax.set_xlabel("Step")
    ax.set_ylabel("Intermediate Value")
    ax.legend(loc="best")
    return ax
