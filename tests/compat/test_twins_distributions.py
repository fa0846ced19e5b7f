"""Behavioural twins: distributions (construction, adjusted bounds, contains, single, internal
representations, JSON round trips, compatibility checks) and the suggest calls built on them,
in Optuna and albacore."""

from __future__ import annotations

import json
from typing import Any, Callable

import _twin
import optuna
import pytest

import albacore


def construction(m: Any, rec: _twin.Recorder) -> None:
    d = m.distributions
    rec("float step not dividing the range", lambda: d.FloatDistribution(0.0, 1.0, step=0.3).high)
    rec("int step not dividing the range", lambda: d.IntDistribution(0, 10, step=3).high)
    rec("float low == high", lambda: d.FloatDistribution(1.0, 1.0).single())
    rec("float step wider than the range", lambda: d.FloatDistribution(0.0, 0.5, step=1.0).high)
    rec("int bounds as floats", lambda: d.IntDistribution(0.0, 3.0))
    rec("int bounds as float strings", lambda: d.IntDistribution("0", "3"))
    rec("float bounds as ints", lambda: repr(d.FloatDistribution(0, 3).low))
    rec("float inf high", lambda: d.FloatDistribution(0.0, float("inf")))
    rec("float NaN low", lambda: d.FloatDistribution(float("nan"), 1.0))
    rec("float step negative", lambda: d.FloatDistribution(0.0, 1.0, step=-0.1))
    rec("int step negative", lambda: d.IntDistribution(0, 4, step=-1))
    rec("int log with step 2", lambda: d.IntDistribution(1, 8, log=True, step=2))
    rec("categorical tuple", lambda: d.CategoricalDistribution(("a", 1, None, 2.5, True)).choices)
    rec("categorical a string", lambda: d.CategoricalDistribution("abc"))
    rec("categorical duplicates", lambda: d.CategoricalDistribution(["a", "a"]).choices)
    rec("equality", lambda: d.FloatDistribution(0, 1) == d.FloatDistribution(0.0, 1.0))
    rec("hash", lambda: hash(d.IntDistribution(0, 3)) == hash(d.IntDistribution(0, 3)))
    rec("repr", lambda: repr(d.IntDistribution(0, 3)))


def representations(m: Any, rec: _twin.Recorder) -> None:
    d = m.distributions
    cat = d.CategoricalDistribution(["a", 1, None])
    rec("categorical to internal", lambda: cat.to_internal_repr(None))
    rec("categorical to external", lambda: cat.to_external_repr(1.0))
    rec("categorical unknown choice", lambda: cat.to_internal_repr("z"))
    f = d.FloatDistribution(0.0, 1.0, step=0.25)
    rec("float internal of an int", lambda: f.to_internal_repr(1))
    rec("float internal of a string", lambda: f.to_internal_repr("x"))
    rec("float internal of NaN", lambda: f.to_internal_repr(float("nan")))
    i = d.IntDistribution(1, 9, log=True)
    rec("int external of a float", lambda: i.to_external_repr(3.0))
    rec("int internal of a string", lambda: i.to_internal_repr("3"))


def json_round_trips(m: Any, rec: _twin.Recorder) -> None:
    d = m.distributions
    for name, dist in {
        "float": d.FloatDistribution(0.1, 1.0, log=True),
        "stepped float": d.FloatDistribution(0.0, 1.0, step=0.5),
        "int": d.IntDistribution(0, 9, step=3),
        "categorical": d.CategoricalDistribution(["a", None, 2]),
    }.items():
        rec(f"{name} to JSON", lambda dist=dist: json.loads(d.distribution_to_json(dist)))
        rec(f"{name} back", lambda dist=dist: d.json_to_distribution(d.distribution_to_json(dist)) == dist)
    rec("JSON of an unknown kind", lambda: d.json_to_distribution('{"name": "Nope", "attributes": {}}'))
    rec("JSON that is not JSON", lambda: d.json_to_distribution("{nope"))
    for name, attributes, today in [
        ("UniformDistribution", {"low": 0.0, "high": 1.0}, d.FloatDistribution(0.0, 1.0)),
        ("LogUniformDistribution", {"low": 0.1, "high": 1.0}, d.FloatDistribution(0.1, 1.0, log=True)),
        ("DiscreteUniformDistribution", {"low": 0.0, "high": 1.0, "q": 0.5}, d.FloatDistribution(0, 1, step=0.5)),
        ("IntUniformDistribution", {"low": 0, "high": 4, "step": 2}, d.IntDistribution(0, 4, step=2)),
        ("IntLogUniformDistribution", {"low": 1, "high": 8}, d.IntDistribution(1, 8, log=True)),
    ]:
        text = json.dumps({"name": name, "attributes": attributes})
        rec(f"legacy {name}", lambda text=text, today=today: d.json_to_distribution(text) == today)


