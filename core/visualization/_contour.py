"""plot_contour (plotly)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from albacore.visualization._data._trials import Target
from albacore.visualization._data.contour import ContourData, ContourPanel, contour_data
from albacore.visualization._plotly import INFEASIBLE_COLOR, axis_id, go, grid_layout, matrix_axes, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial._study_protocol import StudyReader


def plot_contour(
    study: StudyReader, params: list[str] | None = None, *, target: Target | None = None,
    target_name: str = "Objective Value",
) -> plotly.graph_objects.Figure:
    """Plot the objective as a contour over pairs of parameters.

    With two parameters one panel (first on x); with more, a matrix with parameter ``j`` on
    x and ``i`` on y in panel ``(i, j)`` and an empty diagonal. The surface is the mean
    feasible value per grid cell, empty cells interpolated; black markers are feasible
    trials, grey ones infeasible. A large study's markers are an even random sample (the
    surface still uses every trial) and the title says so.

    Args:
        study: The study.
        params: Parameters to plot, at least two (default: all, sorted).
        target: Value to plot, ``FrozenTrial -> float``; needed for a multi-objective study.
        target_name: Label of the colour bar.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If the study has no COMPLETE trial, fewer than two parameters are
            plotted, a parameter does not exist, or a multi-objective study is given
            without ``target``.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_contour

            plot_contour(study, params=["x", "y"]).show()
    """
    go_ = go("plot_contour")
    data = contour_data(study, params, target, target_name)
    names = data.params
    if len(names) == 2:
        cells = [(0, names[0], names[1])]
    else:
        cells = [(i * len(names) + j, x, y) for i, y in enumerate(names) for j, x in enumerate(names)]
    size = len(names) if len(names) > 2 else 1
    layout = grid_layout(size, size, gap=0.01 if size > 1 else 0.03)
    axes = {name: (a.scale, a.choices, a.range) for name, a in data.axes.items()}
    matrix_axes(layout, cells, size, axes)
    traces: list[dict[str, Any]] = []
    has_scale = False
    for k, x, y in cells:
        if x != y:
            panel = data.panels[(x, y)]
            traces.extend(_panel_traces(data, panel, axis_id(k), first=not has_scale))
            has_scale = has_scale or panel.z is not None
    layout.update(title=title("Contour Plot", data.notes), showlegend=False)
    if size > 1:
        layout.update(width=max(600, 180 * size), height=max(600, 180 * size))
    return go_.Figure(data=traces, layout=layout)


def _panel_traces(data: ContourData, panel: ContourPanel, suffix: str, first: bool) -> list[dict[str, Any]]:
    refs = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
    traces = []
    if panel.z is not None:
        traces.append({
            "type": "contour", "x": data.axes[panel.x].positions(), "y": data.axes[panel.y].positions(),
            "z": panel.z, "colorscale": "Blues", "reversescale": data.reverse_scale, "zmin": data.z_range[0],
            "zmax": data.z_range[1], "showscale": first, "colorbar": {"title": {"text": data.target_name}},
            "contours": {"coloring": "heatmap"}, "line": {"smoothing": 1.3}, "hoverinfo": "none", **refs,
        })
    traces.append({
        "type": "scatter", "x": panel.feasible_x, "y": panel.feasible_y, "mode": "markers",
        "name": "Feasible Trial", "marker": {"color": "black", "size": 3}, "hoverinfo": "skip", **refs,
    })
    if len(panel.infeasible_x):
        traces.append({
            "type": "scatter", "x": panel.infeasible_x, "y": panel.infeasible_y, "mode": "markers",
            "name": "Infeasible Trial", "marker": {"color": INFEASIBLE_COLOR, "size": 3}, "hoverinfo": "skip",
            **refs,
        })
    return traces
