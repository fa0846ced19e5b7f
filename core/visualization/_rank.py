"""plot_rank (plotly)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from albacore.visualization._data._trials import Target
from albacore.visualization._data.rank import RankData, rank_data
from albacore.visualization._plotly import (
    INFEASIBLE_COLOR,
    RANK_COLORSCALE,
    axis_id,
    go,
    grid_layout,
    matrix_axes,
    scatter_type,
    title,
)

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial._study_protocol import StudyReader


def rank_cells(data: RankData) -> list[tuple[int, str, str | None]]:
    """(panel index, x param, y param) of each panel; ``None`` as y means the value axis."""
    names = data.params
    if len(names) == 1:
        return [(0, names[0], None)]
    if len(names) == 2:
        return [(0, names[0], names[1])]
    return [(i * len(names) + j, x, y) for i, y in enumerate(names) for j, x in enumerate(names)]


def plot_rank(
    study: StudyReader, params: list[str] | None = None, *, target: Target | None = None,
    target_name: str = "Objective Value",
) -> plotly.graph_objects.Figure:
    """Plot trials over pairs of parameters, coloured by the rank of their value.

    Colour 0 is the lowest value, 1 the highest (the colour bar names the quantiles);
    infeasible trials are grey. One parameter: the parameter against the value; two: one
    panel; more: a square matrix of every pair. Above 2,000 trials an even random sample is
    drawn and the title says so.

    Args:
        study: The study.
        params: Parameters to plot (default: all, sorted).
        target: Value to rank, ``FrozenTrial -> float``; needed for a multi-objective study.
        target_name: Name of the value in the title and hover text.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If the study has no COMPLETE trial, a parameter does not exist, or a
            multi-objective study is given without ``target``.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_rank

            plot_rank(study, params=["x", "y"]).show()
    """
    go_ = go("plot_rank")
    data = rank_data(study, params, target, target_name)
    cells = rank_cells(data)
    size = len(data.params) if len(data.params) > 2 else 1
    layout = grid_layout(size, size, gap=0.01 if size > 1 else 0.03)
    axes = {name: (a.scale, a.choices, None) for name, a in data.axes.items()}
    matrix_axes(layout, cells, size, axes, value_name=data.target_name)
    traces = [trace for k, x, y in cells for trace in _panel(data, x, y, axis_id(k))]
    traces.append(_colorbar(data))
    layout.update(title=title(f"Rank ({data.target_name})", data.notes), showlegend=False)
    if size > 1:
        layout.update(width=max(600, 180 * size), height=max(600, 180 * size))
    return go_.Figure(data=traces, layout=layout)


def _panel(data: RankData, x: str, y: str | None, suffix: str) -> list[dict[str, Any]]:
    x_axis = data.axes[x]
    rows = x_axis.present & (data.axes[y].present if y else True)
    xs = x_axis.values
    ys = data.axes[y].values if y else data.values
    traces = []
    for feasible in (True, False):
        mask = rows & (data.feasible == feasible)
        if not mask.any():
            continue
        marker: dict[str, Any] = {"size": 5, "line": {"color": "grey", "width": 0.5}}
        if feasible:
            marker.update(color=data.rank[mask], colorscale=RANK_COLORSCALE, cmin=0, cmax=1)
        else:
            marker["color"] = INFEASIBLE_COLOR
        traces.append({
            "type": scatter_type(int(mask.sum())), "x": xs[mask], "y": ys[mask], "mode": "markers",
            "marker": marker, "customdata": np.stack((data.numbers[mask], data.values[mask]), axis=1),
            "hovertemplate": f"Trial %{{customdata[0]}}<br>{data.target_name}: %{{customdata[1]}}<extra></extra>",
            "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
        })
    return traces


def _colorbar(data: RankData) -> dict[str, Any]:
    ticks = data.colorbar_ticks
    return {
        "type": "scatter", "x": [None], "y": [None], "mode": "markers", "hoverinfo": "none", "showlegend": False,
        "marker": {
            "color": [0, 1], "colorscale": RANK_COLORSCALE, "cmin": 0, "cmax": 1, "showscale": True,
            "colorbar": {"thickness": 10, "tickvals": [t for t, _ in ticks], "ticktext": [s for _, s in ticks]},
        },
    }
