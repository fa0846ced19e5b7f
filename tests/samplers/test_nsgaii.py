"""NSGAIISampler: generations in the storage, crossovers, constraints, and quality vs random."""

from __future__ import annotations

import collections
import math
import warnings

import numpy as np
import pytest
from _kinds import KIND_PARAMS, all_kinds_two_objectives, check_value

import albacore
from albacore.samplers import NSGAIISampler, RandomSampler
from albacore.samplers.nsgaii import (
    BaseCrossover,
    BLXAlphaCrossover,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from albacore.trial import TrialState

CROSSOVERS = [
    UniformCrossover(),
    BLXAlphaCrossover(),
    SPXCrossover(),
    SBXCrossover(),
    VSBXCrossover(),
    UNDXCrossover(),
]


def _zdt1(trial: albacore.Trial) -> tuple[float, float]:
    xs = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(4)]
    g = 1.0 + 9.0 * sum(xs[1:]) / 3.0
    return xs[0], g * (1.0 - math.sqrt(xs[0] / g))


def _hypervolume_2d(points: np.ndarray, reference: tuple[float, float]) -> float:
    """Area dominated by ``points`` (minimization) below ``reference``, by a sweep over f1."""
    points = points[np.all(points < np.array(reference), axis=1)]
    volume, best_f2 = 0.0, reference[1]
    for f1, f2 in points[np.argsort(points[:, 0], kind="stable")]:
        if f2 < best_f2:
            volume += (reference[0] - f1) * (best_f2 - f2)
            best_f2 = f2
    return volume


@pytest.mark.parametrize("crossover", CROSSOVERS, ids=str)
def test_every_crossover_respects_every_distribution_kind(crossover: BaseCrossover) -> None:
    sampler = NSGAIISampler(population_size=8, crossover=crossover, seed=0)
    study = albacore.create_study(directions=["minimize", "maximize"], sampler=sampler)
    study.optimize(all_kinds_two_objectives, n_trials=40)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    for trial in study.trials:
        for name in KIND_PARAMS:
            check_value(name, trial.params[name])
    assert max(t.system_attrs["nsga:generation"] for t in study.trials) >= 3


def test_generations_and_parents_are_recorded_in_the_storage() -> None:
    study = albacore.create_study(directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=6, seed=0))
    study.optimize(_zdt1, n_trials=30)
    generations = collections.Counter(t.system_attrs["nsga:generation"] for t in study.trials)
    assert generations == {g: 6 for g in range(5)}
    attrs = study.system_attrs
    for generation in range(4):
        survivors = attrs[f"nsga:population:{generation}"]
        assert len(survivors) == 6
        # Survivors come from this generation and the previous survivors only.
        previous = set(attrs.get(f"nsga:population:{generation - 1}", []))
        allowed = previous | {t.number for t in study.trials if t.system_attrs["nsga:generation"] == generation}
        assert set(survivors) <= allowed
    for trial in study.trials:
        generation = trial.system_attrs["nsga:generation"]
        if generation == 0:
            assert "nsga:parents" not in trial.system_attrs
        else:
            assert set(trial.system_attrs["nsga:parents"]) <= set(attrs[f"nsga:population:{generation - 1}"])


def test_beats_random_sampling_by_hypervolume_over_several_seeds() -> None:
    reference = (1.1, 11.0)
    gains = []
    for seed in range(4):
        volumes = []
        for sampler in (NSGAIISampler(population_size=20, seed=seed), RandomSampler(seed=seed)):
            study = albacore.create_study(directions=["minimize"] * 2, sampler=sampler)
            study.optimize(_zdt1, n_trials=240)
            volumes.append(_hypervolume_2d(np.array([t.values for t in study.trials]), reference))
        gains.append(volumes[0] - volumes[1])
    # Random search reaches about 10.2 of the optimal 11.77 here; NSGA-II gains about 1.
    assert all(g > 0.2 for g in gains), gains
    assert np.mean(gains) > 0.4, gains


def test_same_seed_same_trials() -> None:
    def run(seed: int) -> list:
        study = albacore.create_study(directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=5, seed=seed))
        study.optimize(all_kinds_two_objectives, n_trials=20)
        return [t.params for t in study.trials]

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_constraints_func_prefers_feasible_trials() -> None:
    def constraints(trial: albacore.trial.FrozenTrial) -> list[float]:
        assert trial.values is not None  # the function sees the finished values
        return [0.5 - trial.params["x0"], trial.params["x1"] - 0.5]  # feasible iff x0 >= 0.5 and x1 <= 0.5

    sampler = NSGAIISampler(population_size=10, seed=0, constraints_func=constraints)
    study = albacore.create_study(directions=["minimize"] * 2, sampler=sampler)
    study.optimize(_zdt1, n_trials=120)
    assert study.trials[0].system_attrs["constraints"] == {
        "0": 0.5 - study.trials[0].params["x0"], "1": study.trials[0].params["x1"] - 0.5,
    }
    survivors = study.system_attrs["nsga:population:10"]
    feasible = [all(c <= 0 for c in study.trials[n].constraints.values()) for n in survivors]
    assert all(feasible)
    last = [all(c <= 0 for c in t.constraints.values()) for t in study.trials[-20:]]
    first = [all(c <= 0 for c in t.constraints.values()) for t in study.trials[:20]]
    assert sum(last) > sum(first)


