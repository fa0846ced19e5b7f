"""Encoding of a search space for the GP: every parameter becomes one coordinate.

Float and int parameters map to ``[0, 1]`` (log parameters in log space; an int or stepped
parameter covers ``[low - step/2, high + step/2]`` so that every grid point owns an equal
share of the interval). A categorical parameter is stored as its choice index; the kernel
compares indices for equality only.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import numpy as np

from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from albacore.samplers._transform import nearest_in_distribution

CONTINUOUS, DISCRETE, CATEGORICAL = 0, 1, 2


class EncodedSpace:
    """The GP's view of a search space.

    Args:
        space: Name-sorted mapping from parameter name to distribution.
    """

    def __init__(self, space: dict[str, BaseDistribution]) -> None:
        self.names = list(space)
        self.dists = [space[n] for n in self.names]
        d = len(self.names)
        self.kinds = np.zeros(d, dtype=int)
        self.low, self.high = np.zeros(d), np.ones(d)
        self.n_grid = np.zeros(d, dtype=int)  # grid points of discrete dims, choices of categorical
        for i, dist in enumerate(self.dists):
            if isinstance(dist, CategoricalDistribution):
                self.kinds[i] = CATEGORICAL
                self.n_grid[i] = len(dist.choices)
                continue
            assert isinstance(dist, (FloatDistribution, IntDistribution))
            step = dist.step
            if dist.log:
                half = 0.5 if isinstance(dist, IntDistribution) else 0.0
                self.low[i], self.high[i] = math.log(dist.low - half), math.log(dist.high + half)
                self.kinds[i] = DISCRETE if isinstance(dist, IntDistribution) else CONTINUOUS
                if isinstance(dist, IntDistribution):
                    self.n_grid[i] = dist.high - dist.low + 1
            elif step is None:
                self.low[i], self.high[i] = dist.low, dist.high
            else:
                self.low[i], self.high[i] = dist.low - step / 2, dist.high + step / 2
                self.kinds[i] = DISCRETE
                self.n_grid[i] = int(round((dist.high - dist.low) / step)) + 1
        self.is_categorical = self.kinds == CATEGORICAL
        self.is_discrete = self.kinds == DISCRETE
        self.is_numeric = ~self.is_categorical
        self.key = hashlib.sha1(
            ";".join(f"{n}={distribution_to_json(dist)}" for n, dist in zip(self.names, self.dists)).encode()
        ).hexdigest()[:16]

    @property
    def dim(self) -> int:
        return len(self.names)

    def encode(self, params: dict[str, Any]) -> np.ndarray:
        """External parameter values -> encoded vector."""
        x = np.zeros(self.dim)
        for i, (name, dist) in enumerate(zip(self.names, self.dists)):
            if self.kinds[i] == CATEGORICAL:
                x[i] = dist.to_internal_repr(params[name])
                continue
            value = float(params[name])
            if dist.log:
                value = math.log(value)
            x[i] = (value - self.low[i]) / (self.high[i] - self.low[i])
        return np.where(self.is_categorical, x, np.clip(x, 0.0, 1.0))

    def round(self, x: np.ndarray) -> np.ndarray:
        """Snap the discrete coordinates of ``x`` (shape ``(..., d)``) onto their grids."""
        x = np.array(x, dtype=float, copy=True)
        for i in np.flatnonzero(self.is_discrete):
            x[..., i] = self.snap(i, x[..., i])
        for i in np.flatnonzero(self.is_categorical):
            x[..., i] = np.clip(np.round(x[..., i]), 0, self.n_grid[i] - 1)
        return x

    def snap(self, i: int, u: np.ndarray) -> np.ndarray:
        """Encoded coordinate of the grid point nearest to ``u`` in dimension ``i``."""
        dist = self.dists[i]
        t = self.low[i] + np.clip(u, 0.0, 1.0) * (self.high[i] - self.low[i])
        if dist.log:
            values = np.clip(np.round(np.exp(t)), dist.low, dist.high)
            return (np.log(values) - self.low[i]) / (self.high[i] - self.low[i])
        k = np.clip(np.round((t - dist.low) / dist.step), 0, self.n_grid[i] - 1)
        return (dist.low + k * dist.step - self.low[i]) / (self.high[i] - self.low[i])

    def grid_step(self, i: int, u: np.ndarray, direction: int) -> np.ndarray:
        """Encoded coordinate one grid point above (+1) or below (-1) ``u`` in dimension ``i``."""
        dist = self.dists[i]
        t = self.low[i] + np.clip(u, 0.0, 1.0) * (self.high[i] - self.low[i])
        if dist.log:
            values = np.clip(np.round(np.exp(t)) + direction, dist.low, dist.high)
            return (np.log(values) - self.low[i]) / (self.high[i] - self.low[i])
        k = np.clip(np.round((t - dist.low) / dist.step) + direction, 0, self.n_grid[i] - 1)
        return (dist.low + k * dist.step - self.low[i]) / (self.high[i] - self.low[i])

    def decode(self, x: np.ndarray) -> dict[str, Any]:
        """Encoded vector -> external parameter values, in range and on their grids."""
        out: dict[str, Any] = {}
        for i, (name, dist) in enumerate(zip(self.names, self.dists)):
            if self.kinds[i] == CATEGORICAL:
                out[name] = dist.to_external_repr(int(np.clip(round(x[i]), 0, self.n_grid[i] - 1)))
                continue
            t = self.low[i] + float(np.clip(x[i], 0.0, 1.0)) * (self.high[i] - self.low[i])
            out[name] = nearest_in_distribution(math.exp(t) if dist.log else t, dist)
        return out

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` uniform random encoded points, discrete coordinates on their grids."""
        x = rng.uniform(0.0, 1.0, (n, self.dim))
        for i in np.flatnonzero(self.is_categorical):
            x[:, i] = rng.integers(self.n_grid[i], size=n)
        return self.round(x)
