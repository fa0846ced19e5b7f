"""plot_param_importances (plotly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.visualization._data._trials import Target
from albacore.visualization._data.param_importances import ParamImportancesData, param_importances_data
from albacore.visualization._plotly import go, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.importance import BaseImportanceEvaluator
    from albacore.trial._study_protocol import StudyReader


def plot_param_importances(
    study: StudyReader,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> plotly.graph_objects.Figure:
    """Plot each parameter's importance as a horizontal bar, the most important on top.

    Importances come from :func:`albacore.importance.get_param_importances` (normalized to
    sum to 1). A multi-objective study without ``target`` gets one set of bars per
    objective.

    Args:
        study: The study.
        evaluator: The importance evaluator (default: that of ``get_param_importances``).
        params: Parameters to assess (default: all).
        target: Value to explain, ``FrozenTrial -> float``.
        target_name: Name of that value in the legend.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If the study has no COMPLETE trial or a parameter does not exist.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_param_importances

            plot_param_importances(study).show()
    """
    go_ = go("plot_param_importances")
    data = param_importances_data(study, evaluator, params, target, target_name)
    traces = []
    for series in data.series:
        names = list(series.importances)[::-1]  # least important first: plotly draws bottom-up
        values = [series.importances[n] for n in names]
        traces.append(
            go_.Bar(
                x=values, y=names, orientation="h", name=series.name,
                text=[ParamImportancesData.label(v) for v in values], textposition="outside",
                hovertemplate="%{y}: %{x}<extra></extra>",
            )
        )
    fig = go_.Figure(traces)
    fig.update_layout(
        title=title("Hyperparameter Importances"), xaxis_title="Hyperparameter Importance",
        yaxis_title="Hyperparameter", showlegend=len(traces) > 1,
    )
    return fig
