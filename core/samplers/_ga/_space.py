"""Continuous encoding of numerical parameters for crossovers.

Float and int parameters become reals (log scale for log parameters); decoding rounds to
the parameter's grid and clips to its bounds.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from albacore.distributions import BaseDistribution, CategoricalDistribution
from albacore.samplers._transform import nearest_in_distribution


def is_numerical(distribution: BaseDistribution) -> bool:
    """Whether crossovers act on the parameter (float or int)."""
    return not isinstance(distribution, CategoricalDistribution)


def bounds(distribution: BaseDistribution) -> tuple[float, float]:
    """Bounds of a numerical distribution in the continuous encoding."""
    low, high = float(distribution.low), float(distribution.high)  # type: ignore[attr-defined]
    if distribution.log:  # type: ignore[attr-defined]
        return math.log(low), math.log(high)
    return low, high


def encode(value: Any, distribution: BaseDistribution) -> float:
    """External value of a numerical parameter -> its continuous encoding."""
    number = float(value)
    if distribution.log:  # type: ignore[attr-defined]
        return math.log(max(number, 1e-300))
    return number


def decode(x: float, distribution: BaseDistribution) -> Any:
    """Continuous encoding -> external value on the distribution's grid, within its bounds."""
    low, high = bounds(distribution)
    x = min(max(float(x), low), high)
    return nearest_in_distribution(math.exp(x) if distribution.log else x, distribution)  # type: ignore[attr-defined]


def bounds_array(distributions: list[BaseDistribution]) -> np.ndarray:
    """``(n, 2)`` bounds of several numerical distributions."""
    return np.array([bounds(d) for d in distributions], dtype=float).reshape(-1, 2)