def test_trial_set_constraint_is_honoured_without_constraints_func() -> None:
    def objective(trial: albacore.Trial) -> tuple[float, float]:
        values = _zdt1(trial)
        trial.set_constraint("c", trial.params["x0"] - 0.3)  # feasible iff x0 <= 0.3
        return values

    study = albacore.create_study(directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=10, seed=0))
    study.optimize(objective, n_trials=80)
    survivors = study.system_attrs["nsga:population:6"]
    assert all(study.trials[n].params["x0"] <= 0.3 for n in survivors)


def test_a_failing_constraints_func_propagates_and_the_trial_still_completes() -> None:
    # As in Optuna (and albacore's TPE and GP samplers): the error stops optimize.
    def constraints(trial: albacore.trial.FrozenTrial) -> list[float]:
        raise ZeroDivisionError("bad constraint")

    study = albacore.create_study(
        directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=4, seed=0, constraints_func=constraints)
    )
    with pytest.raises(ZeroDivisionError, match="bad constraint"):
        study.optimize(_zdt1, n_trials=6)
    [trial] = study.trials
    assert trial.state == TrialState.COMPLETE and trial.constraints == {}


def test_constraints_func_also_runs_for_pruned_trials_and_keeps_set_constraint_values() -> None:
    sampler = NSGAIISampler(population_size=4, seed=0, constraints_func=lambda t: [t.params["x"] - 0.5])
    study = albacore.create_study(sampler=sampler)

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.set_constraint("manual", -1.0)
        if trial.number == 1:
            raise albacore.TrialPruned()
        return x

    study.optimize(objective, n_trials=2)
    for trial in study.trials:
        assert trial.constraints == {"0": trial.params["x"] - 0.5, "manual": -1.0}


def test_fail_trials_do_not_fill_generations() -> None:
    def objective(trial: albacore.Trial) -> tuple[float, float]:
        values = _zdt1(trial)
        if trial.number % 3 == 0:
            raise RuntimeError("broken")
        return values

    study = albacore.create_study(directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=5, seed=0))
    study.optimize(objective, n_trials=30, catch=(RuntimeError,))
    for generation in range(3):
        survivors = study.system_attrs[f"nsga:population:{generation}"]
        assert all(study.trials[n].state == TrialState.COMPLETE for n in survivors)
    complete_per_generation = collections.Counter(
        t.system_attrs["nsga:generation"] for t in study.trials if t.state == TrialState.COMPLETE
    )
    assert complete_per_generation[0] == 5 and complete_per_generation[1] == 5


def test_threads_share_generations() -> None:
    study = albacore.create_study(directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=8, seed=0))
    study.optimize(_zdt1, n_trials=60, n_jobs=3)
    assert len(study.trials) == 60
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert "nsga:population:3" in study.system_attrs


def test_enqueued_trials_join_a_generation() -> None:
    study = albacore.create_study(directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=4, seed=0))
    study.enqueue_trial({"x0": 0.0, "x1": 0.0, "x2": 0.0, "x3": 0.0})
    study.optimize(_zdt1, n_trials=10)
    assert study.trials[0].params == {"x0": 0.0, "x1": 0.0, "x2": 0.0, "x3": 0.0}
    assert study.trials[0].system_attrs["nsga:generation"] == 0


def test_conditional_parameters_are_inherited_or_sampled() -> None:
    def objective(trial: albacore.Trial) -> tuple[float, float]:
        kind = trial.suggest_categorical("kind", ["lin", "log"])
        if kind == "lin":
            x = trial.suggest_float("a", -1.0, 1.0)
        else:
            x = math.log(trial.suggest_float("b", 1e-3, 1.0, log=True))
        return x**2, (x - 1) ** 2

    study = albacore.create_study(directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=6, seed=0))
    study.optimize(objective, n_trials=48)
    for trial in study.trials:
        if trial.params["kind"] == "lin":
            assert -1.0 <= trial.params["a"] <= 1.0 and "b" not in trial.params
        else:
            assert 1e-3 <= trial.params["b"] <= 1.0 and "a" not in trial.params
    # Without crossover and mutation a child is its first parent, conditional values included.
    cloning = NSGAIISampler(population_size=6, seed=0, crossover_prob=0.0, mutation_prob=0.0)
    clones = albacore.create_study(directions=["minimize"] * 2, sampler=cloning)
    clones.optimize(objective, n_trials=18)
    for trial in clones.trials[6:]:
        assert trial.params == clones.trials[trial.system_attrs["nsga:parents"][0]].params