def compatibility(m: Any, rec: _twin.Recorder) -> None:
    d = m.distributions
    check = d.check_distribution_compatibility
    rec("same", lambda: check(d.FloatDistribution(0, 1), d.FloatDistribution(0, 1)))
    rec("other range", lambda: check(d.FloatDistribution(0, 1), d.FloatDistribution(0, 2)))
    rec("float and int", lambda: check(d.FloatDistribution(0, 1), d.IntDistribution(0, 1)))
    rec("log and linear", lambda: check(d.FloatDistribution(0.1, 1), d.FloatDistribution(0.1, 1, log=True)))
    rec("other choices", lambda: check(d.CategoricalDistribution(["a"]), d.CategoricalDistribution(["b"])))
    rec("int other step", lambda: check(d.IntDistribution(0, 4), d.IntDistribution(0, 4, step=2)))


def suggestions(m: Any, rec: _twin.Recorder) -> None:
    trial = m.create_study(sampler=m.samplers.RandomSampler(seed=0)).ask()
    rec("float step not dividing", lambda: trial.suggest_float("a", 0.0, 1.0, step=0.3) <= 0.9)
    rec("int step not dividing", lambda: trial.suggest_int("b", 0, 10, step=3) <= 9)
    rec("float low > high", lambda: trial.suggest_float("c", 1.0, 0.0))
    rec("int as float", lambda: type(trial.suggest_float("d", 1, 3)).__name__)
    rec("int with step 0", lambda: trial.suggest_int("e", 0, 3, step=0))
    rec("float log and step", lambda: trial.suggest_float("f", 0.1, 1.0, log=True, step=0.1))
    rec("categorical empty", lambda: trial.suggest_categorical("g", []))
    rec("categorical a tuple", lambda: trial.suggest_categorical("h", ("x",)))
    rec("single int", lambda: trial.suggest_int("i", 5, 5))
    rec("distributions", lambda: sorted(trial.distributions))
    rec("name not a string", lambda: trial.suggest_float(3, 0.0, 1.0) <= 1.0)


SCENARIOS: dict[str, Callable[[Any, _twin.Recorder], None]] = {
    f.__name__: f for f in (construction, representations, json_round_trips, compatibility, suggestions)
}

_STRICT = _twin.EAGER
_LEGACY = (
    "the JSON of Optuna 2's classes gives the FloatDistribution or IntDistribution that replaced "
    "them (albacore has no deprecated classes); Optuna 5.0 returns the deprecated class with a "
    "FutureWarning"
)
# scenario -> step label -> why albacore's outcome differs on purpose (README, "Differences from Optuna").
DIFFERENT: dict[str, dict[str, str]] = {
    "construction": {
        "int bounds as float strings": _STRICT,
        "float inf high": "a float distribution's bounds must be finite numbers (nothing can be sampled "
                          "from an infinite range); Optuna accepts them",
        "float NaN low": _STRICT,
        "categorical a string": "a string is not a sequence of choices (Optuna takes its characters)",
        "repr": "a distribution's repr lists its attributes in the constructor's order (Optuna's sorts "
                "them by name); both evaluate back to the distribution",
    },
    "json_round_trips": {
        "JSON that is not JSON": "json_to_distribution raises ValueError (json.JSONDecodeError in "
                                 "Optuna, which is a ValueError too, from the json module)",
        **{f"legacy {name}": _LEGACY for name in (
            "UniformDistribution", "LogUniformDistribution", "DiscreteUniformDistribution",
            "IntUniformDistribution", "IntLogUniformDistribution")},
    },
    "suggestions": {"name not a string": "a parameter name must be a str (TypeError); Optuna accepts any"},
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_distributions_behave_as_optuna(scenario: str) -> None:
    expected = _twin.record(optuna, SCENARIOS[scenario])
    actual = _twin.record(albacore, SCENARIOS[scenario])
    _twin.assert_same(expected, actual, DIFFERENT.get(scenario, {}))
