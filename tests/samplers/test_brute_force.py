"""BruteForceSampler: exhausts discrete and conditional spaces exactly once, then stops."""

from __future__ import annotations

import collections
import threading
import time
from typing import Any
from unittest import mock

import pytest
from _processes import run_workers, shared_storage

import albacore
from albacore.samplers import BruteForceSampler, StartDecision
from albacore.trial import TrialState


def _conditional(trial: albacore.Trial) -> float:
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    if kind == "a":
        return trial.suggest_int("n", 1, 3)
    if kind == "b":
        return trial.suggest_float("f", 0.0, 1.0, step=0.5) + trial.suggest_int("m", 0, 1)
    return 0.0


# kind=a: 3 points, kind=b: 3 * 2 points, kind=c: 1 point.
CONDITIONAL_POINTS = 10


def _keys(study: albacore.Study) -> list[tuple]:
    return [tuple(sorted(t.params.items())) for t in study.get_trials(states=(TrialState.COMPLETE,))]


def test_conditional_space_is_exhausted_exactly_once_then_stops() -> None:
    study = albacore.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(_conditional, n_trials=100)
    keys = _keys(study)
    assert len(keys) == len(study.trials) == CONDITIONAL_POINTS
    assert len(set(keys)) == CONDITIONAL_POINTS


def test_every_discrete_kind_with_step_and_log() -> None:
    def objective(trial: albacore.Trial) -> float:
        a = trial.suggest_int("a", 1, 8, log=True)
        b = trial.suggest_int("b", 0, 6, step=3)
        c = trial.suggest_float("c", -1.0, 1.0, step=0.5)
        d = trial.suggest_categorical("d", [None, "x", 2.5])
        return a + b + c + (d is None)

    study = albacore.create_study(sampler=BruteForceSampler(seed=1))
    study.optimize(objective)
    keys = {(t.params["a"], t.params["b"], t.params["c"], t.params["d"]) for t in study.trials}
    assert len(study.trials) == len(keys) == 8 * 3 * 5 * 3
    assert {k[0] for k in keys} == set(range(1, 9))
    assert {k[2] for k in keys} == {-1.0, -0.5, 0.0, 0.5, 1.0}


def test_a_float_without_step_raises() -> None:
    study = albacore.create_study(sampler=BruteForceSampler())
    with pytest.raises(ValueError, match=r"BruteForceSampler: parameter 'x' is a float without step"):
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)


def test_same_seed_same_order() -> None:
    def order(seed: int) -> list:
        study = albacore.create_study(sampler=BruteForceSampler(seed=seed))
        study.optimize(_conditional)
        return _keys(study)

    assert order(3) == order(3)
    assert order(3) != order(4)


@pytest.mark.parametrize("avoid", [False, True])
def test_threads_evaluate_every_point_exactly_once(avoid: bool) -> None:
    def objective(trial: albacore.Trial) -> float:
        return trial.suggest_int("x", 0, 9) + trial.suggest_categorical("y", [0, 1, 2])

    everything = {(("x", x), ("y", y)) for x in range(10) for y in range(3)}
    study = albacore.create_study(sampler=BruteForceSampler(seed=0, avoid_premature_stop=avoid))
    study.optimize(objective, n_jobs=4, n_trials=1000)
    keys = _keys(study)
    assert len(keys) == len(study.trials) == 30
    assert set(keys) == everything


def test_threads_exhaust_a_conditional_space_exactly_once() -> None:
    study = albacore.create_study(sampler=BruteForceSampler(seed=3))
    study.optimize(_slow_conditional, n_jobs=4)
    keys = _keys(study)
    assert len(keys) == len(study.trials) == CONDITIONAL_POINTS
    assert len(set(keys)) == CONDITIONAL_POINTS


def _slow_conditional(trial: albacore.Trial) -> float:
    value = _conditional(trial)
    time.sleep(0.005)  # let workers overlap
    return value


def _process_worker(url: str, seed: int, log: str) -> None:
    study = albacore.load_study(
        study_name="bf-procs", storage=shared_storage(url), sampler=BruteForceSampler(seed=seed)
    )

    def objective(trial: albacore.Trial) -> float:
        value = _slow_conditional(trial)
        with open(log, "a") as f:  # one short append per evaluation, from every process
            f.write(repr(sorted(trial.params.items())) + "\n")
        return value

    study.optimize(objective, n_trials=100)


@pytest.mark.parametrize("kind", ["journal", "sqlite"])
def test_four_processes_sharing_a_storage_evaluate_every_point_exactly_once(tmp_path: Any, kind: str) -> None:
    url, lines = run_workers(tmp_path, kind, "bf-procs", _process_worker)
    assert len(lines) == len(set(lines)) == CONDITIONAL_POINTS  # each point once, nothing else
    study = albacore.load_study(study_name="bf-procs", storage=shared_storage(url))
    assert len(study.trials) == CONDITIONAL_POINTS
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert len(set(_keys(study))) == CONDITIONAL_POINTS


def test_failed_trials_are_ignored_and_retried() -> None:
    failed: list[int] = []

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_int("x", 0, 3)
        if x == 1 and not failed:
            failed.append(x)
            raise RuntimeError("flaky")
        return float(x)

    for avoid in (False, True):
        failed.clear()
        study = albacore.create_study(sampler=BruteForceSampler(seed=0, avoid_premature_stop=avoid))
        study.optimize(objective, catch=(RuntimeError,))
        states = collections.Counter(t.state for t in study.trials)
        assert states == {TrialState.COMPLETE: 4, TrialState.FAIL: 1}


