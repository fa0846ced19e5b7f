"""plot_terminator_improvement (plotly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.visualization._data.terminator_improvement import terminator_improvement_data
from albacore.visualization._plotly import go, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.terminator import BaseErrorEvaluator, BaseImprovementEvaluator
    from albacore.trial._study_protocol import StudyReader

_IMPROVEMENT = "#1f77b4"
_EARLY = "rgba(31,119,180,0.35)"
_ERROR = "#d62728"


def plot_terminator_improvement(
    study: StudyReader,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> plotly.graph_objects.Figure:
    """Plot the terminator's estimate of the room left for improvement after each trial.

    The improvement is evaluated on the first ``k`` COMPLETE trials for growing ``k`` (at
    most 50 evenly spaced ``k``; the title says when), drawn lighter where ``k`` is below
    ``min_n_trials``. With ``plot_error`` the error estimate is drawn too: the terminator
    stops a study once the improvement falls below it.

    Args:
        study: A single-objective study.
        plot_error: Also plot the error evaluator's estimate.
        improvement_evaluator: Default :class:`albacore.terminator.RegretBoundEvaluator`.
        error_evaluator: Default :class:`albacore.terminator.CrossValidationErrorEvaluator`
            (needs :func:`albacore.terminator.report_cross_validation_scores`).
        min_n_trials: Trials before which the terminator never stops a study.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: For a multi-objective study, a study without COMPLETE trials, or a
            ``min_n_trials`` that is not a positive int.
        TypeError: If an evaluator has the wrong type.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_terminator_improvement

            plot_terminator_improvement(study, plot_error=True).show()
    """
    go_ = go("plot_terminator_improvement")
    data = terminator_improvement_data(study, plot_error, improvement_evaluator, error_evaluator, min_n_trials)
    fig = go_.Figure()
    early = data.before_min
    if early.any():
        last = int(early.sum())  # repeat the first later point so the two lines join
        fig.add_trace(
            go_.Scatter(
                x=data.numbers[: last + 1], y=data.improvements[: last + 1], mode="lines+markers",
                name="Terminator Improvement (before min_n_trials)", line={"color": _EARLY},
                marker={"color": _EARLY}, showlegend=False,
            )
        )
    fig.add_trace(
        go_.Scatter(
            x=data.numbers[~early], y=data.improvements[~early], mode="lines+markers",
            name="Terminator Improvement", line={"color": _IMPROVEMENT}, marker={"color": _IMPROVEMENT},
        )
    )
    if data.errors is not None:
        fig.add_trace(
            go_.Scatter(x=data.numbers, y=data.errors, mode="lines+markers", name="Error", line={"color": _ERROR})
        )
    fig.update_layout(
        title=title("Terminator Improvement Plot", data.notes), xaxis_title="Trial",
        yaxis_title="Terminator Improvement",
    )
    return fig
