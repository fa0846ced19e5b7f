"""Conversions between parameter values and continuous coordinates, shared by samplers.

- :func:`unit_to_external` maps a coordinate in [0, 1) to a value of a distribution, every
  value of a discrete distribution equally likely (random and quasi-random sampling).
- :func:`nearest_in_distribution` rounds a number to the closest value a float or int
  distribution holds (samplers that search a continuous space: CMA-ES, GP, genetic).
- :func:`to_encoded` and :func:`from_encoded` move a float or int value to and from the
  encoded scale (the log of the value for log parameters), and :func:`value_bounds` gives
  the values' own bounds there (the box genetic crossovers and mutations work in).
- :func:`encoded_bounds`, :func:`to_unit` and :func:`from_unit` place a float or int
  parameter on the unit interval of a box (the coordinates CMA-ES, GP and TPE search), and
  :func:`space_key` names a search space in the trial attributes samplers write.

Every sampler and evaluator that encodes a search space takes its scale, bounds and
rounding rules from here.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np

from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
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
    if distribution.log:  # type: ignore[attr-defined]
        log_low, log_high = encoded_bounds(distribution)
        value = math.exp(log_low + u * (log_high - log_low))
        if kind is IntDistribution:
            return min(max(int(round(value)), low), high)
        return float(min(max(value, low), high))
    step = distribution.step  # type: ignore[attr-defined]
    if kind is IntDistribution:
        return low + int(u * cast(int, grid_size(distribution))) * step
    if step is not None:
        value = low + int(u * cast(int, grid_size(distribution))) * step
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


def grid_size(distribution: BaseDistribution) -> int | None:
    """How many values a float or int distribution holds: ints (log ints too) and stepped
    floats hold ``(high - low) / step + 1`` (their bounds lie on the grid); None for a
    float without ``step``."""
    if distribution_kind(distribution) is IntDistribution:
        ints = cast(IntDistribution, distribution)
        return (ints.high - ints.low) // ints.step + 1
    floats = cast(FloatDistribution, distribution)
    if floats.step is None:
        return None
    return int(round((floats.high - floats.low) / floats.step)) + 1


def grid_step(distribution: BaseDistribution) -> float | int | None:
    """The step of a float or int distribution's grid in linear scale; None if continuous or log."""
    numeric = cast("FloatDistribution | IntDistribution", distribution)
    if numeric.log:
        return None
    return numeric.step


def to_encoded(value: Any, distribution: BaseDistribution) -> float:
    """External value of a float or int parameter -> the encoded scale (its log if log)."""
    t = float(value)
    return math.log(t) if distribution.log else t  # type: ignore[attr-defined]


def from_encoded(t: float, distribution: BaseDistribution) -> int | float:
    """A number in the encoded scale -> the nearest value of a float or int ``distribution``."""
    return nearest_in_distribution(math.exp(t) if distribution.log else t, distribution)  # type: ignore[attr-defined]


def value_bounds(distribution: BaseDistribution) -> tuple[float, float]:
    """``low`` and ``high`` of a float or int parameter in the encoded scale, not widened."""
    return to_encoded(distribution.low, distribution), to_encoded(distribution.high, distribution)  # type: ignore[attr-defined]


def encoded_bounds(distribution: BaseDistribution, *, widen: bool = True) -> tuple[float, float]:
    """Bounds of a float or int parameter in the encoded scale (the log of the value if log).

    With ``widen``, a grid (an int, a stepped float; for log ints the integers) covers
    ``[low - step/2, high + step/2]``, so that each grid point owns an equal share of the
    interval once mapped to the unit interval. Without, a linear grid keeps ``[low, high]``
    (CMA-ES with margin is given the grid itself); log ints are widened either way.
    """
    low, high = distribution.low, distribution.high  # type: ignore[attr-defined]
    if distribution.log:  # type: ignore[attr-defined]
        half = 0.5 if distribution_kind(distribution) is IntDistribution else 0.0
        return math.log(low - half), math.log(high + half)
    step = distribution.step  # type: ignore[attr-defined]
    if step is None or not widen:
        return float(low), float(high)
    return low - step / 2, high + step / 2


def to_unit(value: Any, distribution: BaseDistribution, low: float, high: float) -> float:
    """External ``value`` -> its coordinate in [0, 1] between the encoded ``low`` and ``high``."""
    return min(max((to_encoded(value, distribution) - low) / (high - low), 0.0), 1.0)


def to_unit_array(
    values: Sequence[float], distributions: Sequence[BaseDistribution], low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """:func:`to_unit` of one value per distribution at once (one point of a box)."""
    t = np.array(values, dtype=float)
    logs = np.array([d.log for d in distributions], dtype=np.bool_)  # type: ignore[attr-defined]
    t[logs] = np.log(t[logs])
    return cast(np.ndarray, np.clip((t - low) / (high - low), 0.0, 1.0))


def from_unit(u: float, distribution: BaseDistribution, low: float, high: float) -> int | float:
    """Coordinate ``u`` (clipped to [0, 1]) -> the nearest value of ``distribution``."""
    return from_encoded(low + min(max(float(u), 0.0), 1.0) * (high - low), distribution)


def space_key(search_space: Mapping[str, BaseDistribution], suffix: str = "") -> str:
    """A short stable name of ``search_space`` (order and distributions) plus ``suffix``.

    Samplers store it beside a point they drew, and read the point back only under the same
    key, so a point is never decoded in another space. ``suffix`` names encoding options.
    """
    text = ";".join(f"{name}={distribution_to_json(dist)}" for name, dist in search_space.items())
    return hashlib.sha1((text + suffix).encode()).hexdigest()[:16]
