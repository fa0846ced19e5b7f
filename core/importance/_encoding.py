"""Encoding of trials as a design matrix for the forest-based evaluators.

A float or int parameter becomes one column in ``[0, 1]`` (log parameters in log space,
the space the samplers draw them from; an int or stepped parameter padded by half a step at
both ends, so that every value owns an equal share); a categorical parameter becomes one
indicator column per choice. The forest sees the columns; importances are reported per parameter by
grouping a categorical's columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from albacore.distributions import BaseDistribution, CategoricalDistribution
from albacore.samplers._transform import encoded_bounds
from albacore.trial._frozen import FrozenTrial


@dataclass
class Encoded:
    """A design matrix and how its columns map back to parameters.

    Attributes:
        x: ``(n_trials, n_columns)`` matrix.
        names: Parameter names, one per group.
        groups: Column indices of each parameter.
        categorical: Whether each parameter is categorical (its columns are indicators).
    """

    x: np.ndarray
    names: list[str]
    groups: list[np.ndarray]
    categorical: list[bool]


def encode(trials: Sequence[FrozenTrial], space: dict[str, BaseDistribution]) -> Encoded:
    """Encode ``trials`` (which all have every parameter of ``space``)."""
    names = list(space)
    columns: list[np.ndarray] = []
    groups: list[np.ndarray] = []
    categorical: list[bool] = []
    start = 0
    for name in names:
        dist = space[name]
        if isinstance(dist, CategoricalDistribution):
            index = np.array([dist.to_internal_repr(t.params[name]) for t in trials], dtype=int)
            onehot = np.zeros((len(trials), len(dist.choices)))
            onehot[np.arange(len(trials)), index] = 1.0
            columns.append(onehot)
            width = len(dist.choices)
            categorical.append(True)
        else:
            raw = np.array([t.params[name] for t in trials], dtype=float)
            # A grid parameter covers [low - step/2, high + step/2], so that its values weigh alike.
            low, high = encoded_bounds(dist)
            if dist.log:  # type: ignore[attr-defined]
                raw = np.log(raw)
            scaled = (raw - low) / (high - low) if high > low else np.zeros_like(raw)
            columns.append(np.clip(scaled, 0.0, 1.0)[:, None])
            width = 1
            categorical.append(False)
        groups.append(np.arange(start, start + width))
        start += width
    x = np.concatenate(columns, axis=1) if columns else np.zeros((len(trials), 0))
    return Encoded(x, names, groups, categorical)
