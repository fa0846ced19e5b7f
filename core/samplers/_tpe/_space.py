"""Encoding of a search space into the unit cube the Parzen estimators work in.

Numeric parameters map to ``[0, 1]``: log-scaled ones through the logarithm, discrete ones
(ints and stepped floats) with the interval widened by half a step on each side so every
grid value owns a bin of equal width. Categorical parameters are kept as choice indices.
"""

from __future__ import annotations

from typing import Any, Callable, cast

import numpy as np

from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from albacore.samplers._transform import encoded_bounds


class _Numeric:
    """One numeric dimension: affine map of (log) values onto [0, 1], and its grid."""

    def __init__(self, dist: FloatDistribution | IntDistribution) -> None:
        self.dist = dist
        self.log = dist.log
        step = dist.step if not dist.log else (1 if isinstance(dist, IntDistribution) else None)
        self.step = None if step is None else float(step)
        self.is_int = isinstance(dist, IntDistribution)
        lo, hi = encoded_bounds(dist)
        self.lo, self.width = lo, hi - lo

    def _forward(self, values: np.ndarray) -> np.ndarray:
        raw = np.log(values) if self.log else values
        return (raw - self.lo) / self.width

    def encode(self, internal: np.ndarray) -> np.ndarray:
        return self._forward(np.asarray(internal, dtype=float))

    def decode(self, z: np.ndarray) -> np.ndarray:
        """Unit-cube coordinates to values (snapped to the grid for discrete dimensions)."""
        raw = self.lo + np.clip(z, 0.0, 1.0) * self.width
        values = np.exp(raw) if self.log else raw
        low, high = self.dist.low, self.dist.high
        if self.step is not None:
            values = low + np.round((values - low) / self.step) * self.step
        return cast(np.ndarray, np.clip(values, low, high))

    def bins(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Unit-cube edges of the grid bins holding ``values`` (None for continuous ones)."""
        if self.step is None:
            return None
        half = self.step / 2.0
        return self._forward(values - half), self._forward(values + half)


class SpaceCodec:
    """Converts rows of internal parameter values to (numeric unit-cube, categorical) arrays.

    Args:
        space: Name-ordered parameters (none may hold a single value).
        categorical_distance_func: Optional mapping from a categorical parameter's name to a
            ``func(choice_a, choice_b) -> float`` distance between its choices.
    """

    def __init__(
        self,
        space: dict[str, BaseDistribution],
        categorical_distance_func: dict[str, Callable[[Any, Any], float]] | None = None,
    ) -> None:
        self.space = space
        self.names = list(space)
        self.numeric_names = [n for n, d in space.items() if not isinstance(d, CategoricalDistribution)]
        self.categorical_names = [n for n, d in space.items() if isinstance(d, CategoricalDistribution)]
        self.numeric = [_Numeric(space[n]) for n in self.numeric_names]  # type: ignore[arg-type]
        self.n_choices = [len(space[n].choices) for n in self.categorical_names]  # type: ignore[attr-defined]
        funcs = categorical_distance_func or {}
        self.distances: list[np.ndarray | None] = []
        for name in self.categorical_names:
            func = funcs.get(name)
            choices = space[name].choices  # type: ignore[attr-defined]
            if func is None:
                self.distances.append(None)
            else:
                self.distances.append(np.array([[float(func(a, b)) for b in choices] for a in choices]))

    @property
    def n_dims(self) -> int:
        return len(self.names)

    def encode(self, columns: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Internal value columns (name -> array) to ``(Z, C)`` arrays of shape (rows, dims)."""
        n = len(next(iter(columns.values()))) if columns else 0
        z = np.empty((n, len(self.numeric)))
        for j, (name, dim) in enumerate(zip(self.numeric_names, self.numeric)):
            z[:, j] = dim.encode(columns[name])
        c = np.empty((n, len(self.categorical_names)), dtype=int)
        for j, name in enumerate(self.categorical_names):
            c[:, j] = columns[name].astype(int)
        return z, c

    def snap(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Snap unit-cube candidates onto each dimension's grid.

        Returns:
            ``(values, z_snapped)``: internal values and their unit-cube coordinates.
        """
        values = np.empty_like(z)
        snapped = np.empty_like(z)
        for j, dim in enumerate(self.numeric):
            values[:, j] = dim.decode(z[:, j])
            snapped[:, j] = dim.encode(values[:, j]) if dim.step is not None else z[:, j]
        return values, snapped

    def bin_edges(self, values: np.ndarray) -> list[tuple[np.ndarray, np.ndarray] | None]:
        """Per numeric dimension, the unit-cube bin edges of ``values`` (None if continuous)."""
        return [dim.bins(values[:, j]) for j, dim in enumerate(self.numeric)]

    def to_params(self, values: np.ndarray, cats: np.ndarray) -> dict[str, Any]:
        """One candidate (numeric values, category indices) to external parameter values."""
        params: dict[str, Any] = {}
        for j, (name, dim) in enumerate(zip(self.numeric_names, self.numeric)):
            value = float(values[j])
            params[name] = int(round(value)) if dim.is_int else value
        for j, name in enumerate(self.categorical_names):
            params[name] = self.space[name].choices[int(cats[j])]  # type: ignore[attr-defined]
        return params
