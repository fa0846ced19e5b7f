"""plot_hypervolume_history (plotly)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from albacore.visualization._data.hypervolume_history import hypervolume_history_data
from albacore.visualization._plotly import go, scatter_type, title

if TYPE_CHECKING:
    import plotly.graph_objects

    from albacore.trial._study_protocol import StudyReader


def plot_hypervolume_history(study: StudyReader, reference_point: Sequence[float]) -> plotly.graph_objects.Figure:
    """Plot the hypervolume of the feasible trials so far, after each COMPLETE trial.

    Args:
        study: A multi-objective study.
        reference_point: One value per objective, in the objectives' own directions (the
            worst corner of the measured region).

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: For a single-objective study, a study without COMPLETE trials, or a
            reference point of the wrong length or with non-finite values.
        ImportError: If plotly is not installed.

    Example:
        .. code-block:: python

            from albacore.visualization import plot_hypervolume_history

            plot_hypervolume_history(study, reference_point=[1.0, 1.0]).show()
    """
    go_ = go("plot_hypervolume_history")
    data = hypervolume_history_data(study, reference_point)
    trace = {
        "type": scatter_type(len(data.numbers)), "x": data.numbers, "y": data.hypervolumes,
        "mode": "lines+markers", "name": "Hypervolume",
    }
    layout = {
        "title": title("Hypervolume History Plot"), "xaxis": {"title": {"text": "Trial"}},
        "yaxis": {"title": {"text": "Hypervolume"}},
    }
    return go_.Figure(data=[trace], layout=layout)
