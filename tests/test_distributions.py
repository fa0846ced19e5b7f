"""Distributions: validation, containment, representations, JSON round trip, compatibility."""

from __future__ import annotations

import copy
import math

import pytest

from albacore._warnings import AlbacoreWarning
from albacore.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
    distribution_to_json,
    json_to_distribution,
)

ALL_KINDS = [
    FloatDistribution(-1.5, 2.5),
    FloatDistribution(1e-5, 1.0, log=True),
    FloatDistribution(0.0, 1.0, step=0.25),
    IntDistribution(-3, 7),
    IntDistribution(1, 1024, log=True),
    IntDistribution(0, 10, step=2),
    CategoricalDistribution(["a", "b"]),
    CategoricalDistribution([None, True, 1, 2.5, "x"]),
    FloatDistribution(3.0, 3.0),
]


@pytest.mark.parametrize("dist", ALL_KINDS, ids=repr)
def test_json_round_trip_gives_an_equal_distribution(dist) -> None:
    text = distribution_to_json(dist)
    back = json_to_distribution(text)
    assert back == dist
    assert hash(back) == hash(dist)
    assert type(back) is type(dist)


@pytest.mark.parametrize("text", ["not json", '{"name": "Nope", "attributes": {}}', '{"attributes": {}}', "[1]"])
def test_json_to_distribution_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="distribution"):
        json_to_distribution(text)


def test_distributions_are_immutable_value_objects() -> None:
    dist = FloatDistribution(0, 1)
    with pytest.raises(AttributeError, match="immutable"):
        dist.low = 0.5  # type: ignore[misc]
    assert copy.deepcopy(dist) is dist
    assert FloatDistribution(0, 1) == FloatDistribution(0.0, 1.0)
    assert FloatDistribution(0, 1) != FloatDistribution(0, 1, log=False, step=0.5)
    assert IntDistribution(0, 1) != FloatDistribution(0, 1)
    assert len({FloatDistribution(0, 1), FloatDistribution(0, 1), IntDistribution(0, 1)}) == 2
    assert "FloatDistribution(low=0.0, high=1.0" in repr(dist)


@pytest.mark.parametrize("dist", ALL_KINDS, ids=repr)
def test_fields_cannot_be_set_or_deleted(dist) -> None:
    name = next(iter(dist._attributes()))
    before = distribution_to_json(dist)
    with pytest.raises(AttributeError, match=f"immutable; cannot set '{name}'"):
        setattr(dist, name, None)
    with pytest.raises(AttributeError, match=f"immutable; cannot delete '{name}'"):
        delattr(dist, name)
    assert distribution_to_json(dist) == before


def test_fields_are_declared_with_their_types() -> None:
    """Type checkers see every field a distribution has, with its type."""
    assert FloatDistribution.__annotations__ == {"low": "float", "high": "float", "log": "bool", "step": "float | None"}
    assert IntDistribution.__annotations__ == {"low": "int", "high": "int", "log": "bool", "step": "int"}
    assert CategoricalDistribution.__annotations__ == {"choices": "tuple[CategoricalChoiceType, ...]"}
    for cls in (FloatDistribution, IntDistribution, CategoricalDistribution):
        assert set(cls.__annotations__) == set(cls(**_args(cls))._attributes())


def _args(cls):
    return {"choices": ["a"]} if cls is CategoricalDistribution else {"low": 1, "high": 2}


