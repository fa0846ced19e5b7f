"""GridSampler: every grid point once, then optimize ends, with threads and processes."""

from __future__ import annotations

import collections
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest
from _processes import run_workers, shared_storage

import albacore
from albacore.samplers import GridSampler, StartDecision
from albacore.trial import TrialState

SPACE = {"x": [-1, 0, 1, 2], "y": [0.5, 1.5, 2.5], "c": ["a", None, True]}


def _objective(trial: albacore.Trial) -> float:
    x = trial.suggest_int("x", -1, 2)
    y = trial.suggest_float("y", 0.0, 3.0)
    c = trial.suggest_categorical("c", ["a", None, True])
    return x + y + (c is None)


def _points(study: albacore.Study) -> list[tuple[Any, ...]]:
    return [
        (t.params["x"], t.params["y"], t.params["c"])
        for t in study.get_trials(states=(TrialState.COMPLETE,))
    ]


def _grid_size(space: dict) -> int:
    size = 1
    for values in space.values():
        size *= len(values)
    return size


def test_every_point_exactly_once_then_the_study_stops() -> None:
    study = albacore.create_study(sampler=GridSampler(SPACE, seed=0))
    study.optimize(_objective, n_trials=1000)
    points = _points(study)
    assert len(points) == len(study.trials) == 36
    assert len(set(points)) == 36
    assert {type(p[2]) for p in points} == {str, type(None), bool}
    # Without n_trials the study also stops by itself.
    study2 = albacore.create_study(sampler=GridSampler(SPACE, seed=0))
    study2.optimize(_objective)
    assert len(study2.trials) == 36


