"""NSGA-II/III accessors shared with Optuna's GA samplers: population_size, get_trial_generation."""

from __future__ import annotations

import pytest

import albacore
from albacore.samplers import NSGAIIISampler, NSGAIISampler


@pytest.mark.parametrize("sampler_class", [NSGAIISampler, NSGAIIISampler])
def test_trials_are_numbered_by_generation_of_population_size(sampler_class) -> None:
    sampler = sampler_class(population_size=4, seed=0)
    assert sampler.population_size == 4
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=12)
    assert [sampler.get_trial_generation(study, t) for t in study.trials] == [0] * 4 + [1] * 4 + [2] * 4


def test_trial_of_another_sampler_has_no_generation() -> None:
    study = albacore.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    with pytest.raises(ValueError, match=r"NSGAIISampler.get_trial_generation: trial 0 has no generation"):
        NSGAIISampler().get_trial_generation(study, study.trials[0])


@pytest.mark.parametrize("sampler_class", [NSGAIISampler, NSGAIIISampler])
def test_populations_and_parents_by_generation(sampler_class) -> None:
    sampler = sampler_class(population_size=4, seed=0)
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=10)
    assert [t.number for t in sampler.get_population(study, 1)] == [4, 5, 6, 7]
    assert [t.number for t in sampler.get_population(study, 2)] == [8, 9]
    assert sampler.get_parent_population(study, 0) == []
    assert sorted(t.number for t in sampler.get_parent_population(study, 1)) == [0, 1, 2, 3]
    parents_of_2 = {t.number for t in sampler.get_parent_population(study, 2)}
    assert len(parents_of_2) == 4 and parents_of_2 <= set(range(8))
    with pytest.raises(ValueError, match=r"get_parent_population: generation 2 has not completed .*generation=3"):
        sampler.get_parent_population(study, 3)


def test_select_parent_returns_the_parents_a_generation_is_bred_from() -> None:
    # As Optuna's: select_parent(study, g) selects among generation g - 1 and its parents.
    sampler = NSGAIISampler(population_size=4, seed=1)
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=9)
    assert sampler.select_parent(study, 0) == []
    assert sampler.select_parent(study, 2) == sampler.get_parent_population(study, 2)
    assert sorted(t.number for t in sampler.select_parent(study, 1)) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match=r"generation 2 has not completed"):
        sampler.select_parent(study, 3)
