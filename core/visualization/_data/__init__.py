"""The figure data of every plot: plain numpy/Python structures, no plotting library.

The plotly figures, the matplotlib Axes and the dashboard draw from these functions.
"""

from albacore.visualization._data.contour import contour_data
from albacore.visualization._data.edf import edf_data
from albacore.visualization._data.hypervolume_history import hypervolume_history_data
from albacore.visualization._data.intermediate_values import intermediate_values_data
from albacore.visualization._data.optimization_history import optimization_history_data
from albacore.visualization._data.parallel_coordinate import parallel_coordinate_data
from albacore.visualization._data.param_importances import param_importances_data
from albacore.visualization._data.pareto_front import pareto_front_data
from albacore.visualization._data.rank import rank_data
from albacore.visualization._data.slice import slice_data
from albacore.visualization._data.terminator_improvement import terminator_improvement_data
from albacore.visualization._data.timeline import timeline_data

__all__ = [
    "contour_data",
    "edf_data",
    "hypervolume_history_data",
    "intermediate_values_data",
    "optimization_history_data",
    "parallel_coordinate_data",
    "param_importances_data",
    "pareto_front_data",
    "rank_data",
    "slice_data",
    "terminator_improvement_data",
    "timeline_data",
]
