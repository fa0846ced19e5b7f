"""plot_hypervolume_history (matplotlib)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from albacore.visualization._data.hypervolume_history import hypervolume_history_data
from albacore.visualization.matplotlib._common import new_axes, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.trial._study_protocol import StudyReader


def plot_hypervolume_history(study: StudyReader, reference_point: Sequence[float]) -> Axes:
    """Plot the hypervolume of the feasible trials so far after each COMPLETE trial, on matplotlib Axes.

    Same data as :func:`albacore.visualization.plot_hypervolume_history`.

    Args:
        study: A multi-objective study.
        reference_point: One value per objective, in the objectives' own directions.

    Returns:
        The ``matplotlib.axes.Axes``.

    Raises:
        ValueError: For a single-objective study, a study without COMPLETE trials, or a
            reference point of the wrong length or with non-finite values.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_hypervolume_history

            plot_hypervolume_history(study, [1.0, 1.0]).figure.savefig("hv.png")
    """
    data = hypervolume_history_data(study, reference_point)
    ax = new_axes("plot_hypervolume_history")
    ax.plot(data.numbers, data.hypervolumes, marker="." if len(data.numbers) < 2000 else None, label="Hypervolume")
    set_title(ax, "Hypervolume History Plot")
    ax.set_xlabel("Trial")
    ax.set_ylabel("Hypervolume")
    ax.legend(loc="best")
    return ax
