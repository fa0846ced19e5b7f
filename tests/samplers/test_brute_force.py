"""BruteForceSampler: exhausts discrete and conditional spaces exactly once, then stops."""

from __future__ import annotations

import collections
import multiprocessing
import os
from typing import Any

import pytest

import albacore
from albacore.samplers import BruteForceSampler
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


def test_threads_cover_the_space() -> None:
    def objective(trial: albacore.Trial) -> float:
        return trial.suggest_int("x", 0, 9) + trial.suggest_categorical("y", [0, 1, 2])

    everything = {(("x", x), ("y", y)) for x in range(10) for y in range(3)}
    for avoid in (True, False):
        study = albacore.create_study(sampler=BruteForceSampler(seed=0, avoid_premature_stop=avoid))
        study.optimize(objective, n_jobs=4)
        keys = _keys(study)
        assert len(keys) <= 30 + 3  # only workers asking at the very end may repeat a point
        if avoid:
            assert set(keys) == everything
        else:
            # Running trials count as covering their path, so the search may stop a few points short.
            assert len(set(keys)) >= 27 and set(keys) <= everything


def _process_worker(path: str, seed: int) -> None:
    from albacore.storages import JournalFileBackend, JournalStorage

    storage = JournalStorage(JournalFileBackend(path))
    study = albacore.load_study(study_name="bf-procs", storage=storage, sampler=BruteForceSampler(seed=seed))
    study.optimize(lambda t: t.suggest_int("x", 0, 19))


def test_two_processes_sharing_a_journal_file(tmp_path: Any) -> None:
    from albacore.storages import JournalFileBackend, JournalStorage

    path = os.fspath(tmp_path / "journal.log")
    albacore.create_study(study_name="bf-procs", storage=JournalStorage(JournalFileBackend(path)))
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_process_worker, args=(path, seed)) for seed in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    study = albacore.load_study(study_name="bf-procs", storage=JournalStorage(JournalFileBackend(path)))
    values = [t.params["x"] for t in study.get_trials(states=(TrialState.COMPLETE,))]
    assert set(values) == set(range(20))
    assert len(values) <= 21


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


def test_running_trials_count_as_taken_unless_avoiding_premature_stop() -> None:
    def objective(trial: albacore.Trial) -> float:
        return float(trial.suggest_int("x", 0, 1))

    for avoid in (False, True):
        study = albacore.create_study(sampler=BruteForceSampler(seed=0, avoid_premature_stop=avoid))
        running = study.ask()  # another worker's trial, still running
        running_x = running.suggest_int("x", 0, 1)
        study.optimize(objective, n_trials=5)
        values = [t.params["x"] for t in study.trials[1:]]
        # The free value comes first; by default the running trial covers the other one and the
        # study stops, while avoid_premature_stop evaluates it as well before stopping.
        assert values[0] != running_x
        assert values == ([1 - running_x, running_x] if avoid else [1 - running_x])


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
