"""plot_edf (matplotlib)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from albacore.visualization._data._trials import Target
from albacore.visualization._data.edf import edf_data
from albacore.visualization.matplotlib._common import new_axes, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.trial._study_protocol import StudyReader


def plot_edf(
    study: StudyReader | Sequence[StudyReader], *, target: Target | None = None, target_name: str = "Objective Value"
) -> Axes:
    """Plot the empirical distribution function of the objective values, on matplotlib Axes.

    Same data as :func:`albacore.visualization.plot_edf`.

    Args:
        study: A study or several studies (one curve each).
        target: Value to plot; needed for multi-objective studies.
        target_name: Label of the x axis.

    Returns:
        The ``matplotlib.axes.Axes``.

    Raises:
        ValueError: If a study has no feasible COMPLETE trial, or a multi-objective study is
            given without ``target``.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_edf

            plot_edf([study_a, study_b]).figure.savefig("edf.png")
    """
    data = edf_data(study, target, target_name)
    ax = new_axes("plot_edf")
    for name, y in data.curves:
        ax.plot(data.x, y, label=name)
    set_title(ax, "Empirical Distribution Function Plot")
    ax.set_xlabel(data.target_name)
    ax.set_ylabel("Cumulative Probability")
    ax.set_ylim(0, 1)
    ax.legend(loc="best")
    return ax
