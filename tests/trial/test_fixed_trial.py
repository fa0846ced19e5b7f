"""FixedTrial: running an objective on given parameter values outside a study."""

from __future__ import annotations

import datetime
import math

import pytest

from albacore.trial import BaseTrial, FixedTrial


def _objective(trial: BaseTrial) -> float:
    x = trial.suggest_float("x", -10, 10)
    n = trial.suggest_int("n", 1, 8, log=True)
    kind = trial.suggest_categorical("kind", ["sq", "abs"])
    base = (x - 2) ** 2 if kind == "sq" else abs(x - 2)
    return base + n


def test_objective_runs_on_given_values() -> None:
    trial = FixedTrial({"x": 2.0, "n": 3, "kind": "sq"}, number=7)
    assert _objective(trial) == 3.0
    assert trial.params == {"x": 2.0, "n": 3, "kind": "sq"}
    assert set(trial.distributions) == {"x", "n", "kind"}
    assert trial.number == 7
    assert isinstance(trial.datetime_start, datetime.datetime)


def test_params_hold_only_what_was_suggested() -> None:
    trial = FixedTrial({"x": 1.0, "unused": 5})
    trial.suggest_float("x", 0, 2)
    assert trial.params == {"x": 1.0}


def test_missing_parameter_raises_naming_it() -> None:
    with pytest.raises(ValueError, match=r"FixedTrial has no value for parameter 'n'; it has \['kind', 'x'\]"):
        _objective(FixedTrial({"x": 2.0, "kind": "sq"}))


def test_value_outside_the_suggested_range_warns_and_is_used_and_an_unknown_choice_raises() -> None:
    # As Optuna's FixedTrial: re-running an objective with old best params survives changed ranges.
    trial = FixedTrial({"x": 50.0, "n": 1, "kind": "sq"})
    with pytest.warns(UserWarning, match=r"FixedTrial value 50.0 of parameter 'x' is outside FloatDistribution"):
        _objective(trial)
    assert trial.params["x"] == 50.0
    with pytest.raises(ValueError, match=r"'other' is not among the choices"):
        _objective(FixedTrial({"x": 1.0, "n": 1, "kind": "other"}))


def test_int_param_given_as_integral_float_comes_back_as_int() -> None:
    trial = FixedTrial({"n": 4.0})
    value = trial.suggest_int("n", 1, 8)
    assert value == 4 and isinstance(value, int)


def test_report_prune_attrs_and_constraints() -> None:
    trial = FixedTrial({})
    trial.report(1.0, 0)  # no study: ignored
    assert trial.should_prune() is False
    trial.set_user_attr("u", 1)
    trial.set_system_attr("s", 2)
    trial.set_constraint("c", -0.5)
    assert trial.user_attrs == {"u": 1}
    assert trial.system_attrs == {"s": 2, "constraints": {"c": -0.5}}
    with pytest.raises(ValueError, match=r"set_constraint\('c'\): value must not be NaN"):
        trial.set_constraint("c", math.nan)


def test_same_name_with_an_incompatible_distribution_raises_naming_it() -> None:
    trial = FixedTrial({"p": 1})
    assert trial.suggest_float("p", 0, 2) == 1.0
    assert trial.suggest_float("p", 0, 2) == 1.0
    with pytest.raises(ValueError, match=r"FixedTrial: parameter 'p' was already suggested differently"):
        trial.suggest_int("p", 0, 2)
