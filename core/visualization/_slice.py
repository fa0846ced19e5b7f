"""plot_slice (plotly)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from albacore.visualization._data._trials import Target
from albacore.visualization._data.slice import slice_data
from albacore.visualization._plotly import INFEASIBLE_COLOR, axis_id, go, grid_layout, param_axis, scatter_type, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial._study_protocol import StudyReader


def plot_slice(
    study: StudyReader, params: list[str] | None = None, *, target: Target | None = None,
    target_name: str = "Objective Value",
) -> plotly.graph_objects.Figure:
    """Plot the objective against each parameter, one panel per parameter.

    A panel shows the COMPLETE trials that have the parameter (conditional parameters
    appear only where suggested), coloured by trial number; infeasible trials are grey.
    Log-scaled parameters get a log axis, categorical ones their choices.

    Args:
        study: The study.
        params: Parameters to plot (default: all, sorted).
        target: Value to plot, ``FrozenTrial -> float``; needed for a multi-objective study.
        target_name: Label of the value axis.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If the study has no COMPLETE trial, a parameter does not exist, or a
            multi-objective study is given without ``target``.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_slice

            plot_slice(study, params=["lr"]).show()
    """
    go_ = go("plot_slice")
    data = slice_data(study, params, target, target_name)
    n = len(data.panels)
    layout = grid_layout(1, max(n, 1), gap=0.02)
    traces: list[dict[str, Any]] = []
    for k, panel in enumerate(data.panels):
        suffix = axis_id(k)
        refs = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        layout[f"xaxis{suffix}"].update(param_axis(panel.scale, panel.choices), title={"text": panel.name})
        if k > 0:
            layout[f"yaxis{suffix}"].update(matches="y", showticklabels=False)
        ok = panel.feasible
        marker = {
            "color": panel.numbers[ok], "colorscale": "Blues", "cmin": 0, "cmax": data.max_number, "size": 5,
            "showscale": k == n - 1, "colorbar": {"title": {"text": "Trial"}},
            "line": {"color": "grey", "width": 0.5},
        }
        traces.append({
            "type": scatter_type(int(ok.sum())), "x": panel.x[ok], "y": panel.y[ok], "mode": "markers",
            "name": panel.name, "marker": marker, "customdata": panel.numbers[ok], "showlegend": False,
            "hovertemplate": f"Trial %{{customdata}}<br>{panel.name}: %{{x}}<br>%{{y}}<extra></extra>", **refs,
        })
        if (~ok).any():
            traces.append({
                "type": scatter_type(int((~ok).sum())), "x": panel.x[~ok], "y": panel.y[~ok], "mode": "markers",
                "name": "Infeasible Trial", "marker": {"color": INFEASIBLE_COLOR, "size": 5}, "showlegend": False,
                **refs,
            })
    layout["yaxis"]["title"] = {"text": data.target_name}
    layout["title"] = title("Slice Plot")
    if n > 1:
        layout["width"] = max(600, 300 * n)
    return go_.Figure(data=traces, layout=layout)
