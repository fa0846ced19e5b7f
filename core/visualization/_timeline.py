"""plot_timeline (plotly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.visualization._data.timeline import timeline_data
from albacore.visualization._plotly import STATE_COLORS, go, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial._study_protocol import StudyReader


def plot_timeline(study: StudyReader, n_recent_trials: int | None = None) -> plotly.graph_objects.Figure:
    """Plot when each trial ran: one horizontal bar per trial, coloured by its state.

    COMPLETE trials that violate a constraint are shown as ``INFEASIBLE``; a running
    trial's bar ends now.

    Args:
        study: The study.
        n_recent_trials: Plot only this many of the latest started trials.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If no trial has started, or ``n_recent_trials`` is not a positive int.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_timeline

            plot_timeline(study, n_recent_trials=100).show()
    """
    go_ = go("plot_timeline")
    data = timeline_data(study, n_recent_trials)
    fig = go_.Figure()
    for state, bars in data.bars.items():
        durations = [(end - start).total_seconds() * 1000.0 for start, end in zip(bars.starts, bars.ends)]
        fig.add_trace(
            go_.Bar(
                base=[s.isoformat() for s in bars.starts], x=durations, y=bars.numbers, orientation="h",
                name=state, marker={"color": STATE_COLORS[state]},
                hovertemplate="Trial %{y}<br>%{base} + %{x} ms<extra></extra>",
            )
        )
    fig.update_layout(
        title=title("Timeline Plot"), xaxis={"type": "date", "title": {"text": "Datetime"}},
        yaxis_title="Trial", showlegend=True, barmode="overlay",
    )
    return fig
