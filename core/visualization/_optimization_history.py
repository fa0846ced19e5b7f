"""plot_optimization_history (plotly)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from albacore.visualization._data._trials import Target
from albacore.visualization._data.optimization_history import (
    ErrorBarSeries,
    OptimizationHistoryData,
    optimization_history_data,
)
from albacore.visualization._plotly import INFEASIBLE_COLOR, go, scatter, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial._study_protocol import StudyReader


def plot_optimization_history(
    study: StudyReader | Sequence[StudyReader],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> plotly.graph_objects.Figure:
    """Plot each COMPLETE trial's value and the best value so far, against the trial number.

    Infeasible trials (a constraint > 0) are grey markers and never count as the best.

    Args:
        study: A study, or several studies (one series each).
        target: Value to plot, ``FrozenTrial -> float``; needed for a multi-objective study.
            With a target no best-value line is drawn.
        target_name: Label of the value axis.
        error_bar: With several studies, plot the mean and standard deviation over the
            studies per trial number instead of one series per study.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If a study has no COMPLETE trial, a multi-objective study is given
            without ``target``, or ``error_bar`` studies differ in direction.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_optimization_history

            plot_optimization_history(study).write_html("history.html")
    """
    go_ = go("plot_optimization_history")
    data = optimization_history_data(study, target, target_name, error_bar)
    fig = go_.Figure()
    fig.add_traces(_error_bar_traces(go_, data) if data.error_bar else _series_traces(go_, data))
    fig.update_layout(
        title=title("Optimization History Plot"), xaxis_title="Trial", yaxis_title=data.target_name
    )
    return fig


def _series_traces(go_: Any, data: OptimizationHistoryData) -> list[Any]:
    traces = []
    several = len(data.series) > 1
    for s in data.series:
        ok = s.feasible
        name = f"{data.target_name} of {s.study_name}" if several else data.target_name
        traces.append(scatter(go_, int(ok.sum()), x=s.numbers[ok], y=s.values[ok], mode="markers", name=name))
        if s.best is not None:
            best_name = f"Best Value of {s.study_name}" if several else "Best Value"
            traces.append(scatter(go_, len(s.numbers), x=s.numbers, y=s.best, mode="lines", name=best_name))
        if (~ok).any():
            traces.append(
                scatter(
                    go_, int((~ok).sum()), x=s.numbers[~ok], y=s.values[~ok], mode="markers",
                    name="Infeasible Trial", marker={"color": INFEASIBLE_COLOR}, showlegend=False,
                )
            )
    return traces


def _error_bar_traces(go_: Any, data: OptimizationHistoryData) -> list[Any]:
    bars = cast(ErrorBarSeries, data.error_bar)  # called when there is one
    traces = [
        scatter(
            go_, len(bars.numbers), x=bars.numbers, y=bars.value_mean, mode="markers", name=data.target_name,
            error_y={"type": "data", "array": bars.value_std, "visible": True},
        )
    ]
    if bars.best_mean is not None:
        known = ~np.isnan(bars.best_mean)
        x, mean, std = bars.numbers[known], bars.best_mean[known], cast(np.ndarray, bars.best_std)[known]
        traces.append(scatter(go_, len(x), x=x, y=mean, mode="lines", name="Best Value"))
        traces.append(
            go_.Scatter(
                x=np.concatenate((x, x[::-1])), y=np.concatenate((mean + std, (mean - std)[::-1])),
                fill="toself", line={"color": "rgba(255,255,255,0)"}, fillcolor="rgba(255,127,14,0.2)",
                hoverinfo="skip", showlegend=False, name="Best Value ± std",
            )
        )
    return traces
