"""The search-space encoding shared by CMA-ES, GP, TPE and the genetic samplers (albacore.samplers._transform)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.samplers._ga import _space as ga_space
from albacore.samplers._transform import (
    encoded_bounds,
    from_encoded,
    from_unit,
    grid_size,
    grid_step,
    space_key,
    to_encoded,
    to_unit,
    to_unit_array,
    value_bounds,
)


@pytest.mark.parametrize(
    ("dist", "widened", "plain"),
    [
        (FloatDistribution(-1.0, 3.0), (-1.0, 3.0), (-1.0, 3.0)),
        (FloatDistribution(0.0, 1.0, step=0.25), (-0.125, 1.125), (0.0, 1.0)),
        (IntDistribution(2, 5), (1.5, 5.5), (2.0, 5.0)),
        (IntDistribution(2, 6, step=2), (1.0, 7.0), (2.0, 6.0)),
        (FloatDistribution(1e-3, 10.0, log=True), (math.log(1e-3), math.log(10.0)), (math.log(1e-3), math.log(10.0))),
        (IntDistribution(1, 8, log=True), (math.log(0.5), math.log(8.5)), (math.log(0.5), math.log(8.5))),
    ],
)
def test_encoded_bounds(dist, widened, plain) -> None:
    assert encoded_bounds(dist) == widened
    assert encoded_bounds(dist, widen=False) == plain


@pytest.mark.parametrize(
    ("dist", "bounds"),
    [
        (FloatDistribution(-1.0, 3.0), (-1.0, 3.0)),
        (IntDistribution(2, 6, step=2), (2.0, 6.0)),
        (FloatDistribution(1e-3, 10.0, log=True), (math.log(1e-3), math.log(10.0))),
        (IntDistribution(1, 8, log=True), (0.0, math.log(8.0))),  # not widened, unlike encoded_bounds
    ],
)
def test_value_bounds_are_the_encoded_low_and_high(dist, bounds) -> None:
    assert value_bounds(dist) == bounds
    assert ga_space.bounds(dist) == bounds  # the box the genetic samplers breed in
    assert to_encoded(dist.low, dist) == bounds[0] and to_encoded(dist.high, dist) == bounds[1]


def test_from_encoded_rounds_to_the_grid_and_clips() -> None:
    assert from_encoded(math.log(3.4), IntDistribution(1, 8, log=True)) == 3
    assert from_encoded(4.9, IntDistribution(2, 6, step=2)) == 4
    assert from_encoded(0.6, FloatDistribution(0.0, 1.0, step=0.25)) == 0.5
    assert from_encoded(math.log(50.0), FloatDistribution(1e-3, 10.0, log=True)) == 10.0
    assert ga_space.decode(-7.0, FloatDistribution(-1.0, 3.0)) == -1.0
    assert ga_space.encode(0.0, FloatDistribution(1e-3, 10.0, log=True)) == math.log(1e-300)


def test_grid_size_counts_the_values_of_a_grid() -> None:
    assert grid_size(IntDistribution(2, 5)) == 4
    assert grid_size(IntDistribution(0, 9, step=3)) == 4
    assert grid_size(IntDistribution(1, 8, log=True)) == 8
    assert grid_size(FloatDistribution(0.0, 0.3, step=0.1)) == 4  # 0.3 / 0.1 is 2.999... in floats
    assert grid_size(FloatDistribution(0.0, 1.0)) is None
    assert grid_size(FloatDistribution(1e-3, 1.0, log=True)) is None


def test_grid_step_is_linear_only() -> None:
    assert grid_step(IntDistribution(0, 9, step=3)) == 3
    assert grid_step(FloatDistribution(0.0, 1.0, step=0.5)) == 0.5
    assert grid_step(FloatDistribution(0.0, 1.0)) is None
    assert grid_step(IntDistribution(1, 9, log=True)) is None


@pytest.mark.parametrize(
    "dist",
    [
        FloatDistribution(-2.0, 2.0),
        FloatDistribution(0.0, 1.0, step=0.1),
        IntDistribution(-3, 7),
        IntDistribution(0, 20, step=5),
        FloatDistribution(1e-4, 1.0, log=True),
        IntDistribution(1, 100, log=True),
    ],
)
def test_unit_round_trip_lands_on_the_distribution(dist) -> None:
    low, high = encoded_bounds(dist)
    for u in np.linspace(-0.2, 1.2, 57):
        value = from_unit(u, dist, low, high)
        assert dist.contains(dist.to_internal_repr(value))
        assert from_unit(to_unit(value, dist, low, high), dist, low, high) == value
    # Each grid point of a discrete parameter owns an equal share of the unit interval.
    if isinstance(dist, IntDistribution) and not dist.log:
        hits = {from_unit(u, dist, low, high) for u in (np.arange(1000) + 0.5) / 1000}
        assert hits == set(range(dist.low, dist.high + 1, dist.step))


def test_to_unit_array_matches_the_scalar_form_and_clips() -> None:
    dists = [FloatDistribution(1e-3, 1.0, log=True), IntDistribution(0, 4), FloatDistribution(-1.0, 1.0)]
    bounds = np.array([encoded_bounds(d) for d in dists])
    values = [0.01, 3, 5.0]
    x = to_unit_array(values, dists, bounds[:, 0], bounds[:, 1])
    assert x[2] == 1.0
    np.testing.assert_allclose(x, [to_unit(v, d, lo, hi) for v, d, (lo, hi) in zip(values, dists, bounds)], rtol=1e-15)


def test_space_key_names_the_space_and_its_order() -> None:
    a = {"x": FloatDistribution(0.0, 1.0), "c": CategoricalDistribution(["a", "b"])}
    same = {"x": FloatDistribution(0.0, 1.0), "c": CategoricalDistribution(["a", "b"])}
    assert space_key(a) == space_key(same) and len(space_key(a)) == 16
    assert space_key(a) != space_key(dict(reversed(list(a.items()))))
    assert space_key(a) != space_key({**a, "x": FloatDistribution(0.0, 2.0)})
    assert space_key(a) != space_key(a, "margin")
