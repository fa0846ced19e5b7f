"""The strategy hooks of NSGA-II/III: elite_population_selection_strategy,
child_generation_strategy and after_trial_strategy replace the sampler's own steps."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import albacore
from albacore.exceptions import ExperimentalWarning
from albacore.samplers import NSGAIIISampler, NSGAIISampler
from albacore.trial import FrozenTrial, TrialState

SAMPLERS = [NSGAIISampler, NSGAIIISampler]


def _objective(trial: albacore.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    return x, (x - 1.0) ** 2


def _make(sampler_class: type, **strategies: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        return sampler_class(population_size=4, seed=0, **strategies)


@pytest.mark.parametrize("sampler_class", SAMPLERS)
def test_elite_strategy_chooses_the_parents_of_the_next_generation(sampler_class: type) -> None:
    pools: list[list[int]] = []

    def two_smallest_x(study: Any, pool: list[FrozenTrial]) -> list[FrozenTrial]:
        pools.append([t.number for t in pool])
        return sorted(pool, key=lambda t: t.params["x"])[:2]

    sampler = _make(sampler_class, elite_population_selection_strategy=two_smallest_x)
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_objective, n_trials=12)
    # Generation 0 alone, then each generation followed by its parents (the survivors before).
    assert pools[0] == [0, 1, 2, 3]
    assert pools[1][:4] == [4, 5, 6, 7] and len(pools[1]) == 6
    survivors_0 = sorted(study.trials[:4], key=lambda t: t.params["x"])[:2]
    assert sampler.get_parent_population(study, 1) == survivors_0
    assert set(pools[1][4:]) == {t.number for t in survivors_0}
    for trial in study.trials[4:8]:  # bred by tournaments among the two survivors only
        assert set(trial.system_attrs["nsga:parents"]) <= {t.number for t in survivors_0}


@pytest.mark.parametrize("sampler_class", SAMPLERS)
def test_child_strategy_gives_the_parameters_of_every_later_trial(sampler_class: type) -> None:
    calls: list[tuple[list[str], list[int]]] = []

    def halfway_to_best(study: Any, space: dict[str, Any], parents: list[FrozenTrial]) -> dict[str, Any]:
        calls.append((sorted(space), [t.number for t in parents]))
        return {"x": min(t.params["x"] for t in parents) / 2}

    def objective(trial: albacore.Trial) -> tuple[float, float]:
        trial.suggest_categorical("c", ["a", "b"])  # left out by the strategy: drawn uniformly
        return _objective(trial)

    sampler = _make(sampler_class, child_generation_strategy=halfway_to_best)
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=8)
    assert len(calls) == 4
    assert all(space == ["c", "x"] for space, _ in calls)
    parents = sampler.get_parent_population(study, 1)
    assert sorted(calls[0][1]) == sorted(t.number for t in parents)
    for trial in study.trials[4:]:
        assert trial.params["x"] == min(t.params["x"] for t in parents) / 2
        assert trial.params["c"] in ("a", "b")
        assert "nsga:parents" not in trial.system_attrs


@pytest.mark.parametrize("sampler_class", SAMPLERS)
def test_after_trial_strategy_runs_for_every_finished_trial_instead_of_constraints_func(
    sampler_class: type,
) -> None:
    seen: list[tuple[int, TrialState, list[float] | None]] = []
    constraint_calls: list[int] = []

    def record(study: Any, trial: FrozenTrial, state: TrialState, values: Any) -> None:
        seen.append((trial.number, state, None if values is None else list(values)))

    def constraints(trial: FrozenTrial) -> list[float]:
        constraint_calls.append(trial.number)
        return [0.0]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = sampler_class(population_size=4, seed=0, after_trial_strategy=record, constraints_func=constraints)
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_objective, n_trials=1)
    pruned = study.ask()
    study.tell(pruned, state=TrialState.PRUNED)
    failed = study.ask()
    study.tell(failed, state=TrialState.FAIL)
    assert seen[0][0] == 0 and seen[0][1] == TrialState.COMPLETE and seen[0][2] is not None
    assert seen[1:] == [(1, TrialState.PRUNED, None), (2, TrialState.FAIL, None)]
    assert constraint_calls == []
    assert study.trials[0].constraints == {}


@pytest.mark.parametrize("sampler_class", SAMPLERS)
@pytest.mark.parametrize(
    "name", ["elite_population_selection_strategy", "child_generation_strategy", "after_trial_strategy"]
)
def test_strategy_arguments_are_experimental_and_must_be_callable(sampler_class: type, name: str) -> None:
    with pytest.warns(ExperimentalWarning, match=name):
        sampler_class(**{name: lambda *args: None})
    with pytest.raises(TypeError, match=rf"{name} must be callable, got {name}=3"):
        sampler_class(**{name: 3})


def test_elite_strategy_returning_foreign_or_wrong_values_is_an_error() -> None:
    outsider = albacore.create_trial(values=[0.0, 0.0], params={"x": 0.5},
                                     distributions={"x": albacore.distributions.FloatDistribution(0, 1)})
    outsider.number = 99
    for result, error, message in [
        ("abc", TypeError, "must return a list of FrozenTrial, got 'abc'"),
        ([1], TypeError, "must return a list of FrozenTrial, got an element 1"),
        ([outsider], ValueError, r"must return trials of the population it was given \(trials \[0, 1, 2, 3\]\), got "
                                 "trial 99"),
    ]:
        sampler = _make(NSGAIISampler, elite_population_selection_strategy=lambda study, pool, r=result: r)
        study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(_objective, n_trials=4)
        with pytest.raises(error, match=rf"NSGAIISampler: elite_population_selection_strategy {message}"):
            study.optimize(_objective, n_trials=1)


def test_child_strategy_returning_a_non_dict_is_an_error() -> None:
    sampler = _make(NSGAIISampler, child_generation_strategy=lambda study, space, parents: [0.5])
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_objective, n_trials=4)
    with pytest.raises(TypeError, match=r"child_generation_strategy must return a dict of parameter values, got "
                                        r"\[0.5\]"):
        study.optimize(_objective, n_trials=1)
