"""plot_edf (plotly)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from albacore.visualization._data._trials import Target
from albacore.visualization._data.edf import edf_data
from albacore.visualization._plotly import go, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial._study_protocol import StudyReader


def plot_edf(
    study: StudyReader | Sequence[StudyReader], *, target: Target | None = None, target_name: str = "Objective Value"
) -> plotly.graph_objects.Figure:
    """Plot the empirical distribution function of the objective values of one or more studies.

    Each curve gives, for a value ``x``, the fraction of the study's feasible COMPLETE
    trials whose value is at most ``x``; all curves share one x grid.

    Args:
        study: A study or several studies (one curve each, named by study).
        target: Value to plot, ``FrozenTrial -> float``; needed for multi-objective studies.
        target_name: Label of the x axis.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If a study has no feasible COMPLETE trial, or a multi-objective study
            is given without ``target``.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_edf

            plot_edf([study_tpe, study_random]).show()
    """
    go_ = go("plot_edf")
    data = edf_data(study, target, target_name)
    traces = [{"type": "scatter", "x": data.x, "y": y, "mode": "lines", "name": name} for name, y in data.curves]
    layout = {
        "title": title("Empirical Distribution Function Plot"), "xaxis": {"title": {"text": data.target_name}},
        "yaxis": {"title": {"text": "Cumulative Probability"}, "range": [0, 1]},
    }
    return go_.Figure(data=traces, layout=layout)
