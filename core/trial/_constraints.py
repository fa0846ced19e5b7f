"""Constraint values of a trial, stored as a system attribute.

A trial is feasible iff every constraint value is <= 0. Values set with
``trial.set_constraint(key, value)`` and values computed by a sampler's
``constraints_func`` are stored the same way: under the system attribute
``CONSTRAINTS_KEY`` as a mapping from key to float.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

CONSTRAINTS_KEY = "constraints"


def validate_constraint(key: Any, value: Any) -> tuple[str, float]:
    """Check one constraint and return it as ``(str key, float value)``."""
    if not isinstance(key, str):
        raise TypeError(f"set_constraint: key must be a str, got key={key!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"set_constraint({key!r}): value must be a number, got value={value!r}") from None
    if math.isnan(number):
        raise ValueError(f"set_constraint({key!r}): value must not be NaN, got value={value!r}")
    return key, number


def constraints_from_sequence(values: Sequence[float]) -> dict[str, float]:
    """Name the outputs of a ``constraints_func`` by position: ``"0"``, ``"1"``, ..."""
    result = {}
    for index, value in enumerate(values):
        key, number = validate_constraint(str(index), value)
        result[key] = number
    return result


def constraint_values(system_attrs: Mapping[str, Any]) -> list[float] | None:
    """The constraint values stored in ``system_attrs``, or None when there are none."""
    stored = system_attrs.get(CONSTRAINTS_KEY)
    if not stored:
        return None
    return [float(v) for v in stored.values()]


def constraints_dict(system_attrs: Mapping[str, Any]) -> dict[str, float]:
    """The stored constraints, name to value (empty when there are none)."""
    return {key: float(value) for key, value in (system_attrs.get(CONSTRAINTS_KEY) or {}).items()}


def is_feasible(system_attrs: Mapping[str, Any]) -> bool:
    """Whether every stored constraint value is <= 0 (trials without constraints are feasible)."""
    values = constraint_values(system_attrs)
    return values is None or all(v <= 0.0 for v in values)
