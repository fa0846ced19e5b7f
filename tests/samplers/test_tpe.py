"""TPESampler: what its users rely on beyond the sampler contract kit.

The kit (tests/samplers/test_sampler_contract.py) already checks every distribution kind,
conditional parameters, seeds, threads, enqueued trials and FAIL trials for TPESampler.
"""

from __future__ import annotations

import math
import pickle
import warnings

import numpy as np
import pytest

import albacore
from albacore.distributions import CategoricalDistribution
from albacore.samplers import RandomSampler, TPESampler
from albacore.trial import TrialState, create_trial


def _quadratic(trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_float("y", -5.0, 5.0)
    z = trial.suggest_int("z", -10, 10)
    return (x - 1.2) ** 2 + (y + 0.7) ** 2 + 0.1 * (z - 3) ** 2


def _best(sampler, objective, n_trials: int, **kwargs) -> float:
    study = albacore.create_study(sampler=sampler, **kwargs)
    study.optimize(objective, n_trials=n_trials)
    return study.best_value


@pytest.mark.parametrize("multivariate", [True, False])
def test_beats_random_search_on_every_seed_with_margin(multivariate: bool) -> None:
    tpe, rnd = [], []
    for seed in range(5):
        tpe.append(_best(TPESampler(seed=seed, multivariate=multivariate), _quadratic, 60))
        rnd.append(_best(RandomSampler(seed=seed), _quadratic, 60))
    # Random search over 60 trials typically ends around 0.5-2; TPE well below.
    assert np.median(tpe) < 0.25 * np.median(rnd), (tpe, rnd)
    assert sum(t < r for t, r in zip(tpe, rnd)) >= 4, (tpe, rnd)


def test_maximization_finds_the_maximum() -> None:
    study = albacore.create_study(direction="maximize", sampler=TPESampler(seed=0))
    study.optimize(lambda t: -_quadratic(t), n_trials=60)
    assert study.best_value > -0.5
    assert abs(study.best_params["x"] - 1.2) < 0.7


def test_log_int_and_categorical_parameters_are_learned() -> None:
    def objective(trial) -> float:
        units = trial.suggest_int("units", 1, 1024, log=True)
        kind = trial.suggest_categorical("kind", ["bad", "good", "worse"])
        rate = trial.suggest_float("rate", 1e-5, 1.0, log=True)
        return abs(math.log2(units) - 6) + (kind != "good") * 3 + abs(math.log10(rate) + 3)

    study = albacore.create_study(sampler=TPESampler(seed=1))
    study.optimize(objective, n_trials=60)
    kinds = [t.params["kind"] for t in study.trials[-20:]]
    assert kinds.count("good") >= 15, kinds
    assert study.best_value < 1.5


def test_categorical_choices_that_were_rarely_tried_keep_a_chance() -> None:
    # "a" won every good trial; "b" failed twice, "c" thirty times. The model mostly picks
    # "a", still tries "b" now and then (little is known about it), and "c" less often.
    study = albacore.create_study(sampler=TPESampler(seed=0))
    dist = {"k": CategoricalDistribution(["a", "b", "c"])}
    for k, values in (("a", np.linspace(0.0, 1.0, 12)), ("b", [10.0, 10.0]), ("c", [10.0] * 30)):
        for value in values:
            study.add_trial(create_trial(params={"k": k}, distributions=dist, value=float(value)))
    picks = []
    for _ in range(300):
        trial = study.ask()
        picks.append(trial.suggest_categorical("k", ["a", "b", "c"]))
        study.tell(trial, state=TrialState.FAIL)  # keeps the history as it is
    assert picks.count("a") > 0.8 * len(picks), picks
    assert picks.count("b") >= 3, picks  # argmax of l/g alone would never pick it
    assert picks.count("c") < picks.count("b"), picks


def test_first_trials_are_random_then_the_model_takes_over() -> None:
    sampler = TPESampler(seed=0, n_startup_trials=7)
    study = albacore.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=7)
    trial = study.ask()
    frozen = study.get_trials(deepcopy=False)[-1]
    space = sampler.infer_relative_search_space(study, frozen)
    assert set(space) == {"x", "y", "z"}
    relative = sampler.sample_relative(study, frozen, space)
    assert set(relative) == {"x", "y", "z"}
    study.tell(trial, state=TrialState.FAIL)

    fresh = TPESampler(seed=0, n_startup_trials=8)
    study2 = albacore.create_study(sampler=fresh)
    study2.optimize(_quadratic, n_trials=7)
    frozen2 = study2.ask()
    assert fresh.sample_relative(study2, study2.get_trials(deepcopy=False)[-1], space) == {}
    study2.tell(frozen2, state=TrialState.FAIL)


