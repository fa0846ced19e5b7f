"""A square grid of Axes for the contour and rank plots, built quickly for many panels."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from albacore.visualization.matplotlib._common import plt

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def axes_grid(feature: str, n: int) -> np.ndarray:
    """An ``n`` x ``n`` array of Axes (a 1 x 1 one for n == 1)."""
    pyplot = plt(feature)
    size = max(4.8, 1.6 * n)
    fig, axes = pyplot.subplots(n, n, figsize=(size + 1.2, size), squeeze=False)
    if n > 1:
        fig.subplots_adjust(wspace=0.08, hspace=0.08)
    return cast(np.ndarray, axes)


def label_edges(axes: np.ndarray, x_names: list[str], y_names: list[str]) -> None:
    """Axis titles on the outer panels, tick labels hidden on the inner ones (after the
    panels set their scales, which reset the formatters)."""
    from matplotlib.ticker import NullFormatter

    for j, name in enumerate(x_names):
        axes[-1, j].set_xlabel(name)
    for i, name in enumerate(y_names):
        axes[i, 0].set_ylabel(name)
    # A null formatter, unlike tick_params, does not build every Axes' ticks up front.
    for ax in axes[:-1, :].flat:
        ax.xaxis.set_major_formatter(NullFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
    for ax in axes[:, 1:].flat:
        ax.yaxis.set_major_formatter(NullFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())


def result(axes: np.ndarray) -> Axes | np.ndarray:
    """One Axes for a single panel, else the array (as Optuna returns)."""
    return cast("Axes", axes[0, 0]) if axes.size == 1 else axes
