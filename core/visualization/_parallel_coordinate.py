"""plot_parallel_coordinate (plotly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.visualization._data._trials import Target
from albacore.visualization._data.parallel_coordinate import parallel_coordinate_data
from albacore.visualization._plotly import go, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial._study_protocol import StudyReader


def plot_parallel_coordinate(
    study: StudyReader, params: list[str] | None = None, *, target: Target | None = None,
    target_name: str = "Objective Value",
) -> plotly.graph_objects.Figure:
    """Plot each trial as a line across the objective and the parameters.

    Log-scaled parameters sit on log10 axes, categorical ones on their choices. Trials
    without every plotted parameter and infeasible trials are left out, and above 2,000
    trials an even random sample (best trial kept) is drawn; the title says so.

    Args:
        study: The study.
        params: Parameters to plot (default: all, sorted).
        target: Value to plot, ``FrozenTrial -> float``; needed for a multi-objective study.
        target_name: Label of the value axis and colour bar.

    Returns:
        A ``plotly.graph_objects.Figure`` holding one ``Parcoords`` trace.

    Raises:
        ValueError: If the study has no COMPLETE trial, a parameter does not exist, or a
            multi-objective study is given without ``target``.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_parallel_coordinate

            plot_parallel_coordinate(study, params=["lr", "layers"]).show()
    """
    go_ = go("plot_parallel_coordinate")
    data = parallel_coordinate_data(study, params, target, target_name)
    dimensions = [
        {"label": d.label, "values": d.values, "tickvals": d.tickvals, "ticktext": d.ticktext}
        for d in data.dimensions
    ]
    line = {
        "color": data.color, "colorscale": "Blues", "reversescale": data.reverse_scale,
        "showscale": True, "colorbar": {"title": {"text": target_name}},
    }
    fig = go_.Figure(go_.Parcoords(dimensions=dimensions, line=line, labelangle=30, labelside="bottom"))
    fig.update_layout(title=title("Parallel Coordinate Plot", data.notes))
    return fig
