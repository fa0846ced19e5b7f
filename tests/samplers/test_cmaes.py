"""CmaEsSampler: the sampler contract, state rebuilt from the storage, restarts, options."""

from __future__ import annotations

import collections
import math
import warnings

import numpy as np
import pytest

import albacore
from albacore.samplers import CmaEsSampler, RandomSampler
from albacore.testing.samplers import SamplerContract
from albacore.trial import TrialState

albacore.logging.set_verbosity(albacore.logging.WARNING)


class TestCmaEsContract(SamplerContract):
    multi_objective = False

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: CmaEsSampler(seed=seed, popsize=4, warn_independent_sampling=False)


class TestCmaEsWithMarginContract(SamplerContract):
    multi_objective = False

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: CmaEsSampler(
            seed=seed, popsize=4, with_margin=True, warn_independent_sampling=False
        )


def _quadratic(trial):
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", -5, 5)
    return (x - 1.5) ** 2 + (y + 0.5) ** 2


def test_converges_on_a_quadratic():
    study = albacore.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(_quadratic, n_trials=120)
    assert study.best_value < 1e-3
    random = albacore.create_study(sampler=RandomSampler(seed=0))
    random.optimize(_quadratic, n_trials=120)
    assert study.best_value < random.best_value


def test_generations_and_vectors_are_recorded_in_the_storage():
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, popsize=4))
    study.optimize(_quadratic, n_trials=14)
    sampled = [t for t in study.trials if "cmaes:generation" in t.system_attrs]
    assert len(sampled) == 13  # the first trial is a startup trial
    generations = [t.system_attrs["cmaes:generation"] for t in sampled]
    assert generations == sorted(generations)
    assert generations[:4] == [0, 0, 0, 0] and generations[4] == 1
    assert all(len(t.system_attrs["cmaes:x"]["x"]) == 2 for t in sampled)


def test_generations_evaluate_the_mean_and_mirrored_pairs():
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, popsize=4))
    study.optimize(_quadratic, n_trials=13)
    by_number = {t.number: t.system_attrs["cmaes:x"] for t in study.trials[1:]}
    roles = [(t.system_attrs["cmaes:generation"], by_number[t.number]["role"]) for t in study.trials[1:]]
    # The first generation has no mean to evaluate yet (it would be x0, the centre); later ones do.
    assert roles[:4] == [(0, "open"), (0, "close"), (0, "open"), (0, "close")]
    assert roles[4:8] == [(1, "mean"), (1, "open"), (1, "close"), (1, "open")]
    assert roles[8:12] == [(2, "mean"), (2, "open"), (2, "close"), (2, "open")]
    # A mirror is the reflection of its pair through the mean (the centre in the first generation).
    first, mirror = by_number[1], by_number[2]
    assert mirror["pair"] == 1
    np.testing.assert_allclose(np.add(first["x"], mirror["x"]), [1.0, 1.0])
    # The evaluated mean is the mean the other members of its generation are mirrored through.
    mean, opened, closed = by_number[5], by_number[6], by_number[7]
    assert closed["pair"] == 6
    np.testing.assert_allclose(np.add(opened["x"], closed["x"]), np.multiply(mean["x"], 2.0))


def test_workers_fill_the_slots_of_one_generation_from_the_storage():
    """Running trials of other workers count: a generation gets one mean and disjoint pairs."""
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, popsize=6))
    study.optimize(_quadratic, n_trials=7)  # the startup trial and the first generation
    other = albacore.load_study(
        study_name=study.study_name, storage=study._storage, sampler=CmaEsSampler(seed=3, popsize=6)
    )
    running = [study.ask(), other.ask(), study.ask(), other.ask(), study.ask(), other.ask()]
    for trial in running:
        trial.suggest_float("x", -5, 5)
        trial.suggest_float("y", -5, 5)
    stored = [study.trials[t.number].system_attrs["cmaes:x"] for t in running]
    assert [x["role"] for x in stored] == ["mean", "open", "close", "open", "close", "open"]
    assert [x.get("pair") for x in stored] == [None, None, running[1].number, None, running[3].number, None]


def test_threads_give_each_generation_one_mean():
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, popsize=6))
    study.optimize(_quadratic, n_trials=80, n_jobs=4)
    means = collections.Counter(
        t.system_attrs["cmaes:generation"]
        for t in study.trials
        if t.system_attrs.get("cmaes:x", {}).get("role") == "mean"
    )
    last = max(t.system_attrs.get("cmaes:generation", 0) for t in study.trials)
    assert last >= 5
    assert means == {g: 1 for g in range(1, last + 1)}


