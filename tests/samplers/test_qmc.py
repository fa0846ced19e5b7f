"""QMCSampler: coverage, distribution kinds, seeding shared through the study."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from _kinds import KIND_PARAMS, all_kinds_objective, check_value
from scipy.stats import qmc

import albacore
from albacore.samplers import QMCSampler, RandomSampler
from albacore.trial import TrialState


def _xy(trial: albacore.Trial) -> float:
    return trial.suggest_float("x", 0.0, 1.0) + trial.suggest_float("y", 0.0, 1.0)


def _quiet(study: albacore.Study, *args, **kwargs) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(*args, **kwargs)


@pytest.mark.parametrize("qmc_type", ["sobol", "halton"])
def test_every_distribution_kind_stays_in_bounds(qmc_type: str) -> None:
    study = albacore.create_study(sampler=QMCSampler(qmc_type=qmc_type, scramble=True, seed=1))
    study.optimize(all_kinds_objective, n_trials=40)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    for trial in study.trials[1:]:
        assert trial.system_attrs["qmc:index"] == trial.number
        for name in KIND_PARAMS:
            check_value(name, trial.params[name])
    # The QMC space is the first completed trial's, shared through the study.
    assert sorted(study.system_attrs["qmc:search_space"]) == sorted(KIND_PARAMS)


def test_covers_the_unit_square_more_evenly_than_random() -> None:
    def occupied_cells(sampler: albacore.samplers.BaseSampler) -> int:
        study = albacore.create_study(sampler=sampler)
        study.optimize(_xy, n_trials=65)
        cells = {(int(t.params["x"] * 8), int(t.params["y"] * 8)) for t in study.trials[1:]}
        return len(cells)

    sobol = occupied_cells(QMCSampler(qmc_type="sobol"))
    randoms = [occupied_cells(RandomSampler(seed=s)) for s in range(5)]
    # 64 Sobol points fill nearly every cell of an 8x8 grid; 64 random points about 41.
    assert sobol >= 60
    assert sobol > max(randoms) + 10


def test_log_and_step_parameters_follow_their_scale() -> None:
    def objective(trial: albacore.Trial) -> float:
        return trial.suggest_float("lr", 1e-4, 1.0, log=True) + trial.suggest_int("n", 0, 9)

    study = albacore.create_study(sampler=QMCSampler(qmc_type="halton"))
    study.optimize(objective, n_trials=101)
    lrs = np.array([t.params["lr"] for t in study.trials[1:]])
    # Evenly spread in log scale: half the points lie below the geometric middle 1e-2.
    assert abs(np.mean(lrs < 1e-2) - 0.5) <= 0.05
    counts = np.bincount([t.params["n"] for t in study.trials[1:]], minlength=10)
    assert counts.min() >= 9 and counts.max() <= 11


def test_points_are_the_scrambled_sequence_shared_by_workers() -> None:
    storage = albacore.storages.InMemoryStorage()
    study = albacore.create_study(storage=storage, study_name="qmc-shared", sampler=QMCSampler(scramble=True))
    study.optimize(_xy, n_trials=5)
    # A second worker with its own unseeded sampler continues the same sequence.
    other = albacore.load_study(study_name="qmc-shared", storage=storage, sampler=QMCSampler(scramble=True))
    other.optimize(_xy, n_trials=5)
    seed = study.system_attrs["qmc:seed"]
    expected = qmc.Sobol(d=2, scramble=True, seed=seed).random(16)
    for trial in other.trials[1:]:
        assert trial.params["x"] == pytest.approx(expected[trial.number][0])
        assert trial.params["y"] == pytest.approx(expected[trial.number][1])


def test_same_seed_same_points_and_different_seed_different_points() -> None:
    def run(seed: int) -> list[dict]:
        study = albacore.create_study(sampler=QMCSampler(scramble=True, seed=seed))
        study.optimize(all_kinds_objective, n_trials=12)
        return [t.params for t in study.trials]

    assert run(3) == run(3)
    assert run(3)[1:] != run(4)[1:]


def test_a_seed_differing_from_the_study_seed_warns() -> None:
    storage = albacore.storages.InMemoryStorage()
    study = albacore.create_study(storage=storage, study_name="qmc-seeds", sampler=QMCSampler(scramble=True, seed=1))
    study.optimize(_xy, n_trials=3)
    other = albacore.load_study(study_name="qmc-seeds", storage=storage, sampler=QMCSampler(scramble=True, seed=2))
    with pytest.warns(UserWarning, match=r"seed=2 differs from the scrambling seed 1"):
        other.optimize(_xy, n_trials=1)
    quiet = albacore.load_study(
        study_name="qmc-seeds", storage=storage,
        sampler=QMCSampler(scramble=True, seed=2, warn_asynchronous_seeding=False),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet.optimize(_xy, n_trials=1)


def test_conditional_parameters_are_sampled_independently_with_a_warning() -> None:
    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number % 2:
            return x + trial.suggest_int("extra", 1, 5)
        return x

    study = albacore.create_study(sampler=QMCSampler(seed=0))
    _quiet(study, objective, n_trials=2)  # the first trial fixes the space: {x}
    with pytest.warns(UserWarning, match=r"parameter 'extra' of trial 3 is outside the QMC search space"):
        study.optimize(objective, n_trials=2)
    assert 1 <= study.trials[3].params["extra"] <= 5
    silent = albacore.create_study(sampler=QMCSampler(seed=0, warn_independent_sampling=False))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        silent.optimize(objective, n_trials=6)


def test_fail_trials_are_ignored_and_first_trial_is_independent() -> None:
    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number < 2:
            raise ValueError("boom")
        return x + trial.suggest_float("y", 0.0, 1.0)

    study = albacore.create_study(sampler=QMCSampler(independent_sampler=RandomSampler(seed=0)))
    study.optimize(objective, n_trials=3, catch=(ValueError,))
    # No completed trial yet when trials 0-2 started: every parameter was sampled independently.
    assert "qmc:search_space" not in study.system_attrs
    _quiet(study, objective, n_trials=5)
    assert set(study.system_attrs["qmc:search_space"]) == {"x", "y"}
    assert all("qmc:index" in t.system_attrs for t in study.trials[3:])


def test_parallel_threads_draw_distinct_points() -> None:
    study = albacore.create_study(sampler=QMCSampler(scramble=True, seed=0))
    study.optimize(_xy, n_trials=2)
    study.optimize(_xy, n_trials=30, n_jobs=3)
    points = {(t.params["x"], t.params["y"]) for t in study.trials}
    assert len(points) == 32
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_enqueued_trials_keep_their_values() -> None:
    study = albacore.create_study(sampler=QMCSampler(seed=0))
    study.optimize(_xy, n_trials=2)
    study.enqueue_trial({"x": 0.123, "y": 0.456})
    study.optimize(_xy, n_trials=2)
    assert study.trials[2].params == {"x": 0.123, "y": 0.456}
    assert study.trials[3].params != study.trials[2].params


def test_single_value_parameters_are_left_out_of_the_space() -> None:
    def objective(trial: albacore.Trial) -> float:
        return trial.suggest_float("x", 0.0, 1.0) + trial.suggest_int("fixed", 3, 3)

    study = albacore.create_study(sampler=QMCSampler())
    study.optimize(objective, n_trials=4)
    assert set(study.system_attrs["qmc:search_space"]) == {"x"}
    assert all(t.params["fixed"] == 3 for t in study.trials)


def test_invalid_arguments_raise() -> None:
    with pytest.raises(ValueError, match=r"QMCSampler: qmc_type must be 'sobol' or 'halton', got qmc_type='lhs'"):
        QMCSampler(qmc_type="lhs")
    with pytest.raises(TypeError, match=r"QMCSampler: independent_sampler must be a BaseSampler"):
        QMCSampler(independent_sampler="random")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"QMCSampler: seed must be an int or None, got seed=1.5"):
        QMCSampler(seed=1.5)  # type: ignore[arg-type]


def test_unit_interval_maps_to_every_value_evenly() -> None:
    from albacore.distributions import FloatDistribution, IntDistribution
    from albacore.samplers._transform import unit_to_external

    int_dist = IntDistribution(1, 8, log=True)
    values = [unit_to_external(u, int_dist) for u in np.linspace(0, 1, 1001)]
    assert min(values) == 1 and max(values) == 8
    step = FloatDistribution(0.0, 1.0, step=0.1)
    stepped = {unit_to_external(u, step) for u in np.linspace(0, 1, 1001)}
    assert len(stepped) == 11 and all(math.isclose(v * 10, round(v * 10)) for v in stepped)


def test_one_sampler_serves_studies_at_different_positions_of_the_sequence() -> None:
    sampler = QMCSampler(qmc_type="halton", scramble=True, seed=5)
    first = albacore.create_study(sampler=sampler)
    first.optimize(_xy, n_trials=8)
    second = albacore.create_study(sampler=sampler)  # starts again from the beginning
    second.optimize(_xy, n_trials=4)
    expected = qmc.Halton(d=2, scramble=True, seed=5).random(8)
    for study in (first, second):
        for trial in study.trials[1:]:
            assert (trial.params["x"], trial.params["y"]) == pytest.approx(tuple(expected[trial.number]))