def test_single_objective_studies_work() -> None:
    study = albacore.create_study(sampler=NSGAIISampler(population_size=10, seed=0))
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=80)
    assert study.best_value < 0.05


def test_invalid_arguments_raise() -> None:
    with pytest.raises(ValueError, match=r"NSGAIISampler: population_size must be an int >= 2, got population_size=1"):
        NSGAIISampler(population_size=1)
    with pytest.raises(
        ValueError, match=r"NSGAIISampler: mutation_prob must be a probability in \[0, 1\], got mutation_prob=1.5"
    ):
        NSGAIISampler(mutation_prob=1.5)
    with pytest.raises(ValueError, match=r"NSGAIISampler: crossover_prob must be a probability"):
        NSGAIISampler(crossover_prob=-0.1)
    with pytest.raises(ValueError, match=r"NSGAIISampler: swapping_prob must be a probability"):
        NSGAIISampler(swapping_prob=2)
    with pytest.raises(TypeError, match=r"NSGAIISampler: crossover must be a BaseCrossover, got crossover='sbx'"):
        NSGAIISampler(crossover="sbx")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"population_size must be >= the 3 parents SPXCrossover needs"):
        NSGAIISampler(population_size=2, crossover=SPXCrossover())
    with pytest.raises(TypeError, match=r"NSGAIISampler: constraints_func must be callable"):
        NSGAIISampler(constraints_func=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"BLXAlphaCrossover: alpha must be in \[0.0, inf\], got alpha=-1"):
        BLXAlphaCrossover(alpha=-1)
    with pytest.raises(ValueError, match=r"SBXCrossover: eta must be in \(0.0, inf\], got eta=0"):
        SBXCrossover(eta=0)
    with pytest.raises(ValueError, match=r"VSBXCrossover: use_child_gene_prob must be in \(0.0, 1.0\]"):
        VSBXCrossover(use_child_gene_prob=0.0)
    with pytest.raises(ValueError, match=r"UNDXCrossover: sigma_xi must be in \(0.0, inf\]"):
        UNDXCrossover(sigma_xi=0)
    with pytest.raises(ValueError, match=r"UniformCrossover: swapping_prob must be in \[0.0, 1.0\]"):
        UniformCrossover(swapping_prob=1.2)
    with pytest.raises(TypeError, match=r"SPXCrossover: epsilon must be a number, got epsilon='a'"):
        SPXCrossover(epsilon="a")  # type: ignore[arg-type]


@pytest.mark.parametrize("crossover", CROSSOVERS, ids=str)
def test_crossovers_produce_children_between_or_near_their_parents(crossover: BaseCrossover) -> None:
    rng = np.random.default_rng(0)
    study = albacore.create_study(directions=["minimize"] * 2)
    parents = np.array([[0.2, 0.4, 0.6], [0.4, 0.6, 0.8], [0.3, 0.2, 0.7]])[: crossover.n_parents]
    bounds = np.array([[0.0, 1.0]] * 3)
    children = np.array([crossover.crossover(parents, rng, study, bounds) for _ in range(400)])
    assert children.shape == (400, 3)
    assert np.all(np.isfinite(children))
    # Children centre on the parents: the mean child lies within the parents' hull, widened a little.
    low, high = parents.min(axis=0) - 0.15, parents.max(axis=0) + 0.15
    assert np.all((low <= children.mean(axis=0)) & (children.mean(axis=0) <= high))
    if isinstance(crossover, UniformCrossover):
        assert all(any(np.array_equal(c[i], p[i]) for p in parents) for c in children for i in range(3))


def test_uniform_crossover_with_one_parameter_and_warnings_free_run() -> None:
    study = albacore.create_study(directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=4, seed=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("x", 0, 1)), n_trials=16)
    assert len(study.trials) == 16


def test_a_pickled_sampler_continues_the_study() -> None:
    import pickle

    sampler = NSGAIISampler(population_size=4, seed=0)
    study = albacore.create_study(directions=["minimize"] * 2, sampler=sampler)
    study.optimize(_zdt1, n_trials=8)
    copy = pickle.loads(pickle.dumps(sampler))
    copy.reseed_rng()
    resumed = albacore.load_study(study_name=study.study_name, storage=study._storage, sampler=copy)
    resumed.optimize(_zdt1, n_trials=4)
    assert [t.system_attrs["nsga:generation"] for t in resumed.trials[8:]] == [2, 2, 2, 2]
