"""The plots of :mod:`albacore.visualization` drawn on matplotlib Axes.

Same names, arguments and data as the plotly functions; each returns the Axes it drew on
(an array of Axes for multi-panel contour, slice and rank plots). Needs the
``visualization`` extra; importing this module does not import matplotlib.

Example:
    .. code-block:: python

        from albacore.visualization.matplotlib import plot_optimization_history

        plot_optimization_history(study).figure.savefig("history.png")
"""

from albacore.visualization.matplotlib._common import is_available
from albacore.visualization.matplotlib._contour import plot_contour
from albacore.visualization.matplotlib._edf import plot_edf
from albacore.visualization.matplotlib._hypervolume_history import plot_hypervolume_history
from albacore.visualization.matplotlib._intermediate_values import plot_intermediate_values
from albacore.visualization.matplotlib._optimization_history import plot_optimization_history
from albacore.visualization.matplotlib._parallel_coordinate import plot_parallel_coordinate
from albacore.visualization.matplotlib._param_importances import plot_param_importances
from albacore.visualization.matplotlib._pareto_front import plot_pareto_front
from albacore.visualization.matplotlib._rank import plot_rank
from albacore.visualization.matplotlib._slice import plot_slice
from albacore.visualization.matplotlib._terminator_improvement import plot_terminator_improvement
from albacore.visualization.matplotlib._timeline import plot_timeline

__all__ = [
    "is_available",
    "plot_contour",
    "plot_edf",
    "plot_hypervolume_history",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_rank",
    "plot_slice",
    "plot_terminator_improvement",
    "plot_timeline",
]
