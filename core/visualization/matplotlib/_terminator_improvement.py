"""plot_terminator_improvement (matplotlib)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.visualization._data.terminator_improvement import terminator_improvement_data
from albacore.visualization.matplotlib._common import new_axes, set_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from albacore.terminator import BaseErrorEvaluator, BaseImprovementEvaluator
    from albacore.trial._study_protocol import StudyReader


def plot_terminator_improvement(
    study: StudyReader,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> Axes:
    """Plot the terminator's estimate of the room left for improvement, on matplotlib Axes.

    Same data and arguments as :func:`albacore.visualization.plot_terminator_improvement`.

    Args:
        study: A single-objective study.
        plot_error: Also plot the error evaluator's estimate.
        improvement_evaluator: Default :class:`albacore.terminator.RegretBoundEvaluator`.
        error_evaluator: Default :class:`albacore.terminator.CrossValidationErrorEvaluator`.
        min_n_trials: Trials before which the terminator never stops a study (drawn lighter).

    Returns:
        The ``matplotlib.axes.Axes``.

    Raises:
        ValueError: For a multi-objective study, a study without COMPLETE trials, or a
            ``min_n_trials`` that is not a positive int.
        TypeError: If an evaluator has the wrong type.
        ImportError: If matplotlib is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization.matplotlib import plot_terminator_improvement

            plot_terminator_improvement(study).figure.savefig("terminator.png")
    """
    data = terminator_improvement_data(study, plot_error, improvement_evaluator, error_evaluator, min_n_trials)
    ax = new_axes("plot_terminator_improvement")
    early = data.before_min
    if early.any():
        last = int(early.sum()) + 1
        ax.plot(data.numbers[:last], data.improvements[:last], marker=".", color="tab:blue", alpha=0.35)
    ax.plot(data.numbers[~early], data.improvements[~early], marker=".", color="tab:blue",
            label="Terminator Improvement")
    if data.errors is not None:
        ax.plot(data.numbers, data.errors, marker=".", color="tab:red", label="Error")
    set_title(ax, "Terminator Improvement Plot", data.notes)
    ax.set_xlabel("Trial")
    ax.set_ylabel("Terminator Improvement")
    ax.legend(loc="best")
    return ax
