"""Finite search spaces: their points, and the ones no trial has had yet.

A space is finite when every parameter is categorical or on a grid (ints, stepped floats).
Samplers that breed or perturb configurations (NSGA-II) use these helpers to prefer a
configuration that no finished or running trial has had, while one remains. A
configuration is a tuple of grid indices in the space's name order (so stepped floats that
differ in the last bit of their arithmetic are still one point).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import Any, cast

import numpy as np

from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from albacore.samplers._transform import grid_size
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

#: Finite spaces up to this many points are enumerated to find an unseen one.
ENUMERATE_LIMIT = 4096

Config = tuple[Any, ...]


def grid_values(distribution: BaseDistribution) -> list[Any] | None:
    """Every value ``distribution`` can take, in order; None if it is continuous."""
    if isinstance(distribution, CategoricalDistribution):
        return list(distribution.choices)
    if isinstance(distribution, IntDistribution):
        return list(range(distribution.low, distribution.high + 1, distribution.step))
    if isinstance(distribution, FloatDistribution) and distribution.step is not None:
        n = cast(int, grid_size(distribution))  # the last point may overshoot high by rounding: clamp it
        return [min(float(distribution.low + k * distribution.step), distribution.high) for k in range(n)]
    return None


def space_size(space: dict[str, BaseDistribution]) -> int | None:
    """The number of points of a finite space; None if a parameter is continuous."""
    sizes = []
    for distribution in space.values():
        values = grid_values(distribution)
        if values is None:
            return None
        sizes.append(len(values))
    return math.prod(sizes)


def covers_trials(space: dict[str, BaseDistribution], trials: Iterable[FrozenTrial]) -> bool:
    """Whether ``space`` holds every parameter of ``trials`` that can take several values."""
    for trial in trials:
        for name, distribution in trial.distributions.items():
            if name not in space and not distribution.single():
                return False
    return True


def _index(distribution: BaseDistribution, value: Any) -> Any:
    """The grid index of ``value`` (a value off the grid gets its nearest index, or itself)."""
    if isinstance(distribution, CategoricalDistribution):
        try:
            return distribution.choices.index(value)
        except ValueError:
            return ("off", value)
    numeric = cast("IntDistribution | FloatDistribution", distribution)
    return int(round((value - numeric.low) / cast(float, numeric.step)))


def config_of(space: dict[str, BaseDistribution], params: dict[str, Any]) -> Config:
    """``params`` (holding every parameter of the finite ``space``) as a configuration."""
    return tuple(_index(distribution, params[name]) for name, distribution in space.items())


def seen_configs(space: dict[str, BaseDistribution], trials: Iterable[FrozenTrial]) -> set[Config]:
    """Configurations of the finite ``space`` held by trials that are not FAIL (running ones included)."""
    seen = set()
    for trial in trials:
        if trial.state != TrialState.FAIL and all(name in trial.params for name in space):
            seen.add(config_of(space, trial.params))
    return seen


def random_unseen(
    space: dict[str, BaseDistribution], seen: set[Config], rng: np.random.Generator
) -> dict[str, Any] | None:
    """A configuration drawn uniformly among the unseen ones of a finite space of at most
    ``ENUMERATE_LIMIT`` points; None if it is larger, continuous, or fully seen."""
    size = space_size(space)
    if size is None or size > ENUMERATE_LIMIT or len(seen) >= size:
        return None
    axes = [grid_values(distribution) or [] for distribution in space.values()]
    left = [config for config in itertools.product(*(range(len(axis)) for axis in axes)) if config not in seen]
    if not left:
        return None
    chosen = left[int(rng.integers(len(left)))]
    return {name: axis[k] for name, axis, k in zip(space, axes, chosen)}
