"""Behavioural twins: the samplers' decisions that do not depend on random draws (the points a
grid or brute-force search visits and when it stops, fixed parameters, enqueued points, a
seeded sampler repeating itself) agree between Optuna and albacore."""

from __future__ import annotations

from typing import Any, Callable

import _twin
import numpy as np
import optuna
import pytest

import albacore


def _objective(trial: Any) -> float:
    x = trial.suggest_int("x", 1, 3)
    return x + (trial.suggest_categorical("c", ["a", "b"]) == "a")


def _points(study: Any) -> list[Any]:
    return sorted((t.params.get("x"), t.params.get("c")) for t in study.trials)


def grid(m: Any, rec: _twin.Recorder) -> None:
    space = {"x": np.array([1, 2, 3]), "c": ["a", "b"]}
    study = m.create_study(sampler=m.samplers.GridSampler(space, seed=0))
    rec("optimize stops after the grid", lambda: study.optimize(_objective, n_trials=20))
    rec("every point once", lambda: _points(study))
    rec("is_exhausted", lambda: study.sampler.is_exhausted(study))
    rec("a value outside the grid", lambda: m.create_study(sampler=m.samplers.GridSampler({"x": [7]})).optimize(
        lambda t: t.suggest_int("x", 1, 3), n_trials=1))
    partial = m.create_study(sampler=m.samplers.GridSampler({"x": [1, 2]}, seed=0))
    rec("a parameter outside the grid", lambda: partial.optimize(_objective, n_trials=1))


def brute_force(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study(sampler=m.samplers.BruteForceSampler(seed=0))
    rec("optimize stops after the space", lambda: study.optimize(_objective, n_trials=20))
    rec("every point once", lambda: _points(study))
    floats = m.create_study(sampler=m.samplers.BruteForceSampler(seed=0))
    rec("a stepped float", lambda: floats.optimize(lambda t: t.suggest_float("f", 0.0, 1.0, step=0.25), n_trials=9))
    rec("its points", lambda: sorted(t.params["f"] for t in floats.trials))
    rec("a continuous float", lambda: m.create_study(sampler=m.samplers.BruteForceSampler()).optimize(
        lambda t: t.suggest_float("f", 0.0, 1.0), n_trials=1))


def partial_fixed(m: Any, rec: _twin.Recorder) -> None:
    sampler = m.samplers.PartialFixedSampler({"x": 2}, m.samplers.RandomSampler(seed=0))
    study = m.create_study(sampler=sampler)
    rec("optimize", lambda: study.optimize(_objective, n_trials=4))
    rec("x fixed", lambda: [t.params["x"] for t in study.trials])
    rec("c sampled", lambda: all(t.params["c"] in ("a", "b") for t in study.trials))
    outside = m.create_study(sampler=m.samplers.PartialFixedSampler({"x": 9}, m.samplers.RandomSampler()))
    rec("a fixed value outside the range", lambda: outside.optimize(_objective, n_trials=1))
    rec("its value", lambda: outside.trials[0].params["x"])


def seeded(m: Any, rec: _twin.Recorder) -> None:
    for name, make in {
        "RandomSampler": lambda: m.samplers.RandomSampler(seed=3),
        "TPESampler": lambda: m.samplers.TPESampler(seed=3, n_startup_trials=3),
        "CmaEsSampler": lambda: m.samplers.CmaEsSampler(seed=3, n_startup_trials=2),
        "QMCSampler": lambda: m.samplers.QMCSampler(seed=3),
        "NSGAIISampler": lambda: m.samplers.NSGAIISampler(seed=3, population_size=4),
    }.items():
        runs = []
        for _ in range(2):
            study = m.create_study(sampler=make())
            study.optimize(lambda t: t.suggest_float("u", 0, 1) + t.suggest_float("v", 0, 1), n_trials=8)
            runs.append([t.params for t in study.trials])
        rec(f"{name} repeats itself with a seed", lambda runs=runs: runs[0] == runs[1])


def enqueued(m: Any, rec: _twin.Recorder) -> None:
    for name, make in {
        "TPESampler": lambda: m.samplers.TPESampler(seed=0),
        "CmaEsSampler": lambda: m.samplers.CmaEsSampler(seed=0),
        "GPSampler": lambda: m.samplers.GPSampler(seed=0),
        "NSGAIISampler": lambda: m.samplers.NSGAIISampler(seed=0),
        "QMCSampler": lambda: m.samplers.QMCSampler(seed=0),
        "BruteForceSampler": lambda: m.samplers.BruteForceSampler(seed=0),
    }.items():
        study = m.create_study(sampler=make())
        study.enqueue_trial({"x": 3, "c": "b"})
        study.optimize(_objective, n_trials=1)
        rec(f"{name} takes the enqueued point", lambda study=study: study.trials[0].params)


SCENARIOS: dict[str, Callable[[Any, _twin.Recorder], None]] = {
    f.__name__: f for f in (grid, brute_force, partial_fixed, seeded, enqueued)
}

# scenario -> step label -> why albacore's outcome differs on purpose (README, "Differences from Optuna").
DIFFERENT: dict[str, dict[str, str]] = {}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_sampler_decisions_behave_as_optuna(scenario: str) -> None:
    expected = _twin.record(optuna, SCENARIOS[scenario])
    actual = _twin.record(albacore, SCENARIOS[scenario])
    _twin.assert_same(expected, actual, DIFFERENT.get(scenario, {}))