# --- FloatDistribution -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"low": 2.0, "high": 1.0}, r"low must be <= high, got low=2.0 and high=1.0"),
        ({"low": 0.0, "high": 1.0, "log": True}, r"low must be > 0 when log=True, got low=0.0"),
        ({"low": -1.0, "high": 1.0, "log": True}, r"low must be > 0 when log=True, got low=-1.0"),
        ({"low": 1.0, "high": 2.0, "log": True, "step": 0.5}, r"step and log cannot be used together"),
        ({"low": 0.0, "high": 1.0, "step": 0.0}, r"step must be > 0, got step=0.0"),
        ({"low": 0.0, "high": 1.0, "step": -0.1}, r"step must be > 0"),
        ({"low": float("-inf"), "high": 1.0}, r"low must be finite, got low=-inf"),
        ({"low": 0.0, "high": float("inf")}, r"high must be finite, got high=inf"),
        ({"low": float("nan"), "high": 1.0}, r"low must be finite, got low=nan"),
    ],
)
def test_float_distribution_rejects_invalid_arguments(kwargs, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        FloatDistribution(**kwargs)


@pytest.mark.parametrize("low", ["0", None, True, [0]])
def test_float_distribution_rejects_non_numbers(low) -> None:
    with pytest.raises(TypeError, match="low must be a number"):
        FloatDistribution(low, 1.0)


def test_float_step_not_dividing_the_range_adjusts_high_with_a_warning() -> None:
    with pytest.warns(AlbacoreWarning, match=r"not divisible by step=0.3; high is adjusted to 0.9"):
        dist = FloatDistribution(0.0, 1.0, step=0.3)
    assert dist.high == pytest.approx(0.9)
    assert dist.contains(0.9) and not dist.contains(1.0)


def test_float_step_dividing_the_range_does_not_warn(recwarn) -> None:
    dist = FloatDistribution(0.1, 0.7, step=0.2)
    assert dist.high == 0.7
    assert not [w for w in recwarn if issubclass(w.category, AlbacoreWarning)]


def test_float_contains_respects_bounds_and_step() -> None:
    dist = FloatDistribution(0.0, 1.0, step=0.25)
    assert dist.contains(0.0) and dist.contains(0.75) and dist.contains(1.0)
    assert not dist.contains(0.3)
    assert not dist.contains(1.25) and not dist.contains(-0.25)
    plain = FloatDistribution(1e-3, 1.0, log=True)
    assert plain.contains(1e-3) and plain.contains(0.5) and not plain.contains(0.0)


def test_float_representation_round_trip() -> None:
    dist = FloatDistribution(0, 10)
    assert dist.to_internal_repr(3) == 3.0
    assert dist.to_external_repr(3.5) == 3.5
    with pytest.raises(ValueError, match=r"expected a float value, got 'abc'"):
        dist.to_internal_repr("abc")
    with pytest.raises(ValueError, match="expected a float value, got nan"):
        dist.to_internal_repr(float("nan"))


def test_float_single() -> None:
    assert FloatDistribution(1.0, 1.0).single()
    assert not FloatDistribution(1.0, 2.0).single()
    with pytest.warns(AlbacoreWarning, match="high is adjusted to 0.0"):
        assert FloatDistribution(0.0, 0.5, step=1.0).single()


# --- IntDistribution ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"low": 5, "high": 1}, r"low must be <= high, got low=5 and high=1"),
        ({"low": 0, "high": 10, "log": True}, r"low must be >= 1 when log=True, got low=0"),
        ({"low": 1, "high": 10, "log": True, "step": 2}, r"step and log cannot be used together"),
        ({"low": 0, "high": 10, "step": 0}, r"step must be >= 1, got step=0"),
        ({"low": 0, "high": 10, "step": 1.5}, r"step must be an integer, got step=1.5"),
        ({"low": 0.5, "high": 10}, r"low and high must be integers, got low=0.5"),
        ({"low": 0, "high": float("inf")}, r"high must be finite"),
    ],
)
def test_int_distribution_rejects_invalid_arguments(kwargs, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        IntDistribution(**kwargs)


def test_int_step_not_dividing_the_range_adjusts_high_with_a_warning() -> None:
    with pytest.warns(AlbacoreWarning, match=r"not divisible by step=3; high is adjusted to 9"):
        dist = IntDistribution(0, 10, step=3)
    assert dist.high == 9


def test_int_contains_and_representations() -> None:
    dist = IntDistribution(0, 10, step=2)
    assert dist.contains(4) and dist.contains(10.0)
    assert not dist.contains(3) and not dist.contains(4.5) and not dist.contains(12)
    assert dist.to_external_repr(4.0) == 4 and isinstance(dist.to_external_repr(4.0), int)
    assert dist.to_internal_repr(6) == 6.0
    with pytest.raises(ValueError, match=r"expected an int value, got 'six'"):
        dist.to_internal_repr("six")
    assert IntDistribution(3, 3).single() and not IntDistribution(3, 4).single()


def test_integer_valued_floats_are_accepted_as_int_bounds() -> None:
    dist = IntDistribution(1.0, 4.0)  # type: ignore[arg-type]
    assert (dist.low, dist.high) == (1, 4) and isinstance(dist.low, int)


# --- CategoricalDistribution ---------------------------------------------------------------------
def test_categorical_rejects_empty_and_unserializable_choices() -> None:
    with pytest.raises(ValueError, match=r"choices must contain at least one value"):
        CategoricalDistribution([])
    with pytest.raises(ValueError, match=r"got \[1\] of type list"):
        CategoricalDistribution(["a", [1]])
    with pytest.raises(ValueError, match=r"of type object"):
        CategoricalDistribution([object()])
    with pytest.raises(ValueError, match=r"choices must be a sequence"):
        CategoricalDistribution("abc")  # type: ignore[arg-type]


def test_categorical_representations_distinguish_types() -> None:
    dist = CategoricalDistribution([1, True, "1", None, 1.5])
    assert dist.to_internal_repr(True) == 1.0
    assert dist.to_internal_repr(1) == 0.0
    assert dist.to_internal_repr("1") == 2.0
    assert dist.to_internal_repr(None) == 3.0
    assert dist.to_external_repr(4) == 1.5
    assert dist.contains(4) and not dist.contains(5) and not dist.contains(0.5) and not dist.contains(-1)
    with pytest.raises(ValueError, match=r"'z' is not among the choices"):
        dist.to_internal_repr("z")


def test_categorical_equality_compares_choice_types() -> None:
    assert CategoricalDistribution([1, 2]) == CategoricalDistribution((1, 2))
    assert CategoricalDistribution([1, 2]) != CategoricalDistribution([1.0, 2.0])
    assert CategoricalDistribution([True]) != CategoricalDistribution([1])
    nan = CategoricalDistribution([float("nan")])
    assert nan == CategoricalDistribution([float("nan")])
    assert math.isnan(nan.to_external_repr(nan.to_internal_repr(float("nan"))))


# --- compatibility ----------------------------------------------------------------------------------
def test_compatibility_allows_different_ranges() -> None:
    check_distribution_compatibility(FloatDistribution(0, 1), FloatDistribution(-5, 5))
    check_distribution_compatibility(IntDistribution(0, 1), IntDistribution(0, 9, step=3))
    check_distribution_compatibility(CategoricalDistribution(["a"]), CategoricalDistribution(["a"]))


@pytest.mark.parametrize(
    "old, new, match",
    [
        (FloatDistribution(0, 1), IntDistribution(0, 1), "FloatDistribution to IntDistribution"),
        (FloatDistribution(1, 2), FloatDistribution(1, 2, log=True), "log differs"),
        (IntDistribution(1, 2, log=True), IntDistribution(1, 2), "log differs"),
        (CategoricalDistribution(["a"]), CategoricalDistribution(["a", "b"]), "choices differ"),
    ],
)
def test_incompatible_distributions_raise(old, new, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        check_distribution_compatibility(old, new)
