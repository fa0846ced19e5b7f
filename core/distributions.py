"""Parameter distributions: immutable descriptions of where a parameter lives.

A distribution converts between the *external* representation a user sees (a float, an
int, a category) and the *internal* representation storages and samplers work with (always
a float: the value itself for float and int parameters, the index for categorical ones).

Example:
    .. code-block:: python

        from albacore.distributions import FloatDistribution, distribution_to_json

        lr = FloatDistribution(1e-5, 1e-1, log=True)
        assert lr.contains(1e-3)
        print(distribution_to_json(lr))
"""

from __future__ import annotations

import abc
import decimal
import json
import math
import sys
from collections.abc import Sequence
from typing import Any, Union

from albacore._warnings import warn

__all__ = [
    "BaseDistribution",
    "CategoricalChoiceType",
    "CategoricalDistribution",
    "FloatDistribution",
    "IntDistribution",
    "check_distribution_compatibility",
    "distribution_to_json",
    "json_to_distribution",
]

CategoricalChoiceType = Union[None, bool, int, float, str]


class BaseDistribution(abc.ABC):
    """Base class of distributions. Distributions are immutable and compare by value.

    Subclasses declare their fields as annotated class attributes (so type checkers see
    them) and set them once in ``__init__`` through ``self.__dict__``; afterwards setting or
    deleting an attribute raises :class:`AttributeError`.
    """

    _frozen: bool

    @abc.abstractmethod
    def to_external_repr(self, internal: float) -> Any:
        """Convert an internal (float) value to what the user sees."""

    @abc.abstractmethod
    def to_internal_repr(self, external: Any) -> float:
        """Convert a user-facing value to its internal float.

        Raises:
            ValueError: If ``external`` cannot belong to this distribution.
        """

    @abc.abstractmethod
    def single(self) -> bool:
        """Whether the distribution holds exactly one value."""

    @abc.abstractmethod
    def contains(self, internal: float) -> bool:
        """Whether the internal value ``internal`` lies in the distribution."""

    @abc.abstractmethod
    def _attributes(self) -> dict[str, Any]:
        """Constructor arguments that recreate the distribution (used for JSON and equality)."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._attributes() == other._attributes()

    def __hash__(self) -> int:
        return hash((type(self).__name__, json.dumps(self._attributes(), sort_keys=True)))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._attributes().items())
        return f"{type(self).__name__}({args})"

    def __copy__(self) -> BaseDistribution:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> BaseDistribution:
        return self  # immutable

    def __setattr__(self, name: str, value: Any) -> None:
        if "_frozen" in self.__dict__:
            raise AttributeError(f"{type(self).__name__} is immutable; cannot set {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot delete {name!r}")


def _check_bound(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise TypeError(f"{name} must be a number, got {name}={value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {name}={number!r}")
    return number


def _adjusted_high(low: float, high: float, step: float) -> float:
    """Largest ``low + k * step`` that does not exceed ``high``, computed in decimal.

    A ``high`` within rounding error of a grid point counts as that point, so that an
    adjusted ``high`` is adjusted to itself (a distribution read back from JSON is equal to
    the one written).
    """
    d_low, d_high, d_step = (decimal.Decimal(str(v)) for v in (low, high, step))
    n_steps = (d_high - d_low) / d_step
    nearest = n_steps.to_integral_value()
    if abs(n_steps - nearest) > decimal.Decimal("1e-9"):
        nearest = (d_high - d_low) // d_step
    return float(d_low + nearest * d_step)


class FloatDistribution(BaseDistribution):
    """A real parameter in ``[low, high]``, optionally on a log scale or a grid of ``step``.

    Args:
        low: Lower bound, inclusive.
        high: Upper bound, inclusive. When ``step`` does not divide ``high - low``, ``high``
            is lowered to the last grid point with a warning.
        log: Sample on a log scale; needs ``low > 0`` and excludes ``step``.
        step: Grid spacing; values are ``low + k * step``.

    Raises:
        ValueError: On ``low > high``, non-finite bounds, ``log`` with ``low <= 0``, ``log``
            together with ``step``, or ``step <= 0``.
    """

    #: Lower bound, inclusive.
    low: float
    #: Upper bound, inclusive (after any adjustment to the grid of ``step``).
    high: float
    #: Whether values are sampled on a log scale.
    log: bool
    #: Grid spacing, or None for a continuous range.
    step: float | None

    def __init__(self, low: float, high: float, log: bool = False, step: float | None = None) -> None:
        low = _check_bound("low", low)
        high = _check_bound("high", high)
        if log and step is not None:
            raise ValueError(f"step and log cannot be used together, got step={step!r} and log=True")
        if low > high:
            raise ValueError(f"low must be <= high, got low={low!r} and high={high!r}")
        if log and low <= 0.0:
            raise ValueError(f"low must be > 0 when log=True, got low={low!r}")
        if step is not None:
            step = _check_bound("step", step)
            if step <= 0:
                raise ValueError(f"step must be > 0, got step={step!r}")
            adjusted = _adjusted_high(low, high, step)
            if not math.isclose(adjusted, high, rel_tol=0, abs_tol=1e-12 * max(1.0, abs(high))):
                warn(
                    f"the range [{low}, {high}] is not divisible by step={step}; "
                    f"high is adjusted to {adjusted}"
                )
                high = adjusted
        self.__dict__.update(low=low, high=high, log=bool(log), step=step, _frozen=True)

    def to_external_repr(self, internal: float) -> float:
        return float(internal)

    def to_internal_repr(self, external: Any) -> float:
        try:
            value = float(external)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"expected a float value, got {external!r}") from exc
        if math.isnan(value):
            raise ValueError(f"expected a float value, got {external!r}")
        return value

    def single(self) -> bool:
        if self.step is None:
            return self.low == self.high
        return self.high - self.low < self.step

    def contains(self, internal: float) -> bool:
        value = float(internal)
        if not self.low <= value <= self.high:
            return False
        if self.step is None:
            return True
        k = (value - self.low) / self.step
        # The subtraction loses up to an ulp of the operands, which is many steps' worth
        # of 1e-8 when the values are large and the step is small.
        rounding = 4 * sys.float_info.epsilon * max(abs(value), abs(self.low)) / self.step
        return abs(k - round(k)) <= 1e-8 + rounding

    def _attributes(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "log": self.log, "step": self.step}


class IntDistribution(BaseDistribution):
    """An integer parameter in ``[low, high]``, optionally on a log scale or every ``step``.

    Args:
        low: Lower bound, inclusive.
        high: Upper bound, inclusive. When ``step`` does not divide ``high - low``, ``high``
            is lowered to the last reachable value with a warning.
        log: Sample on a log scale; needs ``low >= 1`` and ``step == 1``.
        step: Spacing of the values ``low, low + step, ...``.

    Raises:
        ValueError: On ``low > high``, ``log`` with ``low < 1`` or ``step != 1``, or
            ``step < 1``.
    """

    #: Lower bound, inclusive.
    low: int
    #: Upper bound, inclusive (after any adjustment to ``step``).
    high: int
    #: Whether values are sampled on a log scale.
    log: bool
    #: Spacing of the values.
    step: int

    def __init__(self, low: int, high: int, log: bool = False, step: int = 1) -> None:
        low_f = _check_bound("low", low)
        high_f = _check_bound("high", high)
        if low_f != int(low_f) or high_f != int(high_f):
            raise ValueError(f"low and high must be integers, got low={low!r} and high={high!r}")
        low, high = int(low_f), int(high_f)
        if isinstance(step, bool) or not isinstance(step, int) and not (isinstance(step, float) and step.is_integer()):
            raise ValueError(f"step must be an integer, got step={step!r}")
        step = int(step)
        if log and step != 1:
            raise ValueError(f"step and log cannot be used together, got step={step!r} and log=True")
        if low > high:
            raise ValueError(f"low must be <= high, got low={low!r} and high={high!r}")
        if log and low < 1:
            raise ValueError(f"low must be >= 1 when log=True, got low={low!r}")
        if step < 1:
            raise ValueError(f"step must be >= 1, got step={step!r}")
        if (high - low) % step:
            adjusted = high - (high - low) % step
            warn(f"the range [{low}, {high}] is not divisible by step={step}; high is adjusted to {adjusted}")
            high = adjusted
        self.__dict__.update(low=low, high=high, log=bool(log), step=step, _frozen=True)

    def to_external_repr(self, internal: float) -> int:
        return int(round(internal))

    def to_internal_repr(self, external: Any) -> float:
        try:
            value = float(external)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"expected an int value, got {external!r}") from exc
        if math.isnan(value):
            raise ValueError(f"expected an int value, got {external!r}")
        return value

    def single(self) -> bool:
        return self.low == self.high

    def contains(self, internal: float) -> bool:
        value = float(internal)
        if not self.low <= value <= self.high or value != int(value):
            return False
        return (int(value) - self.low) % self.step == 0

    def _attributes(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "log": self.log, "step": self.step}


def _is_choice(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


class CategoricalDistribution(BaseDistribution):
    """A parameter that takes one of a fixed tuple of ``choices``.

    Choices must be ``None``, ``bool``, ``int``, ``float`` or ``str`` so that trials can be
    stored anywhere; the internal representation is the index of the choice.

    Args:
        choices: The candidate values, at least one.

    Raises:
        ValueError: If ``choices`` is empty or holds a value of another type.
    """

    #: The candidate values, in the order given.
    choices: tuple[CategoricalChoiceType, ...]

    def __init__(self, choices: Sequence[CategoricalChoiceType]) -> None:
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
            raise ValueError(f"choices must be a sequence such as a list or tuple, got choices={choices!r}")
        if len(choices) == 0:
            raise ValueError("choices must contain at least one value, got choices=()")
        for choice in choices:
            if not _is_choice(choice):
                raise ValueError(
                    f"choices must be None, bool, int, float or str so they can be stored, "
                    f"got {choice!r} of type {type(choice).__name__}"
                )
        self.__dict__.update(choices=tuple(choices), _frozen=True)

    def to_external_repr(self, internal: float) -> CategoricalChoiceType:
        return self.choices[int(internal)]

    def to_internal_repr(self, external: Any) -> float:
        for index, choice in enumerate(self.choices):
            if choice == external and type(choice) is type(external) or _both_nan(choice, external):
                return float(index)
        for index, choice in enumerate(self.choices):
            if choice == external:
                return float(index)
        raise ValueError(f"{external!r} is not among the choices {self.choices!r}")

    def single(self) -> bool:
        return len(self.choices) == 1

    def contains(self, internal: float) -> bool:
        index = int(internal)
        return index == internal and 0 <= index < len(self.choices)

    def _attributes(self) -> dict[str, Any]:
        return {"choices": self.choices}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CategoricalDistribution) or len(self.choices) != len(other.choices):
            return False
        return all(
            _both_nan(a, b) or (a == b and type(a) is type(b)) for a, b in zip(self.choices, other.choices)
        )

    def __hash__(self) -> int:
        return hash(("CategoricalDistribution", tuple(map(repr, self.choices))))


def _both_nan(a: Any, b: Any) -> bool:
    return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)


_CLASSES: dict[str, type[BaseDistribution]] = {
    cls.__name__: cls for cls in (FloatDistribution, IntDistribution, CategoricalDistribution)
}
# Optuna 2's distribution classes (old databases and scripts still hold their JSON): the class
# that replaces each, and the attributes it adds; ``q`` becomes ``step``.
_LEGACY: dict[str, tuple[type[BaseDistribution], dict[str, Any]]] = {
    "UniformDistribution": (FloatDistribution, {}),
    "LogUniformDistribution": (FloatDistribution, {"log": True}),
    "DiscreteUniformDistribution": (FloatDistribution, {}),
    "IntUniformDistribution": (IntDistribution, {}),
    "IntLogUniformDistribution": (IntDistribution, {"log": True}),
}


def distribution_to_json(dist: BaseDistribution) -> str:
    """Serialize a distribution to a JSON string.

    Args:
        dist: The distribution.

    Returns:
        A JSON object ``{"name": <class name>, "attributes": {...}}``.
    """
    attributes = dict(dist._attributes())
    if isinstance(dist, CategoricalDistribution):
        attributes["choices"] = list(dist.choices)
    return json.dumps({"name": type(dist).__name__, "attributes": attributes})


def json_to_distribution(json_str: str) -> BaseDistribution:
    """Rebuild a distribution from :func:`distribution_to_json`'s output.

    The JSON of Optuna 2's classes (``UniformDistribution``, ``LogUniformDistribution``,
    ``DiscreteUniformDistribution``, ``IntUniformDistribution``, ``IntLogUniformDistribution``)
    gives the FloatDistribution or IntDistribution that replaced them.

    Args:
        json_str: The JSON text.

    Raises:
        ValueError: If the text does not describe a known distribution.
    """
    try:
        data = json.loads(json_str)
        name, attributes = data["name"], dict(data["attributes"])
        if name in _LEGACY:
            cls, extra = _LEGACY[name]
            attributes.update(extra)
            if "q" in attributes:
                attributes["step"] = attributes.pop("q")
        else:
            cls = _CLASSES[name]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a serialized distribution: {json_str!r}") from exc
    return cls(**attributes)


def check_distribution_compatibility(dist_old: BaseDistribution, dist_new: BaseDistribution) -> None:
    """Check that a parameter may be suggested with ``dist_new`` after ``dist_old``.

    Two distributions are compatible when they are of the same kind and, for float and int
    parameters, both or neither use a log scale; categorical ones must have the same choices.
    Ranges may differ (a later trial may narrow or widen them).

    Raises:
        ValueError: If they are not compatible, saying how they differ.
    """
    if type(dist_old) is not type(dist_new):
        raise ValueError(
            f"cannot change the distribution kind from {type(dist_old).__name__} to "
            f"{type(dist_new).__name__}"
        )
    if isinstance(dist_old, CategoricalDistribution):
        if dist_old != dist_new:
            raise ValueError(
                f"choices differ: {dist_old.choices!r} vs {dist_new.choices!r}"  # type: ignore[attr-defined]
            )
        return
    if dist_old.log != dist_new.log:  # type: ignore[attr-defined]
        raise ValueError(f"log differs: {dist_old.log} vs {dist_new.log}")  # type: ignore[attr-defined]
