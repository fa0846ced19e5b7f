"""TPE and NSGA-II prefer configurations no trial has had, in finite search spaces."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.samplers import BaseSampler, NSGAIIISampler, NSGAIISampler, TPESampler
from albacore.samplers._finite import config_of, covers_trials, grid_values, random_unseen, seen_configs, space_size
from albacore.samplers._tpe._history import History
from albacore.samplers._tpe._unseen import is_whole_space
from albacore.trial import TrialState, create_trial

SamplerFactory = Callable[[int, bool], BaseSampler]

SAMPLERS: dict[str, SamplerFactory] = {
    "tpe": lambda seed, avoid: TPESampler(seed=seed, avoid_duplicates=avoid),
    "nsga2": lambda seed, avoid: NSGAIISampler(seed=seed, population_size=10, avoid_duplicates=avoid),
}


def sixty_points(trial: albacore.Trial) -> float:
    """10 ints x 6 choices = 60 configurations."""
    x = trial.suggest_int("x", 0, 9)
    kind = trial.suggest_categorical("kind", ["a", "b", "c", "d", "e", "f"])
    return (x - 3) ** 2 + "abcdef".index(kind)


def _repeats(study: albacore.Study) -> int:
    configs = [tuple(sorted(t.params.items())) for t in study.trials]
    return len(configs) - len(set(configs))


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_sixty_trials_on_sixty_points_repeat_nothing(name: str) -> None:
    with_avoidance, without = [], []
    for seed in range(3):
        for avoid, out in ((True, with_avoidance), (False, without)):
            study = albacore.create_study(sampler=SAMPLERS[name](seed, avoid))
            study.optimize(sixty_points, n_trials=60)
            out.append(_repeats(study))
    assert max(with_avoidance) <= 1, with_avoidance
    assert min(without) >= 10, without  # TPE and NSGA-II exploit: a third or more are repeats


def test_nsga2_avoids_repeats_in_a_multi_objective_study() -> None:
    def two(trial: albacore.Trial) -> tuple[float, float]:
        value = sixty_points(trial)
        return value, -value + trial.params["x"]

    counts = {}
    for avoid in (True, False):
        study = albacore.create_study(
            directions=["minimize", "minimize"],
            sampler=NSGAIISampler(seed=1, population_size=10, avoid_duplicates=avoid),
        )
        study.optimize(two, n_trials=60)
        counts[avoid] = _repeats(study)
    assert counts[True] == 0 and counts[False] >= 10, counts


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_an_exhausted_space_still_gets_trials(name: str) -> None:
    def twelve(trial: albacore.Trial) -> float:
        return trial.suggest_int("x", 0, 3) + trial.suggest_categorical("y", [0.5, 1.5, 2.5])

    study = albacore.create_study(sampler=SAMPLERS[name](0, True))
    study.optimize(twelve, n_trials=20)
    configs = [tuple(sorted(t.params.items())) for t in study.trials]
    assert len(set(configs[:12])) == 12  # every point once before any repeat
    assert len(study.trials) == 20 and all(t.state == TrialState.COMPLETE for t in study.trials)


@pytest.mark.parametrize("factory", [TPESampler, NSGAIISampler])
def test_continuous_spaces_sample_as_without_avoidance(factory: Any) -> None:
    def continuous(trial: albacore.Trial) -> float:
        return trial.suggest_float("x", -1, 1) ** 2 + trial.suggest_float("y", 0, 1)

    params = []
    for avoid in (True, False):
        kwargs = {"population_size": 10} if factory is NSGAIISampler else {}
        study = albacore.create_study(sampler=factory(seed=3, avoid_duplicates=avoid, **kwargs))
        study.optimize(continuous, n_trials=30)
        params.append([t.params for t in study.trials])
    assert params[0] == params[1]


def test_tpe_avoids_only_whole_configurations() -> None:
    """In a branching space the shared parameters are not a whole configuration."""
    x = IntDistribution(0, 2)
    y = IntDistribution(0, 5)
    single = IntDistribution(1, 1)
    study = albacore.create_study()
    study.add_trial(create_trial(params={"x": 1, "one": 1}, distributions={"x": x, "one": single}, value=1.0))
    history = History(1)
    history.update(study)
    assert is_whole_space(history.snapshot(), {"x": x})  # a single-valued extra parameter is no branch
    study.add_trial(create_trial(params={"x": 0, "y": 3}, distributions={"x": x, "y": y}, value=0.0))
    history.update(study)
    assert not is_whole_space(history.snapshot(), {"x": x})
    assert not is_whole_space(history.snapshot(), {"x": x, "y": y})  # trial 0 lacks y
    assert not covers_trials({"x": x}, study.trials) and covers_trials({"x": x, "y": y}, study.trials)


@pytest.mark.parametrize("factory", [TPESampler, NSGAIISampler, NSGAIIISampler])
def test_avoid_duplicates_must_be_a_bool(factory: Any) -> None:
    with pytest.raises(
        TypeError, match=rf"{factory.__name__}: avoid_duplicates must be a bool, got avoid_duplicates=1"
    ):
        factory(avoid_duplicates=1)


# --- the finite-space helpers ------------------------------------------------------------------
def test_grid_values_and_sizes() -> None:
    assert grid_values(IntDistribution(2, 8, step=3)) == [2, 5, 8]
    assert grid_values(IntDistribution(1, 4, log=True)) == [1, 2, 3, 4]
    assert grid_values(FloatDistribution(0.0, 0.3, step=0.1)) == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert grid_values(FloatDistribution(0.0, 1.0)) is None
    assert grid_values(CategoricalDistribution(["a", None])) == ["a", None]
    space = {"x": IntDistribution(0, 9), "k": CategoricalDistribution(list("abcdef"))}
    assert space_size(space) == 60
    assert space_size({**space, "f": FloatDistribution(0, 1)}) is None


def test_configs_compare_stepped_floats_by_grid_index() -> None:
    space = {"f": FloatDistribution(0.0, 1.0, step=0.1)}
    assert config_of(space, {"f": 0.30000000000000004}) == config_of(space, {"f": 0.3}) == (3,)


def test_random_unseen_draws_only_unseen_points() -> None:
    space = {"x": IntDistribution(0, 2), "k": CategoricalDistribution(["a", "b"])}
    trials = [
        create_trial(params={"x": x, "k": k}, distributions=space, value=0.0)
        for x, k in [(0, "a"), (0, "b"), (1, "a"), (2, "a"), (2, "b")]
    ]
    failed = create_trial(state=TrialState.FAIL, params={"x": 1, "k": "b"}, distributions=space)
    seen = seen_configs(space, [*trials, failed])
    assert len(seen) == 5  # the FAIL trial's point may be tried again
    rng = np.random.default_rng(0)
    assert all(random_unseen(space, seen, rng) == {"x": 1, "k": "b"} for _ in range(5))
    seen.add(config_of(space, {"x": 1, "k": "b"}))
    assert random_unseen(space, seen, rng) is None
