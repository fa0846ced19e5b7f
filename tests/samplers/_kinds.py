"""An objective suggesting every distribution kind, checking each value against its bounds.

Shared by the QMC, NSGA and partial-fixed sampler tests.
"""

from __future__ import annotations

import math
from typing import Any

KIND_PARAMS = ("f", "flog", "fstep", "i", "ilog", "istep", "c")
CHOICES = ("x", 1, None, 2.5, True)


def check_value(name: str, value: Any) -> None:
    """Raise AssertionError if ``value`` of parameter ``name`` breaks its distribution."""
    if name == "f":
        assert isinstance(value, float) and -2.5 <= value <= 3.5, value
    elif name == "flog":
        assert isinstance(value, float) and 1e-4 <= value <= 10.0, value
    elif name == "fstep":
        assert isinstance(value, float) and -1.0 <= value <= 1.0, value
        assert math.isclose((value + 1.0) / 0.25, round((value + 1.0) / 0.25), abs_tol=1e-9), value
    elif name == "i":
        assert type(value) is int and -3 <= value <= 7, value
    elif name == "ilog":
        assert type(value) is int and 1 <= value <= 1000, value
    elif name == "istep":
        assert type(value) is int and 0 <= value <= 20 and value % 4 == 0, value
    elif name == "c":
        assert value in CHOICES, value


def all_kinds_objective(trial: Any) -> float:
    """Suggest one parameter of each kind and return a value depending on all of them."""
    values = {
        "f": trial.suggest_float("f", -2.5, 3.5),
        "flog": trial.suggest_float("flog", 1e-4, 10.0, log=True),
        "fstep": trial.suggest_float("fstep", -1.0, 1.0, step=0.25),
        "i": trial.suggest_int("i", -3, 7),
        "ilog": trial.suggest_int("ilog", 1, 1000, log=True),
        "istep": trial.suggest_int("istep", 0, 20, step=4),
        "c": trial.suggest_categorical("c", list(CHOICES)),
    }
    for name, value in values.items():
        check_value(name, value)
    return values["f"] ** 2 + math.log(values["flog"]) ** 2 + values["fstep"] + values["i"] + values["istep"] + (
        values["c"] is None
    )


def all_kinds_two_objectives(trial: Any) -> tuple[float, float]:
    """Two objectives over the same parameters."""
    first = all_kinds_objective(trial)
    return first, -first + trial.params["ilog"] * 0.01
