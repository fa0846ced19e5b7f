"""plot_optimization_history (matplotlib)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from albacore.visualization._data._trials import Target
from albacore.visualization._data.optimization_history import optimization_history_data
from albacore.visualization.matplotlib._common import INFEASIBLE_COLOR, new_axes, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.trial._study_protocol import StudyReader


def plot_optimization_history(
    study: StudyReader | Sequence[StudyReader],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> Axes:
    """Plot each COMPLETE trial's value and the best value so far, on matplotlib Axes.

    Same data and arguments as :func:`albacore.visualization.plot_optimization_history`.

    Args:
        study: A study, or several studies (one series each).
        target: Value to plot; needed for a multi-objective study (no best-value line then).
        target_name: Label of the value axis.
        error_bar: Plot mean and standard deviation over the studies per trial number.

    Returns:
        The ``matplotlib.axes.Axes``.

    Raises:
        ValueError: If a study has no COMPLETE trial, a multi-objective study is given
            without ``target``, or ``error_bar`` studies differ in direction.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_optimization_history

            plot_optimization_history(study).figure.savefig("history.png")
    """
    data = optimization_history_data(study, target, target_name, error_bar)
    ax = new_axes("plot_optimization_history")
    several = len(data.series) > 1
    if data.error_bar is not None:
        bars = data.error_bar
        ax.errorbar(bars.numbers, bars.value_mean, yerr=bars.value_std, fmt="o", ms=3, capsize=2,
                    label=data.target_name)
        if bars.best_mean is not None:
            known = ~np.isnan(bars.best_mean)
            x, mean, std = bars.numbers[known], bars.best_mean[known], cast(np.ndarray, bars.best_std)[known]
            ax.plot(x, mean, color="tab:orange", label="Best Value")
            ax.fill_between(x, mean - std, mean + std, color="tab:orange", alpha=0.2)
    else:
        for s in data.series:
            ok = s.feasible
            label = f"{data.target_name} of {s.study_name}" if several else data.target_name
            ax.scatter(s.numbers[ok], s.values[ok], s=12, label=label)
            if s.best is not None:
                ax.plot(s.numbers, s.best, label=f"Best Value of {s.study_name}" if several else "Best Value")
            if (~ok).any():
                ax.scatter(s.numbers[~ok], s.values[~ok], s=12, color=INFEASIBLE_COLOR, label="Infeasible Trial")
    set_title(ax, "Optimization History Plot")
    ax.set_xlabel("Trial")
    ax.set_ylabel(data.target_name)
    ax.legend(loc="best")
    return ax