def test_float_log_and_step_values_are_used_as_given() -> None:
    space = {"lr": [1e-4, 1e-2], "step": [0.25, 0.75], "n": [1, 10, 100]}

    def objective(trial: albacore.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
        step = trial.suggest_float("step", 0.0, 1.0, step=0.25)
        n = trial.suggest_int("n", 1, 100, log=True)
        return lr * step * n

    study = albacore.create_study(sampler=GridSampler(space))
    study.optimize(objective)
    got = {(t.params["lr"], t.params["step"], t.params["n"]) for t in study.trials}
    assert got == {(a, b, c) for a in space["lr"] for b in space["step"] for c in space["n"]}


def test_same_seed_same_order_and_different_seed_different_order() -> None:
    def order(seed: int) -> list:
        study = albacore.create_study(sampler=GridSampler(SPACE, seed=seed))
        study.optimize(_objective)
        return _points(study)

    assert order(5) == order(5)
    assert order(5) != order(6)


def test_threads_evaluate_every_point_exactly_once_then_stop() -> None:
    space = {"x": list(range(40))}
    study = albacore.create_study(sampler=GridSampler(space, seed=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the "re-evaluates a random point" warning would fail the test
        study.optimize(lambda t: t.suggest_int("x", 0, 39), n_jobs=4, n_trials=1000)
    assert sorted(t.params["x"] for t in study.trials) == list(range(40))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_more_threads_than_points_start_only_as_many_trials_as_points() -> None:
    study = albacore.create_study(sampler=GridSampler({"x": [0, 1]}, seed=0))
    calls = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(lambda t: calls.append(1) or t.suggest_int("x", 0, 1), n_jobs=6)
    assert len(calls) == len(study.trials) == 2
    assert sorted(t.params["x"] for t in study.trials) == [0, 1]


def test_threads_retry_a_point_whose_trial_failed_while_the_others_wait() -> None:
    # The last points are running when one fails: a waiting thread must not have stopped.
    failed: list[int] = []
    lock = threading.Lock()

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_int("x", 0, 7)
        time.sleep(0.01 * (x % 3))  # let the threads interleave
        with lock:
            if x == 5 and not failed:
                failed.append(x)
                raise RuntimeError("flaky")
        return float(x)

    study = albacore.create_study(sampler=GridSampler({"x": list(range(8))}, seed=1))
    study.optimize(objective, n_jobs=4, catch=(RuntimeError,))
    complete = sorted(t.params["x"] for t in study.trials if t.state == TrialState.COMPLETE)
    assert complete == list(range(8))
    assert [t.params["x"] for t in study.trials if t.state == TrialState.FAIL] == [5]


def _process_worker(url: str, seed: int, log: str) -> None:
    storage = shared_storage(url)
    study = albacore.load_study(
        study_name="grid-procs", storage=storage, sampler=GridSampler({"x": list(range(30))}, seed=seed)
    )

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_int("x", 0, 29)
        with open(log, "a") as f:  # one short append per evaluation, from every process
            f.write(f"{x}\n")
        time.sleep(0.002)
        return float(x)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(objective, n_trials=100)


@pytest.mark.parametrize("kind", ["journal", "sqlite"])
def test_four_processes_sharing_a_storage_evaluate_every_point_exactly_once(tmp_path: Any, kind: str) -> None:
    url, lines = run_workers(tmp_path, kind, "grid-procs", _process_worker)
    evaluated = sorted(int(line) for line in lines)
    assert evaluated == list(range(30))  # each point evaluated once, nothing else
    study = albacore.load_study(study_name="grid-procs", storage=shared_storage(url))
    assert sorted(t.params["x"] for t in study.trials) == list(range(30))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)  # no extra trial either


def test_can_start_trial_is_done_while_every_point_is_held_and_proposes_an_enqueued_trial() -> None:
    study = albacore.create_study(sampler=GridSampler({"x": [0, 1]}, seed=0))
    other = albacore.load_study(study_name=study.study_name, storage=study._storage, sampler=GridSampler({"x": [0, 1]}))
    held = [other.ask(), other.ask()]  # another worker's running trials hold both points
    assert sorted(t.suggest_int("x", 0, 1) for t in held) == [0, 1]
    assert study.sampler.can_start_trial(study) is StartDecision.DONE
    study.optimize(lambda t: t.suggest_int("x", 0, 1), n_trials=5)
    assert len(study.trials) == 2  # nothing started
    study.enqueue_trial({"x": 1})
    assert study.sampler.can_start_trial(study) is StartDecision.PROPOSE


def test_two_workers_reserving_the_same_point_get_different_points() -> None:
    # B read the grid before A reserved its point (a stale view) and picks the same one:
    # the compare-and-set on the point's claim refuses B, which picks another.
    space = {"x": [0, 1, 2, 3]}
    a = albacore.create_study(sampler=GridSampler(space, seed=0))
    b = albacore.load_study(study_name=a.study_name, storage=a._storage, sampler=GridSampler(space, seed=0))
    stale = b.sampler._free_points(b)
    assert a.sampler.can_start_trial(a) is StartDecision.PROPOSE
    b.sampler._free_points = lambda study: stale  # type: ignore[method-assign]
    assert b.sampler.can_start_trial(b) is StartDecision.PROPOSE
    trial_a, trial_b = a.ask(), b.ask()
    x_a, x_b = trial_a.suggest_int("x", 0, 3), trial_b.suggest_int("x", 0, 3)
    assert x_a != x_b
    claims = {k: v for k, v in a.system_attrs.items() if ":point:" in k}
    assert sorted(v["trial"] for v in claims.values()) == [0, 1]


def test_a_worker_whose_chosen_points_trial_is_never_asked_gives_the_point_back() -> None:
    study = albacore.create_study(sampler=GridSampler({"x": [0]}, seed=0))
    assert study.sampler.can_start_trial(study) is StartDecision.PROPOSE  # reserves x=0
    other = albacore.load_study(study_name=study.study_name, storage=study._storage, sampler=GridSampler({"x": [0]}))
    assert other.sampler.can_start_trial(other) is StartDecision.WAIT  # the point is being started
    assert study.sampler.can_start_trial(study) is StartDecision.PROPOSE  # released, reserved again
    study.optimize(lambda t: float(t.suggest_int("x", 0, 0)), n_trials=5)
    assert [t.params for t in study.trials] == [{"x": 0}]
    assert other.sampler.can_start_trial(other) is StartDecision.DONE


def test_a_reservation_left_by_a_dead_worker_is_taken_over(monkeypatch: Any) -> None:
    from albacore.samplers import _claims

    study = albacore.create_study(sampler=GridSampler({"x": [0, 1]}, seed=0))
    dead = albacore.load_study(study_name=study.study_name, storage=study._storage, sampler=GridSampler({"x": [0, 1]}))
    assert dead.sampler.can_start_trial(dead) is StartDecision.PROPOSE  # then the worker dies
    monkeypatch.setattr(_claims, "ORPHAN_SECONDS", 0.0)
    study.optimize(lambda t: float(t.suggest_int("x", 0, 1)), n_trials=5)
    assert sorted(t.params["x"] for t in study.trials) == [0, 1]


def grid_point(trial: albacore.Trial) -> float:
    return float(trial.suggest_int("x", 0, 2))


@pytest.mark.parametrize(
    "executor, n_jobs",
    [("thread", 1), ("thread", 2), ("process", 2), ("caller's thread pool", 2), ("caller's process pool", 2)],
)
def test_an_exhausted_grid_ends_optimize_under_every_executor(tmp_path: Any, executor: str, n_jobs: int) -> None:
    storage = f"sqlite:///{tmp_path / 'grid.db'}"
    study = albacore.create_study(storage=storage, sampler=GridSampler({"x": [0, 1, 2]}, seed=0))
    pools = {"caller's thread pool": ThreadPoolExecutor, "caller's process pool": ProcessPoolExecutor}
    if executor in pools:
        with pools[executor](max_workers=n_jobs) as pool:  # a concurrent.futures.Executor the caller owns
            study.optimize(grid_point, n_trials=1000, n_jobs=n_jobs, executor=pool)
    else:
        study.optimize(grid_point, n_trials=1000, n_jobs=n_jobs, executor=executor)  # ends by itself, not at 1000
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 2]
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_a_parameter_outside_the_grid_raises() -> None:
    study = albacore.create_study(sampler=GridSampler({"x": [1, 2]}))

    def objective(trial: albacore.Trial) -> float:
        return trial.suggest_int("x", 0, 5) + trial.suggest_int("z", 0, 5)

    with pytest.raises(ValueError, match=r"GridSampler: parameter 'z' is not in the grid; the grid has \['x'\]"):
        study.optimize(objective, n_trials=1)


def test_a_grid_value_outside_the_suggested_range_warns_and_is_used() -> None:
    study = albacore.create_study(sampler=GridSampler({"x": [7]}))
    with pytest.warns(UserWarning, match=r"GridSampler: grid value 7 of parameter 'x' is outside"):
        study.optimize(lambda t: t.suggest_int("x", 0, 5), n_trials=1)
    assert study.trials[0].params["x"] == 7


def test_failed_points_are_tried_again() -> None:
    failed: set[int] = set()

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_int("x", 0, 4)
        if x == 2 and not failed:
            failed.add(x)
            raise RuntimeError("flaky")
        return float(x)

    study = albacore.create_study(sampler=GridSampler({"x": [0, 1, 2, 3, 4]}, seed=0))
    study.optimize(objective, catch=(RuntimeError,))
    states = collections.Counter(t.state for t in study.trials)
    assert states == {TrialState.COMPLETE: 5, TrialState.FAIL: 1}
    assert sorted(t.params["x"] for t in study.trials if t.state == TrialState.COMPLETE) == [0, 1, 2, 3, 4]


def test_enqueued_grid_points_are_not_repeated() -> None:
    study = albacore.create_study(sampler=GridSampler({"x": [0, 1, 2], "y": [0, 1]}, seed=0))
    study.enqueue_trial({"x": 2, "y": 1})
    study.enqueue_trial({"x": 0})  # partly given: the sampler completes it with a matching point
    study.optimize(lambda t: t.suggest_int("x", 0, 2) + t.suggest_int("y", 0, 1))
    points = [(t.params["x"], t.params["y"]) for t in study.trials]
    assert points[0] == (2, 1) and points[1][0] == 0
    assert sorted(points) == [(x, y) for x in range(3) for y in range(2)]


def test_ask_and_tell_outside_optimize_does_not_raise_at_the_end() -> None:
    sampler = GridSampler({"x": [0, 1, 2]})
    study = albacore.create_study(sampler=sampler)
    for _ in range(3):
        trial = study.ask()
        study.tell(trial, trial.suggest_int("x", 0, 2))
    assert sampler.is_exhausted(study)
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 2]