def test_another_workers_running_trial_holds_its_point() -> None:
    study = albacore.create_study(sampler=BruteForceSampler(seed=0))
    running = study.ask()  # another worker's trial, still running
    running_x = running.suggest_int("x", 0, 1)
    study.optimize(lambda t: float(t.suggest_int("x", 0, 1)), n_trials=5)
    # The free value is evaluated; the other one is left to the worker running it.
    assert [t.params["x"] for t in study.trials[1:]] == [1 - running_x]


def test_avoid_premature_stop_waits_and_takes_over_the_point_of_a_failed_trial() -> None:
    study = albacore.create_study(sampler=BruteForceSampler(seed=0, avoid_premature_stop=True))
    running = study.ask()  # another worker's trial, which will fail
    running_x = running.suggest_int("x", 0, 1)
    timer = threading.Timer(0.3, lambda: study.tell(running, state=TrialState.FAIL))
    timer.start()
    study.optimize(lambda t: float(t.suggest_int("x", 0, 1)), n_trials=5)
    timer.join()
    assert [t.params["x"] for t in study.trials[1:]] == [1 - running_x, running_x]
    assert [t.state for t in study.trials[1:]] == [TrialState.COMPLETE, TrialState.COMPLETE]


def test_can_start_trial_reserves_a_point_and_says_done_when_nothing_is_left() -> None:
    sampler = BruteForceSampler(seed=0)
    study = albacore.create_study(sampler=sampler)
    study.optimize(lambda t: float(t.suggest_int("x", 0, 2)), n_trials=2)
    assert sampler.can_start_trial(study) is StartDecision.PROPOSE
    left = float(({0, 1, 2} - {t.params["x"] for t in study.trials}).pop())
    pending = [v for k, v in study.system_attrs.items() if k.startswith("brute_force:slot:") and "pending" in v]
    assert [v["slot"] for v in pending] == [[["x", left, mock.ANY]]]
    study.optimize(lambda t: float(t.suggest_int("x", 0, 2)))
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 2]
    assert sampler.can_start_trial(study) is StartDecision.DONE


def test_a_slot_another_worker_reserved_is_not_reserved_again() -> None:
    # A reserved the last point; B (same seed, so the same choice) must not start it too,
    # and ends once A's trial has taken it.
    storage = albacore.storages.InMemoryStorage()
    a, b = BruteForceSampler(seed=0), BruteForceSampler(seed=0)
    study_a = albacore.create_study(study_name="race", storage=storage, sampler=a)
    study_a.optimize(lambda t: float(t.suggest_int("x", 0, 1)), n_trials=1)
    study_b = albacore.load_study(study_name="race", storage=storage, sampler=b)
    assert a.can_start_trial(study_a) is StartDecision.PROPOSE
    assert b.can_start_trial(study_b) is StartDecision.WAIT  # A is starting the last slot
    trial = study_a.ask()
    study_a.tell(trial, float(trial.suggest_int("x", 0, 1)))
    assert b.can_start_trial(study_b) is StartDecision.DONE
    assert sorted(t.params["x"] for t in study_a.trials) == [0, 1]


def test_no_parameters_stops_after_one_trial() -> None:
    study = albacore.create_study(sampler=BruteForceSampler())
    study.optimize(lambda t: 1.0, n_trials=10)
    assert len(study.trials) == 1


def test_enqueued_points_are_not_repeated() -> None:
    study = albacore.create_study(sampler=BruteForceSampler(seed=0))
    study.enqueue_trial({"x": 2})
    study.optimize(lambda t: float(t.suggest_int("x", 0, 3)))
    assert [t.params["x"] for t in study.trials][0] == 2
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 2, 3]


def conditional_point(trial: albacore.Trial) -> float:
    if trial.suggest_categorical("kind", ["a", "b"]) == "a":
        return float(trial.suggest_int("n", 0, 1))
    return 2.0


@pytest.mark.parametrize("executor, n_jobs", [("thread", 1), ("thread", 2), ("process", 2)])
def test_an_exhausted_space_ends_optimize_under_every_executor(tmp_path: Any, executor: str, n_jobs: int) -> None:
    storage = f"sqlite:///{tmp_path / 'bf.db'}"
    study = albacore.create_study(storage=storage, sampler=BruteForceSampler(seed=0))
    study.optimize(conditional_point, n_trials=1000, n_jobs=n_jobs, executor=executor)  # ends by itself
    assert sorted(str(sorted(t.params.items())) for t in study.trials) == sorted(
        ["[('kind', 'a'), ('n', 0)]", "[('kind', 'a'), ('n', 1)]", "[('kind', 'b')]"]
    )
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_avoid_premature_stop_fails_a_dead_workers_trial_while_waiting_and_takes_its_point(tmp_path: Any) -> None:
    from albacore.distributions import IntDistribution
    from albacore.storages import JournalFileBackend, JournalStorage

    storage = JournalStorage(JournalFileBackend(tmp_path / "j.log"), heartbeat_interval=0.2, grace_period=1.0)
    study = albacore.create_study(storage=storage, sampler=BruteForceSampler(seed=0, avoid_premature_stop=True))
    # A worker that died right after suggesting x=0: its trial never beats.
    dead = storage.create_new_trial(study._study_id)
    storage.set_trial_param(dead, "x", 0.0, IntDistribution(0, 1))
    study.optimize(lambda t: float(t.suggest_int("x", 0, 1)), n_trials=5)  # waits, then fails the trial
    assert [(t.state, t.params["x"]) for t in study.trials] == [
        (TrialState.FAIL, 0),
        (TrialState.COMPLETE, 1),
        (TrialState.COMPLETE, 0),
    ]
