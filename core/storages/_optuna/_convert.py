"""Distributions and values as Optuna writes them, turned into albacore's."""

from __future__ import annotations

from typing import Any

from albacore.distributions import BaseDistribution, json_to_distribution
from albacore.trial._constraints import CONSTRAINTS_KEY


def distribution(text: str) -> BaseDistribution:
    """The albacore distribution of Optuna's ``distribution_json`` text (Optuna 2's classes
    become the FloatDistribution or IntDistribution that replaced them)."""
    return json_to_distribution(text)


def external_params(internal: dict[str, float], distributions: dict[str, BaseDistribution]) -> dict[str, Any]:
    """Parameter values in their external representation."""
    return {name: distributions[name].to_external_repr(value) for name, value in internal.items()}


def system_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """A trial's system attributes with its constraints stored the albacore way.

    Optuna 5.0 keeps each constraint under its own ``constraints:<name>`` key, Optuna before
    5.0 a list under ``constraints``; albacore keeps one ``constraints`` mapping of name to
    value (positions ``"0"``, ``"1"``... for a list), where its samplers look for them.
    """
    prefix = CONSTRAINTS_KEY + ":"
    named = {key[len(prefix):]: float(value) for key, value in attrs.items() if key.startswith(prefix)}
    out = {key: value for key, value in attrs.items() if not key.startswith(prefix)}
    legacy = out.get(CONSTRAINTS_KEY)
    if isinstance(legacy, list):
        out[CONSTRAINTS_KEY] = {str(i): float(v) for i, v in enumerate(legacy)}
    if named:
        out[CONSTRAINTS_KEY] = {**(out.get(CONSTRAINTS_KEY) or {}), **named}
    return out
