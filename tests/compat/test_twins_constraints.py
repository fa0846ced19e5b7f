"""Behavioural twins: constraints in Optuna and albacore (``trial.set_constraint``,
``trial.constraints`` / ``FrozenTrial.constraints``, ``create_trial(constraints=)``, samplers'
``constraints_func``, feasibility in ``best_trial`` and ``best_trials``)."""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import _twin
import optuna
import pytest

import albacore


def set_constraint(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    trial = study.ask()
    rec("set", lambda: trial.set_constraint("memory", 1.5))
    rec("an int", lambda: trial.set_constraint("latency", 2))
    rec("read on the running trial", lambda: trial.constraints)
    rec("set again", lambda: trial.set_constraint("memory", 3.0))
    rec("kept the first", lambda: trial.constraints)
    rec("NaN", lambda: trial.set_constraint("nan", math.nan))
    rec("a string value", lambda: trial.set_constraint("s", "abc"))
    rec("a numeric string", lambda: trial.set_constraint("n", "0.5"))
    rec("None", lambda: trial.set_constraint("none", None))
    rec("inf", lambda: trial.set_constraint("inf", math.inf))
    study.tell(trial, 1.0)
    rec("frozen", lambda: study.trials[0].constraints)
    rec("set after tell", lambda: trial.set_constraint("late", 0.0))
    rec("a trial without constraints", lambda: _told(study).constraints)


def _told(study: Any) -> Any:
    trial = study.ask()
    study.tell(trial, 2.0)
    return study.trials[trial.number]


def create_trial_constraints(m: Any, rec: _twin.Recorder) -> None:
    rec("create_trial", lambda: m.trial.create_trial(value=1.0, constraints={"a": 0.5, "b": -1}).constraints)
    rec("without", lambda: m.trial.create_trial(value=1.0).constraints)
    rec("empty", lambda: m.trial.create_trial(value=1.0, constraints={}).constraints)
    rec("NaN", lambda: m.trial.create_trial(value=1.0, constraints={"a": math.nan}))
    rec("a string", lambda: m.trial.create_trial(value=1.0, constraints={"a": "x"}))
    study = m.create_study()
    rec("add_trial", lambda: study.add_trial(m.trial.create_trial(value=1.0, constraints={"a": 0.5})))
    rec("stored", lambda: study.trials[0].constraints)


def best_with_constraints(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    for value, memory in [(1.0, 2.0), (3.0, 0.0), (2.0, -1.0), (0.5, 0.1)]:
        study.add_trial(m.trial.create_trial(value=value, constraints={"memory": memory}))
    rec("best_trial", lambda: study.best_trial.number)
    rec("best_value", lambda: study.best_value)
    rec("best_trials", lambda: [t.number for t in study.best_trials])
    infeasible = m.create_study()
    infeasible.add_trial(m.trial.create_trial(value=1.0, constraints={"memory": 2.0}))
    rec("best_trial with no feasible trial", lambda: infeasible.best_trial.number)
    multi = m.create_study(directions=["minimize", "minimize"])
    for values, memory in [([1.0, 4.0], 1.0), ([2.0, 3.0], 0.0), ([3.0, 1.0], -1.0), ([0.0, 0.0], 5.0)]:
        multi.add_trial(m.trial.create_trial(values=values, constraints={"memory": memory}))
    rec("best_trials of two objectives", lambda: sorted(t.number for t in multi.best_trials))


def _constraints_func(trial: Any) -> list[float]:
    return [trial.params["x"] - 0.5, -1.0]


SAMPLERS: dict[str, Callable[[Any, Any], Any]] = {
    "TPESampler": lambda m, f: m.samplers.TPESampler(seed=0, constraints_func=f, n_startup_trials=2),
    "NSGAIISampler": lambda m, f: m.samplers.NSGAIISampler(seed=0, constraints_func=f, population_size=4),
    "NSGAIIISampler": lambda m, f: m.samplers.NSGAIIISampler(seed=0, constraints_func=f, population_size=4),
    "GPSampler": lambda m, f: m.samplers.GPSampler(seed=0, constraints_func=f, n_startup_trials=2),
}


def _sampler(m: Any, name: str, constraints_func: Callable[[Any], Any]) -> Any:
    """The sampler, without Optuna's FutureWarning (recorded once, by the "constructor" step)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return SAMPLERS[name](m, constraints_func)


def _sampler_scenario(name: str) -> Callable[[Any, _twin.Recorder], None]:
    def scenario(m: Any, rec: _twin.Recorder) -> None:
        sampler = rec("constructor", lambda: SAMPLERS[name](m, _constraints_func), keep=lambda s: None)
        study = m.create_study(sampler=sampler)
        rec("optimize", lambda: study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=3))
        rec("constraints of every trial", lambda: all(
            t.constraints == {"0": t.params["x"] - 0.5, "1": -1.0} for t in study.trials))
        rec("pruned trial", lambda: _pruned_constraints(m, study))
        rec("failing constraints_func", lambda: _failing(m, name))
        rec("NaN from constraints_func", lambda: _nan(m, name))
        rec("set_constraint too", lambda: _both(m, name))

    return scenario


def _pruned_constraints(m: Any, study: Any) -> Any:
    def objective(trial: Any) -> float:
        trial.suggest_float("x", 0.0, 1.0)
        raise m.TrialPruned()

    study.optimize(objective, n_trials=1)
    trial = study.trials[-1]
    return [trial.state, trial.constraints == {"0": trial.params["x"] - 0.5, "1": -1.0}]


def _failing(m: Any, name: str) -> Any:
    def broken(trial: Any) -> list[float]:
        raise KeyError("no constraints")

    study = m.create_study(sampler=_sampler(m, name, broken))
    try:
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    except KeyError:
        pass
    return [study.trials[0].state, study.trials[0].constraints]


def _nan(m: Any, name: str) -> Any:
    study = m.create_study(sampler=_sampler(m, name, lambda t: [math.nan]))
    try:
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    except ValueError as exc:
        return [type(exc).__name__, study.trials[0].state, study.trials[0].constraints]
    return [study.trials[0].state, study.trials[0].constraints]


def _both(m: Any, name: str) -> Any:
    study = m.create_study(sampler=_sampler(m, name, _constraints_func))

    def objective(trial: Any) -> float:
        trial.set_constraint("manual", 1.0)
        return trial.suggest_float("x", 0.0, 1.0)

    study.optimize(objective, n_trials=1)
    return sorted(study.trials[0].constraints)


SCENARIOS: dict[str, Callable[[Any, _twin.Recorder], None]] = {
    "set_constraint": set_constraint,
    "create_trial": create_trial_constraints,
    "best trial": best_with_constraints,
    **{f"constraints_func of {name}": _sampler_scenario(name) for name in SAMPLERS},
}

_NOT_DEPRECATED = (
    "constraints_func is a supported argument of albacore's samplers, not deprecated, so it does "
    "not warn (Optuna 5.0 emits a FutureWarning and points to trial.set_constraint)"
)
# scenario -> step label -> why albacore's outcome differs on purpose (README, "Differences from Optuna").
DIFFERENT: dict[str, dict[str, str]] = {
    f"constraints_func of {name}": {"constructor": _NOT_DEPRECATED} for name in SAMPLERS
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_constraints_behave_as_optuna(scenario: str) -> None:
    expected = _twin.record(optuna, SCENARIOS[scenario])
    actual = _twin.record(albacore, SCENARIOS[scenario])
    _twin.assert_same(expected, actual, DIFFERENT.get(scenario, {}))
