"""Conversions between parameter values and continuous coordinates, shared by samplers.

- :func:`unit_to_external` maps a coordinate in [0, 1) to a value of a distribution, every
  value of a discrete distribution equally likely (random and quasi-random sampling).
- :func:`nearest_in_distribution` rounds a number to the closest value a float or int
  distribution holds (samplers that search a continuous space: CMA-ES, GP, genetic).
"""

from __future__ import annotations

import math
from typing import Any

from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

_KINDS = (FloatDistribution, IntDistribution, CategoricalDistribution)


def distribution_kind(distribution: BaseDistribution) -> type:
    """The distribution's class among the three kinds (a cheap exact-type check first)."""
    kind = type(distribution)
    if kind in _KINDS:
        return kind
    for base in _KINDS:
        if isinstance(distribution, base):
            return base
    raise TypeError(f"unsupported distribution {distribution!r}")


def unit_to_external(u: float, distribution: BaseDistribution) -> Any:
    """Map ``u`` in [0, 1) to an external value of ``distribution``.

    Equal-width cells of the unit interval map to the values of discrete distributions, so
    every value is equally likely; log distributions are spaced evenly in log scale.
    """
    u = min(max(float(u), 0.0), math.nextafter(1.0, 0.0))
    kind = distribution_kind(distribution)
    if kind is CategoricalDistribution:
        choices = distribution.choices  # type: ignore[attr-defined]
        return choices[int(u * len(choices))]
    low, high = distribution.low, distribution.high  # type: ignore[attr-defined]
    if kind is IntDistribution:
        if distribution.log:  # type: ignore[attr-defined]
            log_low, log_high = math.log(low - 0.5), math.log(high + 0.5)
            value = int(round(math.exp(log_low + u * (log_high - log_low))))
            return min(max(value, low), high)
        step = distribution.step  # type: ignore[attr-defined]
        return low + int(u * ((high - low) // step + 1)) * step
    step = distribution.step  # type: ignore[attr-defined]
    if distribution.log:  # type: ignore[attr-defined]
        value = math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
    elif step is not None:
        value = low + int(u * (int(round((high - low) / step)) + 1)) * step
    else:
        value = low + u * (high - low)
    return float(min(max(value, low), high))


def nearest_in_distribution(value: float, distribution: BaseDistribution) -> int | float:
    """The value of a float or int ``distribution`` closest to ``value`` (linear scale).

    The result lies within the bounds and, for stepped or int distributions, on the grid
    ``low + k * step``.
    """
    low, high = distribution.low, distribution.high  # type: ignore[attr-defined]
    if distribution_kind(distribution) is IntDistribution:
        k = round((value - low) / distribution.step)  # type: ignore[attr-defined]
        return int(min(max(low + k * distribution.step, low), high))  # type: ignore[attr-defined]
    step = distribution.step  # type: ignore[attr-defined]
    if step is not None:
        k = round((value - low) / step)
        return float(min(max(low + k * step, low), high))
    return float(min(max(value, low), high))
