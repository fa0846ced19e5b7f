"""plot_param_importances (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from albacore.visualization._data._trials import Target
from albacore.visualization._data.param_importances import ParamImportancesData, param_importances_data
from albacore.visualization.matplotlib._common import new_axes, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.importance import BaseImportanceEvaluator
    from albacore.trial._study_protocol import StudyReader


def plot_param_importances(
    study: StudyReader,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot each parameter's importance as a horizontal bar, on matplotlib Axes.

    Same data and arguments as :func:`albacore.visualization.plot_param_importances`.

    Args:
        study: The study.
        evaluator: The importance evaluator (default: that of ``get_param_importances``).
        params: Parameters to assess (default: all).
        target: Value to explain.
        target_name: Name of that value in the legend.

    Returns:
        The ``matplotlib.axes.Axes``.

    Raises:
        ValueError: If the study has no COMPLETE trial or a parameter does not exist.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_param_importances

            plot_param_importances(study).figure.savefig("importances.png")
    """
    data = param_importances_data(study, evaluator, params, target, target_name)
    ax = new_axes("plot_param_importances")
    # Rows follow the first series' order, least important at the bottom.
    names = list(data.series[0].importances)[::-1]
    height = 0.8 / len(data.series)
    for k, series in enumerate(data.series):
        values = [series.importances.get(n, 0.0) for n in names]
        y = np.arange(len(names)) + (k - (len(data.series) - 1) / 2) * height
        bars = ax.barh(y, values, height=height, label=series.name)
        ax.bar_label(bars, labels=[ParamImportancesData.label(v) for v in values], padding=2, fontsize=8)
    ax.set_yticks(np.arange(len(names)), names)
    set_title(ax, "Hyperparameter Importances")
    ax.set_xlabel("Hyperparameter Importance")
    ax.set_ylabel("Hyperparameter")
    if len(data.series) > 1:
        ax.legend(loc="best")
    return ax
