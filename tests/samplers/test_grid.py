"""GridSampler: every grid point once, then the study stops, with threads and processes."""

from __future__ import annotations

import collections
import multiprocessing
import os
import warnings
from typing import Any

import pytest

import albacore
from albacore.samplers import GridSampler
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


def test_threads_cover_the_grid_without_repeating_a_point_while_others_are_free() -> None:
    space = {"x": list(range(40))}
    study = albacore.create_study(sampler=GridSampler(space, seed=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # surplus trials started at the very end re-evaluate a point
        study.optimize(lambda t: t.suggest_int("x", 0, 39), n_jobs=4)
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    assert {t.params["x"] for t in trials} == set(range(40))
    # At most the workers that asked at the same last moment can repeat a point.
    assert len(trials) <= 40 + 3
    counts = collections.Counter(t.params["x"] for t in trials)
    assert sum(c - 1 for c in counts.values()) == len(trials) - 40


def _process_worker(path: str, seed: int) -> None:
    from albacore.storages import JournalFileBackend, JournalStorage

    storage = JournalStorage(JournalFileBackend(path))
    study = albacore.load_study(study_name="grid-procs", storage=storage, sampler=GridSampler({"x": list(range(30))}, seed=seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(lambda t: t.suggest_int("x", 0, 29))


def test_two_processes_sharing_a_journal_file_split_the_grid(tmp_path: Any) -> None:
    from albacore.storages import JournalFileBackend, JournalStorage

    path = os.fspath(tmp_path / "journal.log")
    storage = JournalStorage(JournalFileBackend(path))
    albacore.create_study(study_name="grid-procs", storage=storage)
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_process_worker, args=(path, seed)) for seed in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    study = albacore.load_study(study_name="grid-procs", storage=JournalStorage(JournalFileBackend(path)))
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    assert {t.params["x"] for t in trials} == set(range(30))
    assert len(trials) <= 31  # one surplus trial at most, when both workers ask for the last point


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
    with pytest.raises(TypeError, match=r"GridSampler: search_space\['x'\] must be a list of values, got 'abc'"):
        GridSampler({"x": "abc"})
    with pytest.raises(ValueError, match=r"GridSampler: search_space\['x'\] holds \[1\] of type list"):
        GridSampler({"x": [[1]]})
    with pytest.raises(ValueError, match=r"GridSampler: search_space\['x'\] holds nan"):
        GridSampler({"x": [float("nan")]})


def test_a_different_grid_on_the_same_study_starts_afresh() -> None:
    storage = albacore.storages.InMemoryStorage()
    study = albacore.create_study(study_name="two-grids", storage=storage, sampler=GridSampler({"x": [0, 1]}))
    study.optimize(lambda t: t.suggest_int("x", 0, 10))
    other = albacore.load_study(study_name="two-grids", storage=storage, sampler=GridSampler({"x": [1, 5, 7]}))
    other.optimize(lambda t: t.suggest_int("x", 0, 10))
    assert [t.params["x"] for t in other.trials[:2]] in ([0, 1], [1, 0])
    assert sorted(t.params["x"] for t in other.trials[2:]) == [1, 5, 7]
