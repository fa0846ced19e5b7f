"""Shared pieces of the plotly figures: the lazy import, colours, titles and panel grids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

from albacore._imports import require
from albacore.visualization._data._trials import MAX_POINTS

INFEASIBLE_COLOR = "#cccccc"
STATE_COLORS = {
    "COMPLETE": "#1f77b4",
    "INFEASIBLE": INFEASIBLE_COLOR,
    "PRUNED": "#ff7f0e",
    "FAIL": "#d62728",
    "RUNNING": "#2ca02c",
    "WAITING": "#7f7f7f",
}
RANK_COLORSCALE = "RdYlBu_r"


def go(feature: str) -> ModuleType:
    """``plotly.graph_objects``, or an ImportError naming the ``visualization`` extra."""
    require("plotly", extra="visualization", feature=feature)
    return require("plotly.graph_objects", extra="visualization", feature=feature)


def is_available() -> bool:
    """Whether plotly can be imported, so the ``albacore.visualization`` functions work.

    Returns:
        True when plotly is installed (``pip install 'albacore[visualization]'``).

    Example:
        .. code-block:: python

            from albacore import visualization

            if visualization.is_available():
                visualization.plot_optimization_history(study).show()
    """
    try:
        require("plotly", extra="visualization")
    except ImportError:
        return False
    return True


def scatter(go_module: ModuleType, n_points: int, **kwargs: Any) -> Any:
    """A Scatter trace, or the WebGL Scattergl one when there are many points."""
    cls = go_module.Scattergl if n_points > MAX_POINTS else go_module.Scatter
    return cls(**kwargs)


def scatter_type(n_points: int) -> str:
    """The trace type of a scatter of ``n_points`` (as :func:`scatter`), for dict traces."""
    return "scattergl" if n_points > MAX_POINTS else "scatter"


def title(text: str, notes: list[str] | None = None) -> dict[str, Any]:
    """A title whose smaller second line says what the figure leaves out."""
    if notes:
        text = f"{text}<br><sup>{'; '.join(notes)}</sup>"
    return {"text": text}


def axis_id(index: int) -> str:
    """Trace axis reference of panel ``index`` (0-based): ``"x"``, ``"x2"``, ..."""
    return "" if index == 0 else str(index + 1)


def grid_layout(n_rows: int, n_cols: int, gap: float = 0.03) -> dict[str, Any]:
    """Layout entries placing ``n_rows`` x ``n_cols`` panels, row 0 at the top."""
    layout: dict[str, Any] = {}
    width = (1.0 - gap * (n_cols - 1)) / n_cols
    height = (1.0 - gap * (n_rows - 1)) / n_rows
    for row in range(n_rows):
        for col in range(n_cols):
            k = row * n_cols + col
            suffix = axis_id(k)
            x0 = col * (width + gap)
            y1 = 1.0 - row * (height + gap)
            layout[f"xaxis{suffix}"] = {"domain": [x0, x0 + width], "anchor": f"y{suffix}"}
            layout[f"yaxis{suffix}"] = {"domain": [y1 - height, y1], "anchor": f"x{suffix}"}
    return layout


def param_axis(
    scale: str, choices: tuple[str, ...] = (), value_range: tuple[float, float] | None = None
) -> dict[str, Any]:
    """Axis settings for a parameter: log type, or choice labels at their indices."""
    axis: dict[str, Any] = {}
    if scale == "log":
        axis["type"] = "log"
    elif scale == "categorical":
        axis.update(tickmode="array", tickvals=list(range(len(choices))), ticktext=list(choices))
    if value_range is not None:
        axis["range"] = list(value_range)
    return axis


def matrix_axes(
    layout: dict[str, Any], cells: Sequence[tuple[int, str, str | None]], size: int,
    axes: Mapping[str, tuple[str, tuple[str, ...], tuple[float, float] | None]], value_name: str = "",
) -> None:
    """Set each panel's axes in ``layout``: scale and choices of its parameters (``None`` as y
    is the value axis, titled ``value_name``), titles on the outer panels only."""
    for k, x, y in cells:
        suffix = axis_id(k)
        row, col = divmod(k, size)
        layout[f"xaxis{suffix}"].update(param_axis(*axes[x]))
        if y is not None:
            layout[f"yaxis{suffix}"].update(param_axis(*axes[y]))
        if row == size - 1:
            layout[f"xaxis{suffix}"]["title"] = {"text": x}
        else:
            layout[f"xaxis{suffix}"]["showticklabels"] = False
        if col == 0:
            layout[f"yaxis{suffix}"]["title"] = {"text": y if y is not None else value_name}
        else:
            layout[f"yaxis{suffix}"]["showticklabels"] = False