def test_a_mirror_outside_the_search_space_is_replaced_by_a_fresh_draw():
    # A large step size near a bound: most mirrors would leave the unit box.
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, popsize=10, x0={"x": 4.9, "y": 4.9}, sigma0=3.0))
    study.optimize(_quadratic, n_trials=41)
    stored = {t.number: t.system_attrs["cmaes:x"] for t in study.trials[1:]}
    replaced = 0
    for t in study.trials[1:]:
        x = stored[t.number]["x"]
        assert all(0.0 <= v <= 1.0 for v in x)
        assert -5 <= t.params["x"] <= 5 and -5 <= t.params["y"] <= 5
        if stored[t.number]["role"] == "close" and t.system_attrs["cmaes:generation"] == 0:
            reflection = np.subtract(2 * 0.99, stored[stored[t.number]["pair"]]["x"])
            replaced += not np.allclose(x, reflection)
    assert replaced >= 1


def test_state_survives_a_study_reload(tmp_path):
    """A new process (new sampler, reloaded study) continues the same CMA-ES run."""
    url = f"sqlite:///{tmp_path / 'cma.db'}"
    try:
        study = albacore.create_study(storage=url, study_name="cma", sampler=CmaEsSampler(seed=1, popsize=5))
    except ImportError:
        url = str(tmp_path / "cma.log")
        storage = albacore.storages.JournalStorage(albacore.storages.journal.JournalFileBackend(url))
        study = albacore.create_study(storage=storage, study_name="cma", sampler=CmaEsSampler(seed=1, popsize=5))
    study.optimize(_quadratic, n_trials=31)
    # The generation the in-process optimizer is at now.
    last_generation = max(t.system_attrs.get("cmaes:generation", -1) for t in study.trials)

    reloaded = albacore.load_study(study_name="cma", storage=study._storage, sampler=CmaEsSampler(seed=2, popsize=5))
    reloaded.optimize(_quadratic, n_trials=5)
    new = reloaded.trials[-5:]
    assert [t.system_attrs["cmaes:generation"] for t in new] == [last_generation + 1] * 5 or all(
        t.system_attrs["cmaes:generation"] >= last_generation for t in new
    )
    # Same mean and step size as the uninterrupted optimizer: both samplers replay the same history.
    a = study.sampler._replay(reloaded, *_encoder_and_trials(reloaded))
    b = reloaded.sampler._replay(reloaded, *_encoder_and_trials(reloaded))
    np.testing.assert_allclose(a.optimizer.mean, b.optimizer.mean)
    assert a.generation == b.generation


def _encoder_and_trials(study):
    from albacore.samplers._cmaes import _Encoder

    space = study.sampler.infer_relative_search_space(study, study.trials[-1])
    return _Encoder(space, False), study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


def test_two_workers_share_one_run():
    """Two samplers (two workers) on one storage continue one CMA-ES run, not two."""
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, popsize=4))
    other = albacore.load_study(
        study_name=study.study_name, storage=study._storage, sampler=CmaEsSampler(seed=9, popsize=4)
    )
    for _ in range(10):
        study.optimize(_quadratic, n_trials=2)
        other.optimize(_quadratic, n_trials=2)
    generations = [t.system_attrs.get("cmaes:generation") for t in study.trials[1:]]
    # 39 sampled trials, 4 per generation (whichever worker ran them).
    assert generations == sorted(generations)
    assert list(np.bincount(generations)) == [4] * 9 + [3]


def _rastrigin(trial):
    xs = np.array([trial.suggest_float(f"x{i}", -5.12, 5.12) for i in range(2)])
    return float(10 * len(xs) + np.sum(xs**2 - 10 * np.cos(2 * math.pi * xs)))


@pytest.mark.parametrize("strategy", ["ipop", "bipop"])
def test_restart_strategy_triggers_on_a_multimodal_function(strategy):
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, popsize=4, sigma0=0.3, restart_strategy=strategy))
    study.optimize(_rastrigin, n_trials=600)
    restarts = [t.system_attrs["cmaes:x"]["restart"] for t in study.trials if "cmaes:x" in t.system_attrs]
    assert max(restarts) >= 1
    assert restarts == sorted(restarts)
    # After an IPOP restart the population is larger: more trials share a generation.
    generations = [
        t.system_attrs["cmaes:generation"]
        for t in study.trials
        if t.system_attrs.get("cmaes:x", {}).get("restart") == 1
    ]
    if strategy == "ipop":
        counts = np.bincount(generations)
        assert counts[counts > 0].max() >= 8


def test_no_restart_without_a_strategy():
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, popsize=4, sigma0=0.3))
    study.optimize(_rastrigin, n_trials=300)
    assert {t.system_attrs["cmaes:x"]["restart"] for t in study.trials if "cmaes:x" in t.system_attrs} == {0}


