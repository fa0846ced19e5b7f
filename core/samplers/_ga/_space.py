"""Continuous encoding of numerical parameters for crossovers.

Float and int parameters become reals in the encoded scale of
:mod:`albacore.samplers._transform` (the log of the value for log parameters) between the
values' own bounds there (not widened: a crossover's box is ``[low, high]``); decoding
rounds to the parameter's grid and clips to its bounds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from albacore.distributions import BaseDistribution, CategoricalDistribution
from albacore.samplers._transform import from_encoded, to_encoded, value_bounds


def is_numerical(distribution: BaseDistribution) -> bool:
    """Whether crossovers act on the parameter (float or int)."""
    return not isinstance(distribution, CategoricalDistribution)


def bounds(distribution: BaseDistribution) -> tuple[float, float]:
    """Bounds of a numerical distribution in the continuous encoding."""
    return value_bounds(distribution)


def encode(value: Any, distribution: BaseDistribution) -> float:
    """External value of a numerical parameter -> its continuous encoding.

    A log parameter's value at or below zero (enqueued outside the range) encodes as the log
    of 1e-300 rather than failing.
    """
    if distribution.log:  # type: ignore[attr-defined]
        return to_encoded(max(float(value), 1e-300), distribution)
    return to_encoded(value, distribution)


def decode(x: float, distribution: BaseDistribution) -> Any:
    """Continuous encoding -> external value on the distribution's grid, within its bounds."""
    low, high = bounds(distribution)
    return from_encoded(min(max(float(x), low), high), distribution)


def bounds_array(distributions: list[BaseDistribution]) -> np.ndarray:
    """``(n, 2)`` bounds of several numerical distributions."""
    return np.array([bounds(d) for d in distributions], dtype=float).reshape(-1, 2)
