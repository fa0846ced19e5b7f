"""Properties of the distributions: validation, grids, internal <-> external, JSON."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from albacore.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
    json_to_distribution,
)

# Magnitudes of hyperparameters: up to 1e6 (with steps down to 1e-3), where float rounding
# stays well below a step.
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-12, max_value=1e12, allow_nan=False, allow_infinity=False)
choice = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53), 2**53), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)


@st.composite
def float_distributions(draw: st.DrawFn) -> FloatDistribution:
    kind = draw(st.sampled_from(["plain", "log", "step"]))
    if kind == "log":
        low, high = sorted([draw(positive), draw(positive)])
        return FloatDistribution(low, high, log=True)
    low = draw(finite)
    if kind == "plain":
        return FloatDistribution(low, low + draw(st.floats(0, 1e6)))
    step = draw(st.sampled_from([0.001, 0.1, 0.25, 0.5, 1.0, 3.0]))
    n_steps = draw(st.integers(0, 1000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return FloatDistribution(low, low + n_steps * step + draw(st.floats(0, step * 0.999)), step=step)


@st.composite
def int_distributions(draw: st.DrawFn) -> IntDistribution:
    if draw(st.booleans()):
        low = draw(st.integers(1, 10**6))
        return IntDistribution(low, low + draw(st.integers(0, 10**6)), log=True)
    low = draw(st.integers(-(10**9), 10**9))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IntDistribution(low, low + draw(st.integers(0, 10**6)), step=draw(st.integers(1, 50)))


def _same(a: object, b: object) -> bool:
    """Equal and of the same type; NaN equals NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


@given(float_distributions())
def test_float_distribution_bounds_grid_and_json(dist: FloatDistribution) -> None:
    assert dist.low <= dist.high
    assert dist.contains(dist.low) and dist.contains(dist.high)
    assert not dist.contains(dist.high + max(1.0, abs(dist.high)))
    again = json_to_distribution(distribution_to_json(dist))
    assert again == dist and hash(again) == hash(dist)
    for value in (dist.low, (dist.low + dist.high) / 2, dist.high):
        assert dist.to_internal_repr(dist.to_external_repr(value)) == value


@given(int_distributions())
def test_int_distribution_values_are_the_grid(dist: IntDistribution) -> None:
    assert (dist.high - dist.low) % dist.step == 0
    for k in (0, 1, (dist.high - dist.low) // dist.step):
        value = dist.low + k * dist.step
        if value <= dist.high:
            assert dist.contains(float(value))
            assert dist.to_external_repr(dist.to_internal_repr(value)) == value
            assert type(dist.to_external_repr(float(value))) is int
    if dist.step > 1 and dist.high > dist.low:
        assert not dist.contains(float(dist.low + 1))
    assert not dist.contains(float(dist.low) - 1) and not dist.contains(dist.low + 0.5)
    assert json_to_distribution(distribution_to_json(dist)) == dist


@given(st.lists(choice, min_size=1, max_size=8))
def test_categorical_choices_map_to_themselves(choices: list) -> None:
    dist = CategoricalDistribution(choices)
    for index, value in enumerate(choices):
        internal = dist.to_internal_repr(value)
        assert dist.contains(internal)
        assert _same(dist.to_external_repr(internal), value)
        if not any(_same(value, earlier) for earlier in choices[:index]):
            assert internal == index  # the first choice equal in value and type
    again = json_to_distribution(distribution_to_json(dist))
    assert again == dist and hash(again) == hash(dist)
    assert all(_same(a, b) for a, b in zip(again.choices, dist.choices))
    assert not dist.contains(float(len(choices))) and not dist.contains(-1.0)


@given(finite, finite)
def test_float_low_above_high_is_rejected(a: float, b: float) -> None:
    assume(a != b)
    low, high = max(a, b), min(a, b)
    with pytest.raises(ValueError, match=r"low must be <= high, got low="):
        FloatDistribution(low, high)


@given(st.integers(-100, 0))
def test_int_log_needs_low_at_least_one(low: int) -> None:
    with pytest.raises(ValueError, match=rf"low must be >= 1 when log=True, got low={low}"):
        IntDistribution(low, 10, log=True)


# Two cases the properties above found, kept as plain tests.
def test_adjusted_high_is_adjusted_to_itself() -> None:
    from albacore._warnings import AlbacoreWarning

    with pytest.warns(AlbacoreWarning, match="high is adjusted to"):
        dist = FloatDistribution(0.19943522637931957, 0.2169, step=0.001)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no second adjustment when read back
        again = json_to_distribution(distribution_to_json(dist))
    assert again == dist and again.high == dist.high


def test_grid_point_far_from_zero_is_contained() -> None:
    dist = FloatDistribution(131072.0, 131072.001, step=0.001)
    assert dist.contains(dist.high) and dist.contains(131072.0)
    assert not dist.contains(131072.0005)
