"""plot_pareto_front (matplotlib)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, cast

from albacore.visualization._data.pareto_front import PointSet, pareto_front_data
from albacore.visualization.matplotlib._common import INFEASIBLE_COLOR, plt, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.trial import FrozenTrial
    from albacore.trial._study_protocol import StudyReader


def plot_pareto_front(
    study: StudyReader,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> Axes:
    """Plot the trials of a 2- or 3-objective study in objective space, on matplotlib Axes.

    Same data and arguments as :func:`albacore.visualization.plot_pareto_front`.

    Args:
        study: A study with 2 or 3 objectives (any study when ``targets`` is given).
        target_names: Axis labels (default: metric names, else ``Objective i``).
        include_dominated_trials: Also plot the trials off the front.
        constraints_func: ``FrozenTrial -> constraint values`` (feasible when all <= 0).
        targets: ``FrozenTrial -> 2 or 3 values`` to plot instead of the objectives.

    Returns:
        The ``matplotlib.axes.Axes`` (3D Axes for three values).

    Raises:
        ValueError: If the study has no COMPLETE trial, does not have 2 or 3 objectives
            (without ``targets``), or ``target_names`` has the wrong length.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_pareto_front

            plot_pareto_front(study).figure.savefig("pareto.png")
    """
    data = pareto_front_data(study, target_names, include_dominated_trials, constraints_func, targets)
    pyplot = plt("plot_pareto_front")
    three = len(data.target_names) == 3
    fig = pyplot.figure()
    ax = fig.add_subplot(projection="3d") if three else fig.add_subplot()
    if data.dominated is not None and len(data.dominated.numbers):
        _scatter(ax, data.dominated, "Trial", "Blues")
    _scatter(ax, data.best, "Best Trial", "Reds")
    if len(data.infeasible.numbers):
        _scatter(ax, data.infeasible, "Infeasible Trial", None)
    ax.set_xlabel(data.target_names[0])
    ax.set_ylabel(data.target_names[1])
    if three:
        ax.set_zlabel(data.target_names[2])
    set_title(ax, "Pareto-front Plot")
    ax.legend(loc="best")
    return cast("Axes", ax)


def _scatter(ax: Any, points: PointSet, label: str, cmap: str | None) -> None:
    columns = [points.points[:, i] for i in range(points.points.shape[1])]
    if cmap is None:
        ax.scatter(*columns, s=12, color=INFEASIBLE_COLOR, label=label)
    else:
        ax.scatter(*columns, s=12, c=points.numbers, cmap=cmap, edgecolors="grey", linewidths=0.3, label=label)
