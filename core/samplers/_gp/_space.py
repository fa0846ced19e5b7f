"""Encoding of a search space for the GP: every parameter becomes one coordinate.

Float and int parameters map to ``[0, 1]`` (log parameters in log space; an int or stepped
parameter covers ``[low - step/2, high + step/2]`` so that every grid point owns an equal
share of the interval). A categorical parameter is stored as its choice index; the kernel
compares indices for equality only.

Conditional parameters (absent from some trials) are encoded too: an absent numeric
parameter is ``NaN`` and an absent categorical one the extra index ``len(choices)``. The
kernel (:mod:`._kernel`) gives absence its own place in the input space, so trials of
different branches of a conditional space are modelled by one GP.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np

from albacore.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.samplers._transform import encoded_bounds, from_unit, grid_size, space_key, to_unit
from albacore.trial._frozen import FrozenTrial

CONTINUOUS, DISCRETE, CATEGORICAL = 0, 1, 2


@functools.lru_cache(maxsize=32)
def _sobol(d: int, n: int) -> np.ndarray:
    """The first ``n`` points of the unscrambled ``d``-dimensional Sobol sequence (read-only)."""
    from scipy.stats import qmc

    m = max(int(math.ceil(math.log2(max(n, 2)))), 1)
    points = qmc.Sobol(d, scramble=False).random_base2(m)[:n] if d <= 21201 else np.random.default_rng(0).uniform(
        size=(n, d))
    points.setflags(write=False)
    return points


class EncodedSpace:
    """The GP's view of a search space.

    Args:
        space: Name-sorted mapping from parameter name to distribution.
        conditional: Names of the parameters that some trials lack.
    """

    def __init__(self, space: dict[str, BaseDistribution], conditional: Sequence[str] = ()) -> None:
        self.names = list(space)
        self.dists = [space[n] for n in self.names]
        d = len(self.names)
        self.kinds = np.zeros(d, dtype=int)
        self.low, self.high = np.zeros(d), np.ones(d)
        self.n_grid = np.zeros(d, dtype=int)  # grid points of discrete dims, choices of categorical
        for i, dist in enumerate(self.dists):
            self._add(i, dist)
        self.is_categorical = self.kinds == CATEGORICAL
        self.is_discrete = self.kinds == DISCRETE
        self.is_numeric = ~self.is_categorical
        self.is_conditional = np.array([n in set(conditional) for n in self.names], dtype=bool)
        self.key = space_key(space, "|" + ",".join(sorted(conditional)))

    def _add(self, i: int, dist: BaseDistribution) -> None:
        if isinstance(dist, CategoricalDistribution):
            self.kinds[i] = CATEGORICAL
            self.n_grid[i] = len(dist.choices)
            return
        numeric = cast("FloatDistribution | IntDistribution", dist)
        self.low[i], self.high[i] = encoded_bounds(numeric)
        n_values = grid_size(numeric)  # ints (log ones too) and stepped floats are discrete
        if n_values is not None:
            self.kinds[i] = DISCRETE
            self.n_grid[i] = n_values

    @property
    def dim(self) -> int:
        return len(self.names)

    def encode(self, params: dict[str, Any]) -> np.ndarray:
        """External parameter values -> encoded vector (absent parameters as described above)."""
        x = np.zeros(self.dim)
        for i, (name, dist) in enumerate(zip(self.names, self.dists)):
            if name not in params:
                x[i] = self.n_grid[i] if self.kinds[i] == CATEGORICAL else np.nan
            elif self.kinds[i] == CATEGORICAL:
                x[i] = dist.to_internal_repr(params[name])
            else:
                x[i] = to_unit(params[name], dist, self.low[i], self.high[i])
        return x

    def grid(self, i: int) -> np.ndarray:
        """Encoded coordinates of every value of discrete dimension ``i`` (choices if categorical)."""
        if self.kinds[i] == CATEGORICAL:
            return np.arange(self.n_grid[i], dtype=float)
        dist = cast("FloatDistribution | IntDistribution", self.dists[i])
        if dist.log:
            values = np.arange(dist.low, dist.high + 1, dtype=np.float64)
            return cast(np.ndarray, (np.log(values) - self.low[i]) / (self.high[i] - self.low[i]))
        values = dist.low + cast(float, dist.step) * np.arange(self.n_grid[i])
        return cast(np.ndarray, (values - self.low[i]) / (self.high[i] - self.low[i]))

    def snap(self, i: int, u: np.ndarray) -> np.ndarray:
        """Encoded coordinate of the grid point nearest to ``u`` in discrete dimension ``i``."""
        return cast(np.ndarray, self.grid(i)[self.grid_index(i, u)])

    def grid_index(self, i: int, u: np.ndarray) -> np.ndarray:
        """Index of the grid point nearest to ``u`` in discrete dimension ``i``."""
        dist = cast("FloatDistribution | IntDistribution", self.dists[i])
        t = self.low[i] + np.clip(u, 0.0, 1.0) * (self.high[i] - self.low[i])
        if dist.log:
            k = np.round(np.exp(t)) - dist.low
        else:
            k = np.round((t - dist.low) / cast(float, dist.step))
        return cast(np.ndarray, np.clip(np.nan_to_num(k), 0, self.n_grid[i] - 1).astype(int))

    def round(self, x: np.ndarray) -> np.ndarray:
        """Snap the discrete coordinates of ``x`` (shape ``(..., d)``) onto their grids (NaN kept)."""
        x = np.array(x, dtype=float, copy=True)
        for i in np.flatnonzero(self.is_discrete).tolist():
            col = x[..., i]
            x[..., i] = np.where(np.isnan(col), np.nan, self.snap(i, col))
        return x

    def decode(self, x: np.ndarray) -> dict[str, Any]:
        """Encoded vector -> external values of the parameters present in it, in range and on grids."""
        out: dict[str, Any] = {}
        for i, (name, dist) in enumerate(zip(self.names, self.dists)):
            if self.kinds[i] == CATEGORICAL:
                index = int(round(x[i]))
                if index < self.n_grid[i]:
                    out[name] = dist.to_external_repr(max(index, 0))
                continue
            if not np.isnan(x[i]):
                out[name] = from_unit(x[i], dist, self.low[i], self.high[i])
        return out

    def sample(self, rng: np.random.Generator, n: int, template: np.ndarray | None = None,
               choices: list[np.ndarray | None] | None = None) -> np.ndarray:
        """``n`` quasi-random encoded points, discrete coordinates on their grids.

        Args:
            rng: Random generator (draws the shift of the Sobol points).
            n: Number of points.
            template: Encoded row whose absent coordinates the points keep absent.
            choices: Per dimension, the categorical indices allowed (None: all).
        """
        u = (_sobol(self.dim, n) + rng.uniform(size=self.dim)) % 1.0  # a randomly shifted Sobol set
        x = u.copy()
        for i in np.flatnonzero(self.is_categorical):
            given = None if choices is None else choices[i]
            allowed = np.arange(self.n_grid[i]) if given is None else given
            x[:, i] = allowed[np.minimum((u[:, i] * len(allowed)).astype(int), len(allowed) - 1)]
        if template is not None:
            absent = self.absent(template)
            x[:, absent] = template[absent]
        return self.round(x)

    def absent(self, x: np.ndarray) -> np.ndarray:
        """Boolean mask of the absent coordinates of ``x`` (shape ``(..., d)``)."""
        return np.where(self.is_categorical, x >= self.n_grid, np.isnan(x))


class UnionSearchSpace:
    """The parameters of a study's finished trials, incrementally maintained.

    A parameter belongs to the union when every trial that has it had the same
    distribution; one whose distribution changed is left to the independent sampler.
    Finished trials never change, so each update only reads trials it has not seen.
    """

    def __init__(self) -> None:
        self._seen: set[int] = set()
        self._dists: dict[str, BaseDistribution] = {}
        self._conflicting: set[str] = set()

    def update(self, trials: Iterable[FrozenTrial]) -> dict[str, BaseDistribution]:
        """Add the unseen ``trials``; return the name-sorted union."""
        for t in trials:
            if t.number in self._seen:
                continue
            self._seen.add(t.number)
            for name, dist in t.distributions.items():
                known = self._dists.setdefault(name, dist)
                if known != dist:
                    self._conflicting.add(name)
        return {n: self._dists[n] for n in sorted(self._dists) if n not in self._conflicting}
