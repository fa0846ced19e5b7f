"""plot_intermediate_values (plotly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.visualization._data._trials import MAX_POINTS
from albacore.visualization._data.intermediate_values import intermediate_values_data
from albacore.visualization._plotly import STATE_COLORS, go, scatter, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial._study_protocol import StudyReader


def plot_intermediate_values(study: StudyReader) -> plotly.graph_objects.Figure:
    """Plot the intermediate values every trial reported, against the step.

    COMPLETE, PRUNED and RUNNING trials are drawn, one line per trial, coloured by state
    (COMPLETE trials that violate a constraint are grey); one trace per state carries
    every curve of that state, so a study of many trials stays light. Hover names the trial.

    Args:
        study: A study whose trials called ``trial.report``.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If no trial reported an intermediate value (empty study included).
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_intermediate_values

            plot_intermediate_values(study).show()
    """
    go_ = go("plot_intermediate_values")
    data = intermediate_values_data(study)
    fig = go_.Figure()
    for state, (steps, values, numbers) in data.grouped().items():
        fig.add_trace(
            scatter(
                go_, len(steps), x=steps, y=values, customdata=numbers, name=state,
                mode="lines" if len(steps) > MAX_POINTS else "lines+markers",
                line={"color": STATE_COLORS[state], "width": 1}, marker={"size": 4},
                hovertemplate="Trial %{customdata}<br>step %{x}: %{y}<extra></extra>",
            )
        )
    fig.update_layout(
        title=title("Intermediate Values Plot"), xaxis_title="Step", yaxis_title="Intermediate Value",
        showlegend=True,
    )
    return fig