def test_int_params_with_margin_stay_on_their_grid():
    def objective(trial):
        a = trial.suggest_int("a", -10, 10)
        b = trial.suggest_int("b", 0, 100, step=5)
        c = trial.suggest_float("c", -1, 1)
        return (a - 3) ** 2 + (b - 40) ** 2 / 25 + c**2

    study = albacore.create_study(sampler=CmaEsSampler(seed=0, with_margin=True))
    study.optimize(objective, n_trials=150)
    for t in study.trials:
        assert isinstance(t.params["a"], int) and -10 <= t.params["a"] <= 10
        assert t.params["b"] % 5 == 0
    assert study.best_params["a"] == 3 and study.best_params["b"] == 40


@pytest.mark.parametrize(
    "kwargs", [{"use_separable_cma": True}, {"lr_adapt": True}, {"restart_strategy": "bipop", "popsize": 6}]
)
def test_variants_optimize(kwargs):
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, **kwargs))
    study.optimize(_quadratic, n_trials=100)
    assert study.best_value < 0.05


def test_warm_start_from_source_trials():
    source = albacore.create_study(sampler=RandomSampler(seed=0))
    source.optimize(_quadratic, n_trials=60)
    warm = albacore.create_study(sampler=CmaEsSampler(seed=0, source_trials=source.trials))
    warm.optimize(_quadratic, n_trials=30)
    cold = albacore.create_study(sampler=CmaEsSampler(seed=0))
    cold.optimize(_quadratic, n_trials=30)
    # The warm-started run samples near the source's good region from its first generation.
    first_warm = [t.value for t in warm.trials[1:11]]
    first_cold = [t.value for t in cold.trials[1:11]]
    assert np.median(first_warm) < np.median(first_cold)


def test_categorical_and_conditional_params_fall_back_with_a_warning():
    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        y = trial.suggest_float("y", -1, 1)
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if kind == "a":
            trial.suggest_float("only_a", 0, 1)
        return x**2 + y**2

    study = albacore.create_study(sampler=CmaEsSampler(seed=0))
    with pytest.warns(UserWarning, match="CmaEsSampler: parameter 'kind'"):
        study.optimize(objective, n_trials=20)
    assert all("cmaes:x" in t.system_attrs for t in study.trials[1:])

    quiet = albacore.create_study(sampler=CmaEsSampler(seed=0, warn_independent_sampling=False))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet.optimize(objective, n_trials=5)


def test_enqueued_trials_are_told_with_their_own_params():
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, popsize=4))
    study.optimize(_quadratic, n_trials=3)
    study.enqueue_trial({"x": 1.5, "y": -0.5})
    study.optimize(_quadratic, n_trials=6)
    enqueued = study.trials[3]
    assert enqueued.params == {"x": 1.5, "y": -0.5}
    assert enqueued.value == 0.0
    # The optimizer was told the optimum: its mean moved toward it.
    run = next(iter(study.sampler._runs[study].values()))
    assert run.generation >= 1


def test_maximize():
    study = albacore.create_study(direction="maximize", sampler=CmaEsSampler(seed=0))
    study.optimize(lambda t: -_quadratic(t), n_trials=100)
    assert study.best_value > -1e-2


def test_multi_objective_is_refused():
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=CmaEsSampler(seed=0))
    with pytest.raises(ValueError, match="CmaEsSampler supports single-objective studies only"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sigma0": -1.0}, r"CmaEsSampler: sigma0 must be > 0, got sigma0=-1.0"),
        ({"sigma0": True}, r"CmaEsSampler: sigma0 must be a finite number, got sigma0=True"),
        ({"n_startup_trials": -1}, r"n_startup_trials must be an int >= 0, got n_startup_trials=-1"),
        ({"restart_strategy": "pop"}, r"restart_strategy must be None, 'ipop' or 'bipop', got restart_strategy='pop'"),
        ({"popsize": 1}, r"popsize must be an int >= 2, got popsize=1"),
        ({"inc_popsize": 0}, r"inc_popsize must be an int >= 1, got inc_popsize=0"),
        ({"use_separable_cma": True, "with_margin": True}, r"use_separable_cma=True cannot be combined"),
        ({"lr_adapt": True, "with_margin": True}, r"lr_adapt=True needs the plain CMA"),
        ({"source_trials": [], "restart_strategy": "ipop"}, r"source_trials cannot be combined with restart_strategy"),
        ({"source_trials": [], "sigma0": 1.0}, r"source_trials cannot be combined with x0 or sigma0"),
    ],
)
def test_invalid_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CmaEsSampler(**kwargs)


def test_x0_must_be_a_dict():
    with pytest.raises(TypeError, match=r"CmaEsSampler: x0 must be a dict"):
        CmaEsSampler(x0=[0.0, 1.0])


def test_x0_sets_the_initial_mean():
    study = albacore.create_study(sampler=CmaEsSampler(seed=0, x0={"x": 4.0, "y": 4.0}, sigma0=0.01))
    study.optimize(_quadratic, n_trials=6)
    for t in study.trials[1:]:
        assert abs(t.params["x"] - 4.0) < 0.5 and abs(t.params["y"] - 4.0) < 0.5
