"""Plots of a study as plotly figures; ``albacore.visualization.matplotlib`` draws the same
plots on matplotlib Axes.

Both need the ``visualization`` extra (``pip install 'albacore[visualization]'``); without
plotly (or matplotlib) a plot function raises an ImportError naming it. Importing this
module imports neither.

Example:
    .. code-block:: python

        from albacore.visualization import plot_optimization_history

        plot_optimization_history(study).write_html("history.html")
"""

from albacore.visualization import matplotlib
from albacore.visualization._contour import plot_contour
from albacore.visualization._edf import plot_edf
from albacore.visualization._hypervolume_history import plot_hypervolume_history
from albacore.visualization._intermediate_values import plot_intermediate_values
from albacore.visualization._optimization_history import plot_optimization_history
from albacore.visualization._parallel_coordinate import plot_parallel_coordinate
from albacore.visualization._param_importances import plot_param_importances
from albacore.visualization._pareto_front import plot_pareto_front
from albacore.visualization._plotly import is_available
from albacore.visualization._rank import plot_rank
from albacore.visualization._slice import plot_slice
from albacore.visualization._terminator_improvement import plot_terminator_improvement
from albacore.visualization._timeline import plot_timeline

__all__ = [
    "is_available",
    "matplotlib",
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
