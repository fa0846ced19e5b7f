"""Shared pieces of the matplotlib plots: the lazy import, colours and parameter axes."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from albacore._imports import require

if TYPE_CHECKING:
    from matplotlib.axes import Axes

INFEASIBLE_COLOR = "#cccccc"
STATE_COLORS = {
    "COMPLETE": "tab:blue",
    "INFEASIBLE": INFEASIBLE_COLOR,
    "PRUNED": "tab:orange",
    "FAIL": "tab:red",
    "RUNNING": "tab:green",
    "WAITING": "tab:gray",
}


def plt(feature: str) -> ModuleType:
    """``matplotlib.pyplot``, or an ImportError naming the ``visualization`` extra."""
    require("matplotlib", extra="visualization", feature=feature)
    return require("matplotlib.pyplot", extra="visualization", feature=feature)


def is_available() -> bool:
    """Whether matplotlib can be imported, so the ``albacore.visualization.matplotlib``
    functions work.

    Returns:
        True when matplotlib is installed (``pip install 'albacore[visualization]'``).

    Example:
        .. code-block:: python

            from albacore.visualization import matplotlib as vis

            if vis.is_available():
                vis.plot_slice(study)
    """
    try:
        require("matplotlib", extra="visualization")
    except ImportError:
        return False
    return True


def set_title(ax: Any, text: str, notes: list[str] | None = None) -> None:
    """A title with a smaller line saying what the figure leaves out."""
    ax.set_title(text + ("\n" + "; ".join(notes) if notes else ""), fontsize=11 if notes else None)


def suptitle(fig: Any, text: str, notes: list[str] | None = None) -> None:
    fig.suptitle(text + ("\n" + "; ".join(notes) if notes else ""))


def param_axis(ax: Any, which: str, scale: str, choices: tuple[str, ...] = (), value_range: Any = None) -> None:
    """Log scale, or choice labels at their indices, on the ``"x"`` or ``"y"`` axis."""
    if scale == "log":
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    elif scale == "categorical":
        (ax.set_xticks if which == "x" else ax.set_yticks)(range(len(choices)), list(choices))
    if value_range is not None:
        low, high = value_range
        if scale == "log":
            low, high = 10.0**low, 10.0**high
        (ax.set_xlim if which == "x" else ax.set_ylim)(low, high)


def new_axes(feature: str, **kwargs: Any) -> Axes:
    """A new figure with one Axes."""
    _, ax = plt(feature).subplots(**kwargs)
    return cast("Axes", ax)
