"""plot_pareto_front (plotly)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable

from albacore.visualization._data.pareto_front import PointSet, pareto_front_data
from albacore.visualization._plotly import INFEASIBLE_COLOR, go, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial import FrozenTrial
    from albacore.trial._study_protocol import StudyReader


def plot_pareto_front(
    study: StudyReader,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> plotly.graph_objects.Figure:
    """Plot the COMPLETE trials of a 2- or 3-objective study in objective space.

    The Pareto front of the feasible trials is ``Best Trial`` (reds), the other feasible
    trials ``Trial`` (blues, darker = later), infeasible trials ``Infeasible Trial`` (grey).

    Args:
        study: A study with 2 or 3 objectives (any study when ``targets`` is given).
        target_names: Axis labels (default: the study's metric names, else ``Objective i``).
        include_dominated_trials: Also plot the trials off the front.
        constraints_func: ``FrozenTrial -> constraint values``; a trial is feasible when every
            value is <= 0. Default: the constraints stored on the trials.
        targets: ``FrozenTrial -> 2 or 3 values`` to plot instead of the objectives.

    Returns:
        A ``plotly.graph_objects.Figure`` (3D for three values).

    Raises:
        ValueError: If the study has no COMPLETE trial, does not have 2 or 3 objectives
            (without ``targets``), or ``target_names`` has the wrong length.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_pareto_front

            plot_pareto_front(study, target_names=["error", "latency"]).show()
    """
    go_ = go("plot_pareto_front")
    data = pareto_front_data(study, target_names, include_dominated_trials, constraints_func, targets)
    three = len(data.target_names) == 3
    traces = []
    if data.dominated is not None:
        traces.append(_trace(go_, data.dominated, "Trial", "Blues", three))
    traces.append(_trace(go_, data.best, "Best Trial", "Reds", three))
    if len(data.infeasible.numbers):
        traces.append(_trace(go_, data.infeasible, "Infeasible Trial", None, three))
    fig = go_.Figure(traces)
    names = data.target_names
    if three:
        fig.update_layout(scene={"xaxis_title": names[0], "yaxis_title": names[1], "zaxis_title": names[2]})
    else:
        fig.update_layout(xaxis_title=names[0], yaxis_title=names[1])
    fig.update_layout(title=title("Pareto-front Plot"))
    return fig


def _trace(go_: Any, points: PointSet, name: str, colorscale: str | None, three: bool) -> Any:
    if colorscale is None:
        marker: dict[str, Any] = {"color": INFEASIBLE_COLOR}
    else:
        marker = {"color": points.numbers, "colorscale": colorscale, "line": {"width": 0.5, "color": "Grey"}}
    columns = {"x": points.points[:, 0], "y": points.points[:, 1]}
    if three:
        return go_.Scatter3d(
            **columns, z=points.points[:, 2], mode="markers", name=name, marker={**marker, "size": 4},
            customdata=points.numbers, hovertemplate="Trial %{customdata}<extra></extra>",
        )
    cls = go_.Scattergl if len(points.numbers) > 2000 else go_.Scatter
    return cls(
        **columns, mode="markers", name=name, marker=marker, customdata=points.numbers,
        hovertemplate="Trial %{customdata}<br>(%{x}, %{y})<extra></extra>",
    )
