"""Checks of public-call arguments, with messages in one format.

Every check raises the builtin exception a user expects and names the call, the parameter
and the value: ``"TPESampler: n_ei_candidates must be an int >= 1, got n_ei_candidates=0"``.
Each returns the value normalized (an ``int``, a ``float``), so a constructor can store
what the check returns. A base-layer module: it imports nothing from albacore.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, Callable, cast


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _or_none(allow_none: bool) -> str:
    return " or None" if allow_none else ""


def check_int(call: str, name: str, value: Any, minimum: int | None = None, *, allow_none: bool = False) -> Any:
    """``value`` as an int (numpy integers accepted, bools not).

    With ``minimum``, a non-int or a smaller int raises ``ValueError: {call}: {name} must be
    an int >= {minimum}, got {name}=...``; without it, a non-int raises ``... must be an
    int, got ...``. ``None`` passes through when ``allow_none``.
    """
    if value is None and allow_none:
        return None
    if not _is_int(value) or (minimum is not None and value < minimum):
        bound = "" if minimum is None else f" >= {minimum}"
        raise ValueError(f"{call}: {name} must be an int{bound}{_or_none(allow_none)}, got {name}={value!r}")
    return int(value)


def check_int_at_least(call: str, name: str, value: Any, minimum: int) -> int:
    """``value`` as an int >= ``minimum``, the two faults told apart: a non-int raises
    ``ValueError: {call}: {name} must be an int, got ...`` and a smaller int ``... must be
    >= {minimum}, got ...`` (the pruners' messages)."""
    return cast(int, check_bounds(call, name, check_int(call, name, value), minimum))


def check_count(call: str, name: str, value: Any, *, positive: bool = False, allow_none: bool = False) -> Any:
    """``value`` as an int >= 0 (>= 1 when ``positive``), else ``ValueError: {call}: {name}
    must be a non-negative int`` (``a positive int``) ``, got {name}=...``. ``None`` passes
    through when ``allow_none``."""
    if value is None and allow_none:
        return None
    if not _is_int(value) or value < (1 if positive else 0):
        kind = "a positive int" if positive else "a non-negative int"
        raise ValueError(f"{call}: {name} must be {kind}{_or_none(allow_none)}, got {name}={value!r}")
    return int(value)


def check_int_in(call: str, name: str, value: Any, low: int, high: int) -> int:
    """``value`` as an int in ``[low, high]`` (numpy integers accepted, bools not), else
    ``ValueError: {call}: {name} must be an int in [{low}, {high}], got {name}=...``."""
    if not _is_int(value) or not low <= value <= high:
        raise ValueError(f"{call}: {name} must be an int in [{low}, {high}], got {name}={value!r}")
    return int(value)


def check_seconds(call: str, name: str, value: Any, *, allow_none: bool = False, finite: bool = True) -> Any:
    """``value`` as a float of seconds > 0, else ``ValueError: {call}: {name} must be a
    positive number of seconds`` (``or None`` when ``allow_none``) ``, got {name}=...``.

    Infinity passes only when ``finite`` is False (a wait without limit); NaN never does.
    ``None`` passes through when ``allow_none``.
    """
    if value is None and allow_none:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not float(value) > 0
        or (finite and not math.isfinite(float(value)))
    ):
        kind = f"a positive number of seconds{_or_none(allow_none)}"
        raise ValueError(f"{call}: {name} must be {kind}, got {name}={value!r}")
    return float(value)


def check_bounds(
    call: str, name: str, value: Any, low: float | None = None, high: float | None = None, *, low_open: bool = False
) -> Any:
    """``value`` unchanged if ``low <= value <= high`` (``low < value`` when ``low_open``).

    Raises ``ValueError: {call}: {name} must be >= {low}`` (``> {low}``, ``<= {high}``)
    ``, got {name}=...``. A bound of None is not checked.
    """
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{call}: {name} must be {'>' if low_open else '>='} {low}, got {name}={value!r}")
    if high is not None and value > high:
        raise ValueError(f"{call}: {name} must be <= {high}, got {name}={value!r}")
    return value


def check_number(
    call: str,
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
) -> float:
    """``value`` as a finite float within the bounds of :func:`check_bounds`.

    A non-number, NaN or infinity raises ``ValueError: {call}: {name} must be a finite
    number, got {name}=...``.
    """
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"{call}: {name} must be a finite number, got {name}={value!r}")
    return cast(float, check_bounds(call, name, float(value), low, high, low_open=low_open))


def check_interval(
    call: str, name: str, value: Any, low: float, high: float, *, low_open: bool = False
) -> float:
    """``value`` as a float in ``[low, high]`` (``(low, high]`` when ``low_open``).

    A non-number raises ``TypeError: {call}: {name} must be a number, got ...``; one outside
    raises ``ValueError: {call}: {name} must be in [low, high], got {name}=...``.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{call}: {name} must be a number, got {name}={value!r}")
    number = float(value)
    if not ((low < number if low_open else low <= number) and number <= high):
        raise ValueError(f"{call}: {name} must be in {'(' if low_open else '['}{low}, {high}], got {name}={value!r}")
    return number


def check_probability(call: str, name: str, value: Any, *, allow_none: bool = False) -> float | None:
    """``value`` as a float in [0, 1], or raise ``ValueError: {call}: {name} must be a
    probability in [0, 1], got {name}=...``. ``None`` passes through when ``allow_none``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{call}: {name} must be a probability in [0, 1], got {name}={value!r}")
    return float(value)


def _listing(options: Sequence[Any]) -> str:
    names = [repr(o) for o in options]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def check_choice(call: str, name: str, value: Any, options: Sequence[Any]) -> Any:
    """``value`` if it is one of ``options``, else ``ValueError: {call}: {name} must be
    'a', 'b' or 'c', got {name}=...`` (an unknown option never falls back to a default)."""
    if value not in options:
        raise ValueError(f"{call}: {name} must be {_listing(options)}, got {name}={value!r}")
    return value


def check_callable(call: str, name: str, value: Any, *, allow_none: bool = False) -> Callable[..., Any] | None:
    """``value`` if callable (or None when ``allow_none``), else ``TypeError: {call}: {name}
    must be callable, got {name}=...``."""
    if (value is None and allow_none) or callable(value):
        return cast("Callable[..., Any] | None", value)
    raise TypeError(f"{call}: {name} must be callable{_or_none(allow_none)}, got {name}={value!r}")


def check_type(
    call: str, name: str, value: Any, types: type | tuple[type, ...], what: str, *, allow_none: bool = False
) -> Any:
    """``value`` if an instance of ``types`` (or None when ``allow_none``), else
    ``TypeError: {call}: {name} must be {what}, got {name}=...`` (``what`` such as
    ``"a BaseSampler"``)."""
    if (value is None and allow_none) or isinstance(value, types):
        return value
    raise TypeError(f"{call}: {name} must be {what}{_or_none(allow_none)}, got {name}={value!r}")


def check_seed(call: str, seed: Any) -> int | None:
    """``seed`` as an int or None, else ``TypeError: {call}: seed must be an int or None``."""
    if seed is None:
        return None
    if not _is_int(seed):
        raise TypeError(f"{call}: seed must be an int or None, got seed={seed!r}")
    return int(seed)


def check_json(call: str, what: str, value: Any) -> str:
    """The JSON text of ``value`` (an attribute a storage keeps), else ``TypeError: {call}:
    {what} must be JSON-serializable, got {value!r} (reason)``. Every storage accepts the
    same attribute values: those the SQL and journal storages can keep as JSON text."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{call}: {what} must be JSON-serializable, got {value!r} ({exc})") from None