def test_a_study_with_no_trials_is_not_exhausted_and_search_space_is_exposed() -> None:
    sampler = GridSampler({"b": [1], "a": ["u", "v"]})
    assert not sampler.is_exhausted(albacore.create_study(sampler=sampler))
    assert sampler.search_space == {"a": ["u", "v"], "b": [1]}


def test_invalid_search_spaces_raise() -> None:
    with pytest.raises(TypeError, match=r"GridSampler: search_space must be a dict"):
        GridSampler([("x", [1])])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"GridSampler: search_space\['x'\] must hold at least one value"):
        GridSampler({"x": []})
    with pytest.raises(TypeError, match=r"GridSampler: search_space\['x'\] must be a list \(or 1-D array\).*'abc'"):
        GridSampler({"x": "abc"})
    with pytest.raises(ValueError, match=r"GridSampler: search_space\['x'\] holds \[1\] of type list"):
        GridSampler({"x": [[1]]})
    with pytest.raises(ValueError, match=r"GridSampler: search_space\['x'\] holds nan"):
        GridSampler({"x": [float("nan")]})


def test_numpy_arrays_of_values_are_taken_as_lists() -> None:
    np = pytest.importorskip("numpy")
    sampler = GridSampler({"x": np.array([1, 2, 3]), "y": np.linspace(0.0, 1.0, 2)})
    assert sampler.search_space == {"x": [1, 2, 3], "y": [0.0, 1.0]}
    assert all(type(v) in (int, float) for values in sampler.search_space.values() for v in values)
    with pytest.raises(TypeError, match=r"must be a list \(or 1-D array\) of values"):
        GridSampler({"x": np.zeros((2, 2))})


def test_a_different_grid_on_the_same_study_starts_afresh() -> None:
    storage = albacore.storages.InMemoryStorage()
    study = albacore.create_study(study_name="two-grids", storage=storage, sampler=GridSampler({"x": [0, 1]}))
    study.optimize(lambda t: t.suggest_int("x", 0, 10))
    other = albacore.load_study(study_name="two-grids", storage=storage, sampler=GridSampler({"x": [1, 5, 7]}))
    other.optimize(lambda t: t.suggest_int("x", 0, 10))
    assert [t.params["x"] for t in other.trials[:2]] in ([0, 1], [1, 0])
    assert sorted(t.params["x"] for t in other.trials[2:]) == [1, 5, 7]