def test_same_seed_same_sequence_and_different_seeds_differ() -> None:
    def run(seed: int) -> list[dict]:
        study = albacore.create_study(sampler=TPESampler(seed=seed, n_startup_trials=3))
        study.optimize(_quadratic, n_trials=15)
        return [t.params for t in study.trials]

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_infeasible_trials_count_as_bad() -> None:
    # The objective prefers x = -5, but x < 0 violates the constraint: the search must
    # gather at the boundary instead of at the infeasible optimum.
    def objective(trial) -> float:
        x = trial.suggest_float("x", -5.0, 5.0)
        trial.set_constraint("c0", -x)
        return x

    study = albacore.create_study(sampler=TPESampler(seed=0))
    study.optimize(objective, n_trials=50)
    late = [t.params["x"] for t in study.trials[-20:]]
    assert -1.0 < np.median(late) < 1.0, late
    assert 0.0 <= study.best_value < 0.3


def test_constraints_func_is_stored_as_the_constraints_attribute() -> None:
    calls = []

    def constraints(frozen):
        calls.append((frozen.state, frozen.values))
        return [frozen.params["x"] - 1.0, -1.0]

    study = albacore.create_study(sampler=TPESampler(seed=0, constraints_func=constraints))
    study.optimize(lambda t: t.suggest_float("x", 0.0, 3.0), n_trials=15)
    for trial in study.trials:
        assert trial.system_attrs["constraints"] == {"0": trial.params["x"] - 1.0, "1": -1.0}
        assert trial.constraints == {"0": trial.params["x"] - 1.0, "1": -1.0}
    assert calls[0][0] == TrialState.COMPLETE and calls[0][1] == [study.trials[0].value]
    assert all(t.params["x"] <= 1.0 for t in study.best_trials)


def test_multi_objective_approaches_the_front() -> None:
    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_float("y", 0.0, 1.0)
        return x, (1.0 + 9.0 * y) * (1.0 - math.sqrt(x / (1.0 + 9.0 * y)))

    from albacore.hypervolume import compute_hypervolume

    hv = {}
    for name, sampler in (("tpe", TPESampler(seed=0)), ("random", RandomSampler(seed=0))):
        study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(objective, n_trials=80)
        front = np.array([t.values for t in study.best_trials])
        hv[name] = compute_hypervolume(front, np.array([1.1, 1.1]))
    assert hv["tpe"] > hv["random"] + 0.05, hv


def test_multi_objective_with_maximize_and_constraints() -> None:
    def objective(trial):
        x = trial.suggest_float("x", 0.0, 2.0)
        trial.set_constraint("c", x - 1.5)
        return x, x  # minimize x, maximize x

    study = albacore.create_study(directions=["minimize", "maximize"], sampler=TPESampler(seed=0))
    study.optimize(objective, n_trials=30)
    assert all(t.params["x"] <= 1.5 for t in study.best_trials)


def test_constant_liar_spreads_concurrent_trials() -> None:
    def spread(liar: bool) -> float:
        study = albacore.create_study(sampler=TPESampler(seed=0, constant_liar=liar))
        study.optimize(lambda t: (t.suggest_float("x", -5.0, 5.0) - 1.0) ** 2, n_trials=20)
        running, xs = [], []
        for _ in range(6):  # like parallel workers: each starts while the others still run
            running.append(study.ask())
            xs.append(running[-1].suggest_float("x", -5.0, 5.0))
        for t in running:
            study.tell(t, 0.0)
        return float(np.std(xs))

    assert spread(True) > spread(False)


