"""NSGAIIISampler: reference points, niching, many objectives."""

from __future__ import annotations

import collections
import math

import numpy as np
import pytest
from _kinds import KIND_PARAMS, all_kinds_two_objectives, check_value

import albacore
from albacore.samplers import NSGAIIISampler, RandomSampler
from albacore.samplers._ga._selection import das_dennis_points, select_nsga3
from albacore.samplers.nsgaii import SBXCrossover
from albacore.trial import TrialState


def _dtlz2(trial: albacore.Trial, n_objectives: int = 4) -> list[float]:
    xs = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(n_objectives + 3)]
    g = sum((x - 0.5) ** 2 for x in xs[n_objectives - 1 :])
    values = []
    for m in range(n_objectives):
        value = 1.0 + g
        for x in xs[: n_objectives - 1 - m]:
            value *= math.cos(x * math.pi / 2)
        if m > 0:
            value *= math.sin(xs[n_objectives - 1 - m] * math.pi / 2)
        values.append(value)
    return values


def test_das_dennis_points_cover_the_simplex() -> None:
    points = das_dennis_points(3, 4)
    assert points.shape == (math.comb(4 + 2, 2), 3)
    assert np.allclose(points.sum(axis=1), 1.0)
    assert len({tuple(p) for p in points}) == len(points)
    assert sorted(das_dennis_points(2, 1).tolist()) == [[0.0, 1.0], [1.0, 0.0]]


def test_niching_keeps_points_spread_over_reference_directions() -> None:
    # One non-dominated front on the line f1 + f2 = 1: eight points crowd one end, two lie elsewhere.
    f1 = np.array([0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.5, 1.0])
    points = np.column_stack([f1, 1.0 - f1])
    chosen = select_nsga3(points, np.zeros(10), 3, das_dennis_points(2, 2), np.random.default_rng(0))
    assert len(chosen) == 3 and len(set(chosen.tolist())) == 3
    # One survivor per reference direction (0,1), (0.5,0.5), (1,0).
    assert {8, 9} <= set(chosen.tolist())


def test_many_objectives_improve_on_random_search() -> None:
    def mean_distance(sampler: albacore.samplers.BaseSampler) -> float:
        study = albacore.create_study(directions=["minimize"] * 4, sampler=sampler)
        study.optimize(_dtlz2, n_trials=400)
        last = np.array([t.values for t in study.trials[-40:]])
        return float(np.mean(np.linalg.norm(last, axis=1)))  # 1.0 on the Pareto front, ~1.33 at random

    gaps = []
    for seed in range(3):
        nsga = mean_distance(NSGAIIISampler(population_size=20, seed=seed))
        random = mean_distance(RandomSampler(seed=seed))
        gaps.append(random - nsga)
    assert min(gaps) > 0.08 and np.mean(gaps) > 0.12, gaps


def test_sbx_crossover_runs_on_many_objectives() -> None:
    sampler = NSGAIIISampler(population_size=8, seed=0, crossover=SBXCrossover())
    study = albacore.create_study(directions=["minimize"] * 4, sampler=sampler)
    study.optimize(_dtlz2, n_trials=40)
    assert len(study.system_attrs["nsga:population:3"]) == 8


def test_every_distribution_kind_and_generations() -> None:
    sampler = NSGAIIISampler(population_size=6, seed=0)
    study = albacore.create_study(directions=["minimize", "maximize"], sampler=sampler)
    study.optimize(all_kinds_two_objectives, n_trials=30)
    for trial in study.trials:
        for name in KIND_PARAMS:
            check_value(name, trial.params[name])
    assert collections.Counter(t.system_attrs["nsga:generation"] for t in study.trials) == {g: 6 for g in range(5)}


def test_custom_reference_points_and_seed() -> None:
    reference = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1 / 3, 1 / 3, 1 / 3]])

    def run(seed: int) -> list:
        sampler = NSGAIIISampler(reference_points=reference, population_size=5, seed=seed)
        study = albacore.create_study(directions=["minimize"] * 3, sampler=sampler)
        study.optimize(lambda t: _dtlz2(t, 3), n_trials=20)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)
        return [t.params for t in study.trials]

    assert run(0) == run(0)
    assert run(0) != run(1)


def test_reference_points_must_match_the_objectives() -> None:
    sampler = NSGAIIISampler(reference_points=np.array([[1.0, 0.0], [0.0, 1.0]]), population_size=3, seed=0)
    study = albacore.create_study(directions=["minimize"] * 3, sampler=sampler)
    with pytest.raises(
        ValueError, match=r"NSGAIIISampler: reference_points have 2 coordinates but study .* has 3 objectives"
    ):
        study.optimize(lambda t: _dtlz2(t, 3), n_trials=6)


def test_threads_and_failures() -> None:
    def objective(trial: albacore.Trial) -> list[float]:
        values = _dtlz2(trial, 3)
        if trial.number % 4 == 1:
            raise RuntimeError("broken")
        return values

    study = albacore.create_study(directions=["minimize"] * 3, sampler=NSGAIIISampler(population_size=6, seed=0))
    study.optimize(objective, n_trials=40, n_jobs=2, catch=(RuntimeError,))
    survivors = study.system_attrs["nsga:population:1"]
    assert all(study.trials[n].state == TrialState.COMPLETE for n in survivors)


def test_invalid_arguments_raise() -> None:
    with pytest.raises(
        ValueError, match=r"NSGAIIISampler: dividing_parameter must be an int >= 1, got dividing_parameter=0"
    ):
        NSGAIIISampler(dividing_parameter=0)
    with pytest.raises(ValueError, match=r"NSGAIIISampler: reference_points must be a non-empty 2-D array"):
        NSGAIIISampler(reference_points=np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"NSGAIIISampler: population_size must be an int >= 2"):
        NSGAIIISampler(population_size=0)
