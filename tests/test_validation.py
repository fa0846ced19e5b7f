"""The argument checks of albacore._validation: what passes, what raises, and the message."""

from __future__ import annotations

import math

import numpy as np
import pytest

from albacore._validation import (
    check_bounds,
    check_callable,
    check_choice,
    check_count,
    check_int,
    check_int_at_least,
    check_int_in,
    check_interval,
    check_json,
    check_number,
    check_probability,
    check_seconds,
    check_seed,
    check_type,
)


def test_check_int_returns_a_python_int() -> None:
    assert check_int("f", "n", np.int64(3), 1) == 3 and type(check_int("f", "n", np.int64(3), 1)) is int
    assert check_int("f", "n", None, 0, allow_none=True) is None


@pytest.mark.parametrize(
    ("value", "minimum", "allow_none", "message"),
    [
        (0, 1, False, r"^f: n must be an int >= 1, got n=0$"),
        (True, 0, False, r"^f: n must be an int >= 0, got n=True$"),
        (2.0, None, False, r"^f: n must be an int, got n=2\.0$"),
        ("3", 2, True, r"^f: n must be an int >= 2 or None, got n='3'$"),
    ],
)
def test_check_int_rejects(value: object, minimum: int | None, allow_none: bool, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_int("f", "n", value, minimum, allow_none=allow_none)


def test_check_bounds_names_the_violated_bound() -> None:
    assert check_bounds("f", "x", 1, 1) == 1
    with pytest.raises(ValueError, match=r"^f: x must be >= 1, got x=0$"):
        check_bounds("f", "x", 0, 1)
    with pytest.raises(ValueError, match=r"^f: x must be > 0\.0, got x=0\.0$"):
        check_bounds("f", "x", 0.0, 0.0, low_open=True)
    with pytest.raises(ValueError, match=r"^f: x must be <= 1\.0, got x=1\.5$"):
        check_bounds("f", "x", 1.5, None, 1.0)


def test_check_number_requires_a_finite_real() -> None:
    assert check_number("f", "x", np.float32(0.5), 0.0, 1.0) == 0.5
    for bad in (math.nan, math.inf, "1", True):
        with pytest.raises(ValueError, match=r"^f: x must be a finite number, got x="):
            check_number("f", "x", bad)


def test_check_interval_type_and_range() -> None:
    assert check_interval("f", "p", 1, 0.0, 1.0) == 1.0
    with pytest.raises(TypeError, match=r"^f: p must be a number, got p='a'$"):
        check_interval("f", "p", "a", 0.0, 1.0)
    with pytest.raises(ValueError, match=r"^f: p must be in \(0\.0, inf\], got p=0$"):
        check_interval("f", "p", 0, 0.0, math.inf, low_open=True)


def test_check_probability() -> None:
    assert check_probability("f", "p", None, allow_none=True) is None
    assert check_probability("f", "p", 1) == 1.0
    with pytest.raises(ValueError, match=r"^f: p must be a probability in \[0, 1\], got p=1\.5$"):
        check_probability("f", "p", 1.5)


def test_check_choice_lists_every_option() -> None:
    assert check_choice("f", "mode", "b", ("a", "b")) == "b"
    with pytest.raises(ValueError, match=r"^f: mode must be None, 'ipop' or 'bipop', got mode='pop'$"):
        check_choice("f", "mode", "pop", (None, "ipop", "bipop"))
    with pytest.raises(ValueError, match=r"^f: mode must be 'x', got mode='y'$"):
        check_choice("f", "mode", "y", ("x",))


def test_check_callable_type_and_seed() -> None:
    assert check_callable("f", "g", None, allow_none=True) is None
    with pytest.raises(TypeError, match=r"^f: g must be callable or None, got g=3$"):
        check_callable("f", "g", 3, allow_none=True)
    with pytest.raises(TypeError, match=r"^f: g must be callable, got g=3$"):
        check_callable("f", "g", 3)
    with pytest.raises(TypeError, match=r"^f: d must be a dict, got d=\[1\]$"):
        check_type("f", "d", [1], dict, "a dict")
    assert check_type("f", "d", None, dict, "a dict", allow_none=True) is None
    assert check_seed("f", np.int32(7)) == 7 and check_seed("f", None) is None
    with pytest.raises(TypeError, match=r"^f: seed must be an int or None, got seed=1\.5$"):
        check_seed("f", 1.5)


def test_check_count_phrases_non_negative_and_positive() -> None:
    assert check_count("f", "n", 0) == 0 and check_count("f", "n", None, allow_none=True) is None
    with pytest.raises(ValueError, match=r"^f: n must be a non-negative int or None, got n=-1$"):
        check_count("f", "n", -1, allow_none=True)
    with pytest.raises(ValueError, match=r"^f: n must be a positive int, got n=0$"):
        check_count("f", "n", 0, positive=True)
    with pytest.raises(ValueError, match=r"^f: n must be a non-negative int, got n=1\.0$"):
        check_count("f", "n", 1.0)


def test_check_int_at_least_tells_type_and_range_apart() -> None:
    assert check_int_at_least("P", "k", np.int16(2), 2) == 2
    with pytest.raises(ValueError, match=r"^P: k must be an int, got k=1\.5$"):
        check_int_at_least("P", "k", 1.5, 0)
    with pytest.raises(ValueError, match=r"^P: k must be >= 2, got k=1$"):
        check_int_at_least("P", "k", 1, 2)


def test_check_json_returns_the_text_or_names_the_value() -> None:
    assert check_json("set_trial_user_attr", "user attribute 'k'", {"a": [1, 2.5, None]}) == '{"a": [1, 2.5, null]}'
    with pytest.raises(
        TypeError, match=r"^set_trial_user_attr: user attribute 'k' must be JSON-serializable, got \{1, 2\} \(.*set"
    ):
        check_json("set_trial_user_attr", "user attribute 'k'", {1, 2})
    loop: list = []
    loop.append(loop)
    # json.dumps rejects this one with ValueError: a TypeError too
    with pytest.raises(TypeError, match=r"^f: x must be JSON-serializable, got \[\[\.\.\.\]\] \(Circular reference"):
        check_json("f", "x", loop)


def test_check_int_in_takes_numpy_ints_and_names_the_range() -> None:
    assert check_int_in("run", "port", np.int32(8080), 0, 65535) == 8080
    for bad in (-1, 65536, True, 80.0):
        with pytest.raises(ValueError, match=r"^run: port must be an int in \[0, 65535\], got port="):
            check_int_in("run", "port", bad, 0, 65535)


def test_check_seconds_wants_a_positive_number_and_infinity_only_when_allowed() -> None:
    assert check_seconds("f", "t", 2) == 2.0 and check_seconds("f", "t", None, allow_none=True) is None
    assert check_seconds("f", "t", math.inf, finite=False) == math.inf
    with pytest.raises(ValueError, match=r"^f: t must be a positive number of seconds, got t=inf$"):
        check_seconds("f", "t", math.inf)
    for bad in (0, -1.5, math.nan, True, "3"):
        with pytest.raises(ValueError, match=r"^f: t must be a positive number of seconds or None, got t="):
            check_seconds("f", "t", bad, allow_none=True, finite=False)