def test_group_models_each_branch_of_a_conditional_space() -> None:
    def objective(trial) -> float:
        branch = trial.suggest_categorical("branch", ["a", "b"])
        if branch == "a":
            return (trial.suggest_float("a_x", -5.0, 5.0) - 2.0) ** 2
        return 1.0 + trial.suggest_int("b_n", 0, 20) / 20

    sampler = TPESampler(seed=0, group=True)
    study = albacore.create_study(sampler=sampler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # group=True samples everything relatively: no warning
        study.optimize(objective, n_trials=50)
    trial = study.ask()
    frozen = study.get_trials(deepcopy=False)[-1]
    assert set(sampler.infer_relative_search_space(study, frozen)) == {"branch", "a_x", "b_n"}
    study.tell(trial, state=TrialState.FAIL)
    assert study.best_value < 0.1
    assert [t.params["branch"] for t in study.trials[-16:-1]].count("a") >= 10


def test_independent_sampling_warns_once_per_parameter() -> None:
    def objective(trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number % 2:
            x += trial.suggest_float("extra", 0.0, 1.0)
        return x

    study = albacore.create_study(sampler=TPESampler(seed=0, n_startup_trials=2))
    with pytest.warns(UserWarning, match="'extra' is sampled on its own") as record:
        study.optimize(objective, n_trials=12)
    assert sum("'extra'" in str(w.message) for w in record) == 1
    quiet = albacore.create_study(sampler=TPESampler(seed=0, n_startup_trials=2, warn_independent_sampling=False))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet.optimize(objective, n_trials=12)


def test_batched_ask_and_tell_across_the_startup_boundary_does_not_warn() -> None:
    # Trials asked while the history was still short got no joint sample; when they suggest
    # after the startup trials finished, x and y are jointly modelled parameters, not ones
    # outside the joint space, so there is nothing to warn about.
    study = albacore.create_study(sampler=TPESampler(seed=0, n_startup_trials=3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(4):
            batch = [study.ask() for _ in range(4)]
            for trial in batch:
                study.tell(trial, trial.suggest_float("x", 0.0, 1.0) + trial.suggest_float("y", 0.0, 1.0))
    assert len(study.trials) == 16
    # A parameter that really is outside the joint space still warns in the same pattern.
    with pytest.warns(UserWarning, match="'extra' is sampled on its own"):
        batch = [study.ask() for _ in range(2)]
        for trial in batch:
            value = trial.suggest_float("x", 0.0, 1.0) + trial.suggest_float("extra", 0.0, 1.0)
            study.tell(trial, value)


def test_custom_gamma_weights_and_categorical_distance_are_used() -> None:
    seen = {"gamma": [], "weights": []}

    def gamma(n: int) -> int:
        seen["gamma"].append(n)
        return max(2, n // 5)

    def weights(n: int) -> np.ndarray:
        seen["weights"].append(n)
        return np.ones(n)

    sampler = TPESampler(
        seed=0, n_startup_trials=4, gamma=gamma, weights=weights,
        categorical_distance_func={"k": lambda a, b: abs(a - b)},
    )
    study = albacore.create_study(sampler=sampler)
    study.optimize(lambda t: (t.suggest_categorical("k", [0, 1, 2, 3, 4, 5]) - 4) ** 2, n_trials=30)
    assert seen["gamma"] and max(seen["gamma"]) == 29
    assert seen["weights"]
    assert [t.params["k"] for t in study.trials[-10:]].count(4) >= 5


def test_parameters_whose_range_changes_use_only_compatible_history() -> None:
    study = albacore.create_study(sampler=TPESampler(seed=0, n_startup_trials=3, warn_independent_sampling=False))
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=10)
    study.optimize(lambda t: t.suggest_float("x", 10.0, 11.0, log=True), n_trials=5)
    study.optimize(lambda t: float(t.suggest_int("x", 5, 7)), n_trials=5)
    trials = study.trials
    assert all(0.0 <= t.params["x"] <= 1.0 for t in trials[:10])
    assert all(10.0 <= t.params["x"] <= 11.0 for t in trials[10:15])
    assert all(t.params["x"] in (5, 6, 7) for t in trials[15:])


def test_pickles_without_its_caches_and_keeps_working() -> None:
    sampler = TPESampler(seed=0)
    study = albacore.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=15)
    copy = pickle.loads(pickle.dumps(sampler))
    handle = albacore.load_study(study_name=study.study_name, storage=study._storage, sampler=copy)
    handle.optimize(_quadratic, n_trials=5)
    assert len(study.trials) == 20


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"n_startup_trials": -1},
            ValueError,
            r"TPESampler: n_startup_trials must be an int >= 0, got n_startup_trials=-1",
        ),
        ({"n_ei_candidates": 0}, ValueError, r"n_ei_candidates must be an int >= 1, got n_ei_candidates=0"),
        ({"prior_weight": 0.0}, ValueError, r"TPESampler: prior_weight must be > 0, got prior_weight=0.0"),
        ({"prior_weight": float("inf")}, ValueError, r"prior_weight must be a finite number, got prior_weight=inf"),
        ({"multivariate": False, "group": True}, ValueError, r"group=True needs multivariate"),
        ({"gamma": 3}, TypeError, r"gamma must be callable or None, got gamma=3"),
        ({"constraints_func": "f"}, TypeError, r"constraints_func must be callable"),
        ({"categorical_distance_func": {"k": 1}}, TypeError, r"categorical_distance_func must be a dict"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        TPESampler(**kwargs)
